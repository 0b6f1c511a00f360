/**
 * Operator waivers: a person at the desk (or staff called by `ask-assistance`) looks at the person
 * in front of the kiosk and rules that a message is wrong for them: no glasses, eyes that are open
 * (narrow eyes, a droopy lid), a religious head covering the issuing authority accepts. For the
 * rest of that session the message is neither shown nor blocks the capture, and the capture's
 * report says who waived what. Only messages that judge the person's appearance can be waived
 * (their measured false alarms: README, "Guidance accuracy"); geometry, light and the
 * presentation-attack check cannot.
 */
import type { GuidanceId } from './guidance-ids.js';
import type { IsoComponentName } from '../capture/iso-components.js';

export interface Waiver {
  id: GuidanceId;
  /** The operator's user name. */
  by: string;
  /** Epoch ms. */
  at: number;
}

/**
 * Why a session's waivers ended without staff undoing them: the person left (or, after a capture,
 * the captured screen timed out), another person stepped in, the person accepted their capture,
 * or staff reset the kiosk.
 */
export type WaiversEndReason = 'person left' | 'another person' | 'captured screen timed out' | 'capture accepted' | 'reset';

/** The waivers that ended with their session, and why (the operator view and the audit log say so). */
export interface WaiversEnded {
  waivers: Waiver[];
  reason: WaiversEndReason;
}

/** Messages a profile may make waivable (`guidance.waivable`). */
export const WAIVABLE_IDS: readonly GuidanceId[] = [
  'remove-glasses',
  'remove-sunglasses',
  'remove-headgear',
  'open-eyes',
  'close-mouth',
  'uncover-left-eye',
  'uncover-right-eye',
  'uncover-left-cheek',
  'uncover-right-cheek',
  'uncover-mouth',
];

/** The default: the occluder messages and `open-eyes` (`close-mouth` only where a profile adds it). */
export const DEFAULT_WAIVABLE: readonly GuidanceId[] = WAIVABLE_IDS.filter((id) => id !== 'close-mouth');

/**
 * The capture checks that say the same as a waived message: waived, they are advisory for the
 * session (an operator who rules the eyes open is not overruled by the eye-aspect check).
 */
const WAIVED_COMPONENTS: Partial<Record<GuidanceId, readonly IsoComponentName[]>> = {
  'open-eyes': ['EyesOpen'],
  'close-mouth': ['MouthClosed'],
};

/** `items` (messages, candidates) less the waived ones; `items` itself when nothing is waived. */
export function withoutWaived<T extends { id: string }>(items: readonly T[], waivers: readonly Waiver[]): readonly T[] {
  if (waivers.length === 0) return items;
  const waived = new Set<string>(waivers.map((w) => w.id));
  return items.filter((m) => !waived.has(m.id));
}

/** The capture's advisory components with the waived messages' own checks added. */
export function advisoryWithWaivers(advisory: readonly string[], waivers: readonly Waiver[]): string[] {
  const extra = waivers.flatMap((w) => WAIVED_COMPONENTS[w.id] ?? []).filter((n) => !advisory.includes(n));
  return [...advisory, ...new Set(extra)];
}
