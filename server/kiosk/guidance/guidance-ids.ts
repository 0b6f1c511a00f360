/** Stable message ids: the UI keys its icons on them. Left/right are the person's own. */
export const GUIDANCE_IDS = [
  'no-face',
  'multiple-faces',
  'move-closer',
  'step-back',
  'center-face',
  'look-straight',
  'head-level',
  'remove-sunglasses',
  'remove-glasses',
  'remove-headgear',
  'uncover-left-eye',
  'uncover-right-eye',
  'uncover-left-cheek',
  'uncover-right-cheek',
  'uncover-mouth',
  'open-eyes',
  'close-mouth',
  'too-dark',
  'too-bright',
  'uneven-lighting',
  'hold-still',
  'ask-assistance',
  'presentation-attack',
] as const;
export type GuidanceId = (typeof GUIDANCE_IDS)[number];

export const LANGUAGES = ['en', 'de', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
