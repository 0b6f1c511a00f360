/**
 * The rule table: measurements (every tracked frame) and PLQ region statistics (when a map is
 * fresh) -> guidance candidates, each with a priority (lower first) and whether it blocks
 * capture. Thresholds come from the kiosk config.
 */
import type { FaceMeasurements, RegionQuality } from '../pipeline/measurements.js';
import type { GuidanceCandidate } from '../pipeline/operators/guidance-hysteresis.js';
import type { GuidanceId } from './guidance-ids.js';
import type { PresentationAttackConfig } from '../config/kiosk-config.js';
import { detectedIds, type DetectorPlqInput, type GuidanceDetectors } from './guidance-detectors.js';

export interface GuidanceThresholds {
  /** Inter-eye distance relative to the frame width. */
  minInterEyeRatio: number;
  maxInterEyeRatio: number;
  maxOffsetX: number;
  maxOffsetY: number;
  maxYawDeg: number;
  maxPitchDeg: number;
  maxRollDeg: number;
  minEyeOpen: number;
  /**
   * `open-eyes` when both eyes' aspect on the attention mesh's lids is below this (used instead of
   * `minEyeOpen` where measured). Both: one eye measured narrow is most often a smile or a lid the
   * model misplaced on an open eye (README, Guidance accuracy).
   */
  minLidOpen: number;
  maxMouthOpen: number;
  minLuminance: number;
  maxLuminance: number;
  maxIlluminationImbalance: number;
  /** Motion per frame in inter-eye distances. */
  maxMotion: number;
  /** A region's mean P below this share of the reference P (nose or face mean): occluded. */
  occludedRegionRatio: number;
  /** One cheek's mean P below this share of the other cheek's: that cheek is covered. */
  cheekAsymmetryRatio: number;
  /** Eye-region mean grey below this share of the face's: covered or dark glasses (both eyes). */
  darkEyeRatio: number;
  /** Cheek mean grey below this share of the face's: covered. */
  darkCheekRatio: number;
  /** Mouth grey-level spread below this share of the face's: a uniform cover (mask, band). */
  uniformMouthRatio: number;
  /** Both eyes' mean P below this share of the reference, eyes not dark: glasses. */
  glassesRegionRatio: number;
  /** Mouth mean grey below this share of the face's: covered (mask, hand, scarf). */
  darkMouthRatio: number;
  /** Forehead mean grey below this share of the face's: a dark head covering. */
  darkForeheadRatio: number;
  /**
   * Below this Q^ the whole map is near zero and region ratios (other than the left/right
   * cheek comparison) say nothing; those rules wait for a better frame.
   */
  minQualityForRegionRules: number;
}

const RULE_PRIORITY: Record<GuidanceId, number> = {
  'no-face': 0,
  'multiple-faces': 1,
  // needs exactly one face, so never competes with the two above; first of everything else
  'presentation-attack': 1,
  'move-closer': 2,
  'step-back': 2,
  'center-face': 3,
  'remove-sunglasses': 4,
  'uncover-mouth': 5,
  'remove-headgear': 5,
  'uncover-left-eye': 6,
  'uncover-right-eye': 6,
  // what covers the face is said before glasses: a hand or an object changes how the rest of the
  // face looks (the embedding the glasses probe reads included), and once it is gone the rest is
  // judged again
  'uncover-left-cheek': 7,
  'uncover-right-cheek': 7,
  'remove-glasses': 8,
  'look-straight': 9,
  'head-level': 10,
  'too-dark': 11,
  'too-bright': 11,
  'uneven-lighting': 12,
  'open-eyes': 13,
  'close-mouth': 14,
  'hold-still': 15,
  'ask-assistance': 16,
};

/** Messages that do not block capture (advice only). */
const NON_BLOCKING = new Set<GuidanceId>(['hold-still', 'ask-assistance']);

export const candidate = (id: GuidanceId): GuidanceCandidate => ({ id, priority: RULE_PRIORITY[id], blocking: !NON_BLOCKING.has(id) });

/**
 * Rules on tracking measurements (every frame). `faces` has the subject first (the largest, most
 * central face); `competingFaces` other faces are comparable to it in size. With competing faces
 * the kiosk does not guess who is photographed: it says `multiple-faces` (and `move-closer` when
 * the subject is small, which also makes it stand out) and nothing about anyone's pose. Smaller
 * faces behind the subject are ignored.
 */
