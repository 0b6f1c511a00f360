/** What the guidance event says for a session state: pure, so the reducer can decide when it changed. */
import { candidate } from '../../guidance/guidance-rules.js';
import type { GuidanceId } from '../../guidance/guidance-ids.js';
import type { Escalation, GuidanceRef, SessionOptions, SessionState } from './session-state.js';

const ref = (id: GuidanceId): GuidanceRef => ({ id, priority: candidate(id).priority });

/** Time spent in this session without a capture, by the frame clock. */
export function sessionElapsed(s: SessionState<unknown>): number {
  return s.sessionStart !== undefined && s.phase !== 'captured' ? s.lastShownTs - s.sessionStart : 0;
}

export function escalationOf(s: SessionState<unknown>, o: SessionOptions): Escalation {
  const elapsed = sessionElapsed(s);
  return elapsed > o.assistanceAfterMs ? 'assistance' : elapsed > o.hintAfterMs ? 'hint' : 'none';
}

export interface GuidanceView {
  messages: GuidanceRef[];
  hint: GuidanceRef | null;
}

export function guidanceView(s: SessionState<unknown>, o: SessionOptions): GuidanceView {
  const messages = s.shown.map((c) => ({ id: c.id as GuidanceId, priority: c.priority }));
  const elapsed = sessionElapsed(s);
  let hint: GuidanceRef | null = null;
  const persistent = Object.entries(s.persistence);
  if (elapsed > o.hintAfterMs && persistent.length) {
    // the longest shown; the first of equals (sort is stable)
    const [id] = [...persistent].sort((a, b) => b[1] - a[1])[0];
    hint = ref(id as GuidanceId);
  }
  // a presentation attack calls staff at once (its message says so) and, latched, stays shown
  const attack = s.attackLatched || messages.some((m) => m.id === 'presentation-attack');
  if (s.attackLatched && !messages.some((m) => m.id === 'presentation-attack')) messages.unshift(ref('presentation-attack'));
  if (!attack && elapsed > o.assistanceAfterMs && !messages.some((m) => m.id === 'ask-assistance')) messages.push(ref('ask-assistance'));
  return { messages, hint };
}

export const guidanceKey = (v: GuidanceView, language: string): string => JSON.stringify([v.messages.map((m) => m.id), v.hint?.id, language]);
