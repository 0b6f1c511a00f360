/**
 * The labelled guidance set: per face of ../shared/faces (file + face index, largest face first as
 * in face-records.ts) the guidance messages that MUST appear and those that must NOT, from the
 * manifest's notes (face-conditions.ts), plus a few label-only note patterns and a hand-checked
 * override list (models/guidance-label-overrides.csv, one reason per entry). Written by
 * `plq guidance-labels` to models/guidance-labels.csv, beside the split it carries the fold of.
 *
 * Rules (notes condition -> message):
 *   glasses -> remove-glasses; sunglasses -> remove-sunglasses; mask -> uncover-mouth;
 *   hat, cap, hood (headgear) -> remove-headgear; hand over the face -> `uncover-*` (any of the
 *   five uncover messages: the notes never say which side); eyes closed -> open-eyes;
 *   profile / strong yaw -> look-straight; dark -> too-dark;
 *   clean frontal faces -> no blocking message at all.
 * Must-not, only where the notes surely describe this face (a photo's only face, or its clearly
 * largest one): a clean face must show no blocking message; any other face must not show the
 * condition messages above whose condition the notes do not mention. Related messages are left
 * free ("don't care"), neither must nor must-not: remove-glasses on sunglasses, the cheek messages
 * on a mask, look-straight on mild yaw or pitch, the eye and cheek messages on a profile,
 * close-mouth on a smile or open mouth, and what the label-only patterns below add.
 * A condition that holds for only some faces of a photo ("glasses on one") leaves its message free
 * on every face of it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MODELS_DIR } from '../plq/model-manifest.js';
import { GUIDANCE_IDS, type GuidanceId } from '../kiosk/guidance/guidance-ids.js';
import { candidate } from '../kiosk/guidance/guidance-rules.js';
import type { Condition } from './face-conditions.js';
import type { FaceRecord } from './face-records.js';
import type { Fold } from './face-split.js';
import { splitLine } from '../analyze/csv-table.js';

export const LABELS_FILE = path.join(MODELS_DIR, 'guidance-labels.csv');
export const OVERRIDES_FILE = path.join(MODELS_DIR, 'guidance-label-overrides.csv');

/** A guidance id, or `uncover-*`: any of the uncover messages (a hand whose side is unknown). */
export type LabelToken = GuidanceId | 'uncover-*';
export const ANY_UNCOVER = 'uncover-*' as const;
export const UNCOVER_IDS: readonly GuidanceId[] = ['uncover-left-eye', 'uncover-right-eye', 'uncover-left-cheek', 'uncover-right-cheek', 'uncover-mouth'];

/** The message each condition must bring. */
export const CONDITION_MESSAGE: Partial<Record<Condition, LabelToken>> = {
  glasses: 'remove-glasses',
  sunglasses: 'remove-sunglasses',
  mask: 'uncover-mouth',
  headgear: 'remove-headgear',
  hand: ANY_UNCOVER,
  eyesClosed: 'open-eyes',
  profile: 'look-straight',
  dark: 'too-dark',
};

/** The messages the labels speak about on a face that is not clean (must-not when the condition is absent). */
export const CONDITION_IDS: readonly GuidanceId[] = [
  'remove-glasses',
  'remove-sunglasses',
  'uncover-mouth',
  'remove-headgear',
  'uncover-left-eye',
  'uncover-right-eye',
  'uncover-left-cheek',
  'uncover-right-cheek',
  'open-eyes',
  'look-straight',
  'too-dark',
];

export const BLOCKING_IDS: readonly GuidanceId[] = GUIDANCE_IDS.filter((id) => candidate(id).blocking);

/** Messages a condition leaves free (neither must nor must-not). */
const RELATED: Partial<Record<Condition, GuidanceId[]>> = {
  sunglasses: ['remove-glasses'],
  mask: ['uncover-left-cheek', 'uncover-right-cheek'],
  hand: [...UNCOVER_IDS],
  yaw: ['look-straight'],
  pitch: ['look-straight'],
  profile: ['uncover-left-eye', 'uncover-right-eye', 'uncover-left-cheek', 'uncover-right-cheek'],
  varied: ['look-straight', 'open-eyes', 'close-mouth'],
  mouthOpen: ['close-mouth'],
  dark: ['uneven-lighting'],
};

/**
 * Label-only note patterns: cues the notes give that face-conditions.ts (shared with the quality
 * evaluation, so left as it is) does not read. Each only leaves messages free.
 */
