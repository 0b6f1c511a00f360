/**
 * Visible conditions of a photo, read from the free-text notes of ../shared/faces/manifest.csv.
 * A condition stated for only some faces of a multi-face photo ("sunglasses on one") is
 * ambiguous for every face of it: such a face is neither clean nor counted for that condition.
 */

export const CONDITIONS = [
  'sunglasses',
  'glasses',
  'mask',
  'hand',
  'headgear',
  'blur',
  'dark',
  'profile',
  'yaw',
  'pitch',
  'eyesClosed',
  'mouthOpen',
  'grayscale',
  'small',
  'composite',
  'multiFace',
  'varied',
] as const;
export type Condition = (typeof CONDITIONS)[number];

/** Conditions that are what the natural-conditions AUCs of `plq evaluate` are about. */
export const NATURAL_CONDITIONS = ['sunglasses', 'mask', 'hand', 'blur', 'dark', 'profile'] as const;
export type NaturalCondition = (typeof NATURAL_CONDITIONS)[number];

/** A condition that keeps a face out of the clean frontal set. */
const NOT_CLEAN: ReadonlySet<Condition> = new Set<Condition>(CONDITIONS.filter((c) => c !== 'multiFace' && c !== 'mouthOpen'));

const RULES: Array<[Condition, RegExp]> = [
  ['sunglasses', /sunglasses/],
  ['glasses', /(?<!sun)glasses/],
  ['mask', /\bmasks?\b|face covering|masked/],
  ['hand', /\bhands?\b(?! raised)|phone at ear|object occlu|cloth near face|hand\/object/],
  ['headgear', /\bhats?\b|\bcaps?\b|\bhood|head covering|headscarf|turban|helmet/],
  ['blur', /blur|soft focus|\bsoft\b|low detail|low-res/],
  ['dark', /(?<!dramatic )\bdark\b(?! background)|low light|night|\bdim\b|harsh light/],
  ['profile', /profile|side view|over-shoulder|strong yaw|looking aside/],
  ['yaw', /\byaw\b/],
  ['pitch', /pitch|looking down|tilted back|head tilt/],
  ['eyesClosed', /eyes (nearly |near )?closed|squinting/],
  ['mouthOpen', /mouth (wide )?open|talking|laughing/],
  ['grayscale', /grayscale|greyscale/],
  ['small', /small face|tiny face|face small/],
  ['composite', /composite|collage|grid of|side by side/],
  ['multiFace', /multi-face|crowd|many faces|audience|group|meeting/],
  ['varied', /pose, expression and blur vary/],
];

/** Phrases that say a condition holds for only some faces. */
const PARTIAL = /\bon one\b|\bone with\b|\bone (glasses|sunglasses|mask)|\bsome\b|\bone face\b|right face|left face|with and without/;

export interface PhotoConditions {
  /** Conditions that hold for every face of the photo. */
  all: Set<Condition>;
  /** Conditions that hold for some faces only (ambiguous per face). */
  some: Set<Condition>;
}

export function conditionsFromNotes(notes: string): PhotoConditions {
  const all = new Set<Condition>();
  const some = new Set<Condition>();
  const varied = /pose, expression and blur vary/i;
  if (varied.test(notes)) all.add('varied');
  notes = notes.replace(varied, '');
  // each ';' or ',' separated phrase is judged on its own, so "sunglasses on one" stays partial
  for (const phrase of notes.toLowerCase().split(/[;,]/)) {
    const partial = PARTIAL.test(phrase);
    for (const [cond, re] of RULES) {
      if (!re.test(phrase)) continue;
      (partial && cond !== 'multiFace' && cond !== 'composite' ? some : all).add(cond);
    }
  }
  // "sunglasses" also matches the (?<!sun) guard's negative only; keep glasses apart from sunglasses
  if (all.has('sunglasses') && !/(?<!sun)glasses/.test(notes.toLowerCase().replace(/sunglasses/g, ''))) all.delete('glasses');
  for (const c of all) some.delete(c);
  return { all, some };
}

/** Clean frontal: no condition at all, and none that holds for only some faces. */
export function isClean(c: PhotoConditions): boolean {
  for (const x of c.all) if (NOT_CLEAN.has(x)) return false;
  for (const x of c.some) if (NOT_CLEAN.has(x)) return false;
  return true;
}