export function trackingCandidates(faces: FaceMeasurements[], frameWidth: number, t: GuidanceThresholds, competingFaces: number): GuidanceCandidate[] {
  if (faces.length === 0) return [candidate('no-face')];
  const m = faces[0];
  const out: GuidanceId[] = [];
  const ied = m.interEyeDistance / frameWidth;
  if (competingFaces > 0) {
    out.push('multiple-faces');
    if (ied < t.minInterEyeRatio) out.push('move-closer');
    return out.map(candidate);
  }
  if (ied < t.minInterEyeRatio) out.push('move-closer');
  if (ied > t.maxInterEyeRatio) out.push('step-back');
  if (Math.abs(m.offsetX) > t.maxOffsetX || Math.abs(m.offsetY) > t.maxOffsetY) out.push('center-face');
  if (turnedPastYawLimit(m, t) || Math.abs(m.pitch) > t.maxPitchDeg) out.push('look-straight');
  if (Math.abs(m.roll) > t.maxRollDeg) out.push('head-level');
  const eyesVisible = m.appearance.leftEye.luminance >= t.darkEyeRatio && m.appearance.rightEye.luminance >= t.darkEyeRatio;
  const eyesClosed = m.eyelids ? Math.max(m.eyelids.left, m.eyelids.right) < t.minLidOpen : Math.min(m.leftEyeOpen, m.rightEyeOpen) < t.minEyeOpen;
  if (eyesVisible && eyesClosed) out.push('open-eyes');
  if (m.mouthOpen > t.maxMouthOpen) out.push('close-mouth');
  if (m.luminance < t.minLuminance) out.push('too-dark');
  if (m.luminance > t.maxLuminance) out.push('too-bright');
  if (Math.abs(m.illuminationBalance) > t.maxIlluminationImbalance) out.push('uneven-lighting');
  if (m.motion > t.maxMotion) out.push('hold-still');
  return out.map(candidate);
}

/**
 * Occlusion rules. Every frame: the regions' appearance in the aligned crop (dark eyes, a dark
 * cheek, a uniform mouth). With a fresh PLQ map: its region statistics (a cheek far below the
 * other, a low mouth or forehead, both eyes low without dark lenses = glasses).
 *
 * Measured on real faces with drawn occluders: P-region statistics localise a covered cheek
 * clearly (0.2-0.5 of the other cheek), but a covered eye lowers both eyes' P, so eyes are
 * told apart by appearance.
 *
 * With learned detectors (guidance-detectors.ts) and a fresh map, a detector in `replace` mode
 * decides its message instead of the rule (except the rule's sunglasses: both eyes dark); one in
 * `add` mode adds to the rule. Without a map the messages of `replace` detectors wait for one.
 * The closed-eye probe (`open-eyes`, `add`) adds to the lids' rule of {@link trackingCandidates}.
 */