export const NOTE_PATTERNS: Array<{ pattern: RegExp; free: GuidanceId[]; why: string }> = [
  { pattern: /looking up|looking down|tilted back/, free: ['look-straight'], why: 'head pitch' },
  { pattern: /\broll\b|lying|tilted|head tilt/, free: ['head-level'], why: 'head roll' },
  { pattern: /hair (partly )?over|hair blown/, free: ['uncover-left-eye', 'uncover-right-eye', 'uncover-left-cheek', 'uncover-right-cheek', 'remove-headgear'], why: 'hair over the face or forehead' },
  { pattern: /overexposed|\bbright\b/, free: ['too-bright'], why: 'overexposed' },
  { pattern: /harsh light|dramatic light|side light|flash|sunset light|warm light|in-vehicle lighting|vignette/, free: ['uneven-lighting'], why: 'directional or coloured light' },
  { pattern: /holding (cup|phone|glasses)|microphone|hand (raised )?near|hand raised|near face|arm raised/, free: [...UNCOVER_IDS], why: 'hand or object near the face' },
  { pattern: /headphones/, free: ['remove-headgear'], why: 'headphones' },
  { pattern: /smil|laugh|expression sample|talking|tongue|mouth/, free: ['close-mouth'], why: 'expression' },
  { pattern: /cropped/, free: ['center-face', 'step-back'], why: 'face cropped by the photo' },
];

export interface GuidanceLabel {
  file: string;
  face: number;
  fold: Fold;
  /** Clean frontal (face-records.ts), after overrides. */
  clean: boolean;
  must: LabelToken[];
  mustNot: GuidanceId[];
  /** The face's conditions from the notes (reference only); `?x` = x holds for some faces of the photo. */
  conditions: string;
  source: 'notes' | 'override';
  /** The override's reason (empty for rules). */
  reason: string;
}

/**
 * A hand-checked label (models/guidance-label-overrides.csv): it replaces the notes' label of the
 * face. Must-not follows from it by the same rule (a clean face: every blocking message; another:
 * the condition messages), less the must and the free messages; free `*` = the face is not scored.
 */
export interface LabelOverride {
  file: string;
  /** A face index, or '*' for every face of the photo. */
  face: number | '*';
  must: LabelToken[];
  free: GuidanceId[] | '*';
  clean: boolean;
  reason: string;
}

const byOrder = (ids: Iterable<GuidanceId>): GuidanceId[] => {
  const set = new Set(ids);
  return GUIDANCE_IDS.filter((id) => set.has(id));
};

/** Does a shown message satisfy a label token? */
export const tokenMatches = (token: LabelToken, id: string): boolean => (token === ANY_UNCOVER ? UNCOVER_IDS.includes(id as GuidanceId) : token === id);

/** The ids a must list covers (for excluding them from must-not). */
const covered = (must: LabelToken[]): GuidanceId[] => must.flatMap((t) => (t === ANY_UNCOVER ? [...UNCOVER_IDS] : [t]));

/** Whether the notes surely describe this face: its photo's only face, or the clearly largest (as face-records.ts decides). */
export function notesDescribeFace(face: FaceRecord, photoFaces: FaceRecord[]): boolean {
  if (face.facesInPhoto === 1) return true;
  if (face.faceIndex !== 0) return false;
  const second = photoFaces.find((f) => f.faceIndex === 1);
  return !second || face.box[2] >= 1.5 * second.box[2];
}

/** The label of one face from its notes (before overrides). */
export function labelFromNotes(face: FaceRecord, photoFaces: FaceRecord[], notes: string): GuidanceLabel {
  const must = new Set<LabelToken>();
  const free = new Set<GuidanceId>();
  for (const c of face.conditions) {
    const m = CONDITION_MESSAGE[c];
    if (m) must.add(m);
    for (const id of RELATED[c] ?? []) free.add(id);
  }
  for (const c of face.ambiguous) {
    const m = CONDITION_MESSAGE[c];
    if (m) for (const id of covered([m])) free.add(id);
    for (const id of RELATED[c] ?? []) free.add(id);
  }
  const lower = notes.toLowerCase();
  for (const p of NOTE_PATTERNS) if (p.pattern.test(lower)) for (const id of p.free) free.add(id);
  const mustList = [...must].sort((a, b) => tokenIndex(a) - tokenIndex(b));
  const excluded = new Set<GuidanceId>([...covered(mustList), ...free]);
  let mustNot: GuidanceId[] = [];
  if (notesDescribeFace(face, photoFaces)) mustNot = (face.clean ? BLOCKING_IDS : CONDITION_IDS).filter((id) => !excluded.has(id));
  const conditions = [...face.conditions, ...face.ambiguous.map((c) => `?${c}`)].join('+');
  return { file: face.file, face: face.faceIndex, fold: face.fold, clean: face.clean, must: mustList, mustNot: byOrder(mustNot), conditions, source: 'notes', reason: '' };
}

const tokenIndex = (t: LabelToken): number => (t === ANY_UNCOVER ? GUIDANCE_IDS.indexOf('uncover-left-eye') - 0.5 : GUIDANCE_IDS.indexOf(t));

export function applyOverride(label: GuidanceLabel, o: LabelOverride): GuidanceLabel {
  const excluded = new Set(covered(o.must));
  const mustNot = o.free === '*' ? [] : (o.clean ? BLOCKING_IDS : CONDITION_IDS).filter((id) => !excluded.has(id) && !(o.free as GuidanceId[]).includes(id));
  const must = [...o.must].sort((a, b) => tokenIndex(a) - tokenIndex(b));
  return { ...label, must, mustNot: byOrder(mustNot), clean: o.clean, source: 'override', reason: o.reason };
}

/** Labels of every face, overrides applied (an override that matches no face is an error). */
export function buildLabels(
  faces: FaceRecord[],
  notesOf: (file: string) => string,
  overrides: LabelOverride[] = [],
): GuidanceLabel[] {
  const byPhoto = new Map<string, FaceRecord[]>();
  for (const f of faces) byPhoto.set(f.file, [...(byPhoto.get(f.file) ?? []), f]);
  const used = new Set<LabelOverride>();
  const labels = faces.map((f) => {
    let label = labelFromNotes(f, byPhoto.get(f.file)!, notesOf(f.file));
    for (const o of overrides) {
      if (o.file !== f.file || (o.face !== '*' && o.face !== f.faceIndex)) continue;
      label = applyOverride(label, o);
      used.add(o);
    }
    return label;
  });
  const unused = overrides.filter((o) => !used.has(o));
  if (unused.length) throw new Error(`overrides match no detected face: ${unused.map((o) => `${o.file}#${o.face}`).join(', ')}`);
  return labels;
}

// ---- CSV ----

const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Splits one CSV line (the shared reader; fields trimmed). */
export const csvFields = splitLine;

const LABEL_HEADER = ['file', 'face', 'fold', 'clean', 'must', 'must_not', 'conditions', 'source', 'reason'];

export function labelsCsv(labels: GuidanceLabel[]): string {
  const rows = labels.map((l) =>
    [q(l.file), String(l.face), l.fold, l.clean ? '1' : '0', l.must.join(';'), l.mustNot.join(';'), l.conditions, l.source, q(l.reason)].join(','),
  );
  return [LABEL_HEADER.join(','), ...rows].join('\n') + '\n';
}

function tokens(s: string, where: string): LabelToken[] {
  const out = s.split(';').map((t) => t.trim()).filter(Boolean);
  for (const t of out) if (t !== ANY_UNCOVER && !GUIDANCE_IDS.includes(t as GuidanceId)) throw new Error(`${where}: unknown guidance id "${t}"`);
  return out as LabelToken[];
}

function rows(text: string, header: string[], what: string): Array<{ line: number; get: (k: string) => string }> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const head = csvFields(lines[0] ?? '');
  for (const h of header) if (!head.includes(h)) throw new Error(`${what}: no "${h}" column`);
  return lines.slice(1).map((l, i) => {
    const f = csvFields(l);
    if (f.length !== head.length) throw new Error(`${what}:${i + 2}: ${f.length} fields, expected ${head.length}`);
    return { line: i + 2, get: (k: string) => f[head.indexOf(k)] };
  });
}

export function parseLabels(text: string, what = 'labels'): GuidanceLabel[] {
  return rows(text, LABEL_HEADER, what).map(({ line, get }) => {
    const where = `${what}:${line}`;
    const must = tokens(get('must'), where);
    const mustNot = tokens(get('must_not'), where);
    if (mustNot.includes(ANY_UNCOVER)) throw new Error(`${where}: uncover-* is for must only`);
    return {
      file: get('file'),
      face: Number(get('face')),
      fold: get('fold') as Fold,
      clean: get('clean') === '1',
      must,
      mustNot: mustNot as GuidanceId[],
      conditions: get('conditions'),
      source: get('source') === 'override' ? 'override' : 'notes',
      reason: get('reason'),
    };
  });
}

export async function readLabels(file = LABELS_FILE): Promise<GuidanceLabel[]> {
  return parseLabels(await readFile(file, 'utf8'), file);
}

const OVERRIDE_HEADER = ['file', 'face', 'must', 'free', 'clean', 'reason'];

export function parseOverrides(text: string, what = 'overrides'): LabelOverride[] {
  return rows(text, OVERRIDE_HEADER, what).map(({ line, get }) => {
    const where = `${what}:${line}`;
    const face = get('face') === '*' ? '*' : Number(get('face'));
    if (face !== '*' && !Number.isInteger(face)) throw new Error(`${where}: face must be an index or *`);
    if (!get('reason').trim()) throw new Error(`${where}: every override needs a reason`);
    const free = get('free').trim() === '*' ? '*' : tokens(get('free'), where);
    if (free !== '*' && free.includes(ANY_UNCOVER)) throw new Error(`${where}: uncover-* is for must only`);
    return { file: get('file'), face, must: tokens(get('must'), where), free: free as GuidanceId[] | '*', clean: get('clean') === '1', reason: get('reason') };
  });
}

export async function readOverrides(file = OVERRIDES_FILE): Promise<LabelOverride[]> {
  return parseOverrides(await readFile(file, 'utf8'), file);
}