export function occlusionCandidates(
  m: FaceMeasurements,
  plq: DetectorPlqInput | undefined,
  t: GuidanceThresholds,
  detectors?: GuidanceDetectors | null,
): GuidanceCandidate[] {
  const a = m.appearance;
  const out: GuidanceId[] = [];
  const leftDark = a.leftEye.luminance < t.darkEyeRatio;
  const rightDark = a.rightEye.luminance < t.darkEyeRatio;
  if (leftDark && rightDark) out.push('remove-sunglasses');
  else if (leftDark) out.push('uncover-left-eye');
  else if (rightDark) out.push('uncover-right-eye');
  let leftCheek = a.leftCheek.luminance < t.darkCheekRatio;
  let rightCheek = a.rightCheek.luminance < t.darkCheekRatio;
  let mouth = a.mouth.texture < t.uniformMouthRatio || a.mouth.luminance < t.darkMouthRatio;
  let headgear = a.forehead.luminance < t.darkForeheadRatio;
  if (plq) {
    const regions = plq.regions;
    const ref = Math.max(regions.nose, regions.face, 1e-6);
    leftCheek ||= regions.leftCheek < t.cheekAsymmetryRatio * regions.rightCheek;
    rightCheek ||= regions.rightCheek < t.cheekAsymmetryRatio * regions.leftCheek;
    if (plq.qualityScaled >= t.minQualityForRegionRules) {
      mouth ||= regions.mouth < t.occludedRegionRatio * ref;
      headgear ||= regions.forehead < t.occludedRegionRatio * ref;
      if (!leftDark && !rightDark && regions.leftEye < t.glassesRegionRatio * ref && regions.rightEye < t.glassesRegionRatio * ref) {
        out.push('remove-glasses');
      }
    }
  }
  if (headgear) out.push('remove-headgear');
  if (leftCheek) out.push('uncover-left-cheek');
  if (rightCheek) out.push('uncover-right-cheek');
  if (mouth) out.push('uncover-mouth');
  if (!detectors || detectors.detectors.length === 0) return out.map((id) => occlusionCandidate(id, m, t));
  const replaced = new Set(detectors.detectors.filter((d) => d.mode === 'replace').map((d) => d.id));
  // both eyes far darker than the face is dark lenses whatever the detector says (drawn or
  // real): the rule's sunglasses stay, the detector only adds the cases the rule misses
  let kept = out.filter((id) => !replaced.has(id) || id === 'remove-sunglasses');
  let learned = plq ? detectedIds(detectors, a, plq, m.eyelids) : [];
  // as the lids' rule: closed eyes are told only where both eyes are in sight (not dark lenses or a hand)
  if (leftDark || rightDark) learned = learned.filter((id) => id !== 'open-eyes');
  // one eye far darker than the other is a hand, a patch or a square over that eye, not glasses
  const eyes = [a.leftEye.luminance, a.rightEye.luminance];
  if (Math.min(...eyes) < ONE_EYE_RATIO * Math.max(...eyes)) learned = learned.filter((id) => id !== 'remove-sunglasses' && id !== 'remove-glasses');
  // sunglasses say it all about the eyes: not also glasses, nor one eye for a lens darker than the other
  if (learned.includes('remove-sunglasses')) {
    learned = learned.filter((id) => id !== 'remove-glasses' && id !== 'open-eyes');
    kept = kept.filter((id) => id !== 'uncover-left-eye' && id !== 'uncover-right-eye');
  }
  // a head covering pulled down to the brows draws the same line across the nose bridge as a
  // spectacle frame: with headgear said, glasses wait until it is off (they are said then if worn)
  if (learned.includes('remove-headgear') || kept.includes('remove-headgear')) learned = learned.filter((id) => id !== 'remove-glasses');
  return [...new Set([...kept, ...learned])].map((id) => occlusionCandidate(id, m, t));
}

/** The yaw that makes `look-straight` due, and puts the one-side messages behind it. */
const turnedPastYawLimit = (m: Pick<FaceMeasurements, 'yaw'>, t: Pick<GuidanceThresholds, 'maxYawDeg'>): boolean => Math.abs(m.yaw) > t.maxYawDeg;

/** The messages about one side of the face: they wait behind `look-straight` on a turned head. */
export const ONE_SIDE_IDS: ReadonlySet<string> = new Set<GuidanceId>(['uncover-left-eye', 'uncover-right-eye', 'uncover-left-cheek', 'uncover-right-cheek']);

/**
 * A head turned past the pose limit shows one side of the face foreshortened and shaded, which
 * reads as a covered cheek or eye to the map (lower P) and to the grey levels alike. So while the
 * head is turned, one-side messages come right after `look-straight` instead of before it. They
 * are not dropped: a hand over the face can itself turn the mesh's yaw past the limit, and a
 * person who already looks straight must still be told what to uncover.
 */
function occlusionCandidate(id: GuidanceId, m: Pick<FaceMeasurements, 'yaw'>, t: Pick<GuidanceThresholds, 'maxYawDeg'>): GuidanceCandidate {
  const c = candidate(id);
  // after look-straight and before head-level, eyes before cheeks as elsewhere
  return ONE_SIDE_IDS.has(id) && turnedPastYawLimit(m, t) ? { ...c, priority: RULE_PRIORITY['look-straight'] + RULE_PRIORITY[id] / 10 } : c;
}

/**
 * Presentation attack (a photo or screen held up): the tracked face's antispoof or liveness
 * score below its threshold. Blocking; the pipeline also stops auto-capture for the session
 * (`latch`) and the message calls staff. A threshold of 0 leaves that model unjudged; a score
 * the tracker did not compute (models off) never triggers.
 */
export function presentationAttackCandidates(
  m: Pick<FaceMeasurements, 'antispoof' | 'liveness'>,
  pa: Pick<PresentationAttackConfig, 'enabled' | 'minReal' | 'minLive'>,
): GuidanceCandidate[] {
  if (!pa.enabled) return [];
  const lowReal = pa.minReal > 0 && m.antispoof !== undefined && m.antispoof < pa.minReal;
  const lowLive = pa.minLive > 0 && m.liveness !== undefined && m.liveness < pa.minLive;
  return lowReal || lowLive ? [candidate('presentation-attack')] : [];
}
/** Below this ratio of the two eyes' mean grey, one eye is covered (a structural constant, not fitted). */
const ONE_EYE_RATIO = 0.5;
