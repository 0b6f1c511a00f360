/**
 * The session's phase transitions, as data. Every change of phase other than into holding (and
 * every retake and reset) starts a new epoch: PLQ results requested before it are stale. Data: the README table is made from it, and
 * test/session-reducer.test.ts runs the reducer over every row (and checks that every phase has a
 * row for every event). The reducer (session-reducer.ts) is the implementation.
 */
import type { SessionEventType, SessionPhase } from './session-state.js';

export interface SessionTransition {
  id: string;
  from: readonly SessionPhase[];
  on: SessionEventType;
  when: string;
  to: SessionPhase | 'unchanged';
  effects: string;
}

const LIVE: readonly SessionPhase[] = ['searching', 'adjusting', 'holding'];
const WORKING: readonly SessionPhase[] = [...LIVE, 'captured'];
export const SESSION_PHASES: readonly SessionPhase[] = [...WORKING, 'camera-lost'];

export const SESSION_TRANSITIONS: readonly SessionTransition[] = [
  { id: 'tracked/no-face', from: LIVE, on: 'tracked', when: 'no subject in the frame', to: 'searching', effects: 'state (on change), guidance (on change); waivers ended (`person left`) once nobody was seen for 2.5 s' },
  { id: 'tracked/blocked', from: LIVE, on: 'tracked', when: 'a subject; a blocking message is shown or a presentation attack is latched', to: 'adjusting', effects: 'state (on change), guidance (on change)' },
  { id: 'tracked/clear', from: ['searching', 'adjusting'], on: 'tracked', when: 'a subject, nothing blocking', to: 'holding', effects: 'state with `remaining` = successive - good run' },
  { id: 'tracked/holding', from: ['holding'], on: 'tracked', when: 'a subject, nothing blocking', to: 'unchanged', effects: 'guidance (on change)' },
  { id: 'tracked/track-break', from: ['adjusting', 'holding', 'captured'], on: 'tracked', when: "a subject whose box jumped (overlap below `guidance.samePerson.minBoxOverlap`), or after a frame without one, the person's FR embeddings kept", to: 'unchanged', effects: 'a new epoch (holding: state with `remaining` = successive); the next PLQ result is checked against the person (captured: PLQ runs for that result only)' },
  { id: 'tracked/captured-left', from: ['captured'], on: 'tracked', when: 'no face for more than 2.5 s', to: 'searching', effects: 'session forgotten; state, guidance; waivers ended (`person left`)' },
  { id: 'tracked/captured-timeout', from: ['captured'], on: 'tracked', when: '`capture.resetAfterSeconds` since the captured frame, no face', to: 'searching', effects: 'session forgotten; state, guidance; waivers ended (`captured screen timed out`)' },
  { id: 'tracked/captured-timeout-face', from: ['captured'], on: 'tracked', when: '`capture.resetAfterSeconds` since the captured frame, a face, nothing blocking', to: 'holding', effects: 'session forgotten, a new one starts; state searching, then holding; waivers ended (`captured screen timed out`)' },
  { id: 'tracked/captured-stay', from: ['captured'], on: 'tracked', when: 'otherwise', to: 'unchanged', effects: '-' },
  { id: 'tracked/camera-lost', from: ['camera-lost'], on: 'tracked', when: 'a frame still in flight', to: 'unchanged', effects: '-' },
  { id: 'assessed/holding', from: ['holding'], on: 'assessed', when: 'a PLQ result of this epoch (good: run + 1, else run = 0)', to: 'unchanged', effects: 'state when `remaining` changed' },
  { id: 'assessed/other', from: ['searching', 'adjusting', 'captured', 'camera-lost'], on: 'assessed', when: 'a PLQ result of this epoch', to: 'unchanged', effects: 'kept for a manual capture (adjusting also counts the run)' },
  { id: 'assessed/another-person', from: WORKING, on: 'assessed', when: "after a track break, an FR embedding below `guidance.samePerson.minSimilarity` against the person's latest", to: 'searching', effects: 'session forgotten (waivers too; a latched presentation attack stays), a new one starts with this face; state with detail `another person`, guidance, waivers ended (`another person`)' },
  { id: 'assessed/stale', from: SESSION_PHASES, on: 'assessed', when: 'requested in an earlier epoch (before the person left, a retake, a reset)', to: 'unchanged', effects: '- (ignored)' },
  { id: 'capture-due/start', from: LIVE, on: 'capture-due', when: 'results of this epoch, no save in flight', to: 'captured', effects: 'state, save (token n)' },
  { id: 'capture-due/stale', from: LIVE, on: 'capture-due', when: 'results of an earlier epoch, or a save in flight', to: 'unchanged', effects: '-' },
  { id: 'capture-due/ignored', from: ['captured', 'camera-lost'], on: 'capture-due', when: 'always', to: 'unchanged', effects: '-' },
  { id: 'manual-capture/start', from: WORKING, on: 'manual-capture', when: 'an assessed frame, no save in flight', to: 'captured', effects: 'state, save (token n)' },
  { id: 'manual-capture/joins', from: WORKING, on: 'manual-capture', when: 'a save in flight, or nothing assessed yet', to: 'unchanged', effects: '- (the caller waits for the save in flight)' },
  { id: 'manual-capture/camera-lost', from: ['camera-lost'], on: 'manual-capture', when: 'always (the latest frame is stale)', to: 'unchanged', effects: '-' },
  { id: 'capture-saved/current', from: ['captured', 'camera-lost'], on: 'capture-saved', when: 'token of the save in flight', to: 'unchanged', effects: '`capture` event' },
  { id: 'capture-saved/stale', from: SESSION_PHASES, on: 'capture-saved', when: 'any other token (retake or reset since)', to: 'unchanged', effects: '- (stored, not shown)' },
  { id: 'capture-failed/current', from: ['captured'], on: 'capture-failed', when: 'token of the save in flight', to: 'adjusting', effects: 'state with detail `capture failed: ...` (and an `error` event)' },
  { id: 'capture-failed/current-lost', from: ['camera-lost'], on: 'capture-failed', when: 'token of the save in flight', to: 'unchanged', effects: '(an `error` event)' },
  { id: 'capture-failed/stale', from: SESSION_PHASES, on: 'capture-failed', when: 'any other token', to: 'unchanged', effects: '(an `error` event)' },
  { id: 'camera/lost', from: WORKING, on: 'camera', when: 'camera lost or reconnecting', to: 'camera-lost', effects: 'state with detail; camera loss counted' },
  { id: 'camera/lost-again', from: ['camera-lost'], on: 'camera', when: 'camera lost or reconnecting', to: 'camera-lost', effects: 'state with the new detail' },
  { id: 'camera/back', from: ['camera-lost'], on: 'camera', when: 'camera streaming', to: 'searching', effects: 'state; a save in flight becomes stale' },
  { id: 'camera/other', from: WORKING, on: 'camera', when: 'streaming, starting or stopped', to: 'unchanged', effects: '-' },
  { id: 'retake', from: WORKING, on: 'retake', when: 'always', to: 'adjusting', effects: 'state (always); a save in flight becomes stale' },
  { id: 'retake/camera-lost', from: ['camera-lost'], on: 'retake', when: 'always', to: 'unchanged', effects: 'capture cleared' },
  { id: 'reset', from: WORKING, on: 'reset', when: 'always', to: 'searching', effects: 'session forgotten; state and guidance (always); waivers ended (`reset`, or `capture accepted` when the person accepted)' },
  { id: 'reset/camera-lost', from: ['camera-lost'], on: 'reset', when: 'always', to: 'camera-lost', effects: 'session forgotten; state and guidance (always); waivers ended (as reset)' },
  { id: 'guidance-shown', from: SESSION_PHASES, on: 'guidance-shown', when: 'the hysteresis changed the shown messages', to: 'unchanged', effects: 'guidance (on change); `presentation-attack` latches' },
  { id: 'language', from: SESSION_PHASES, on: 'language', when: 'always', to: 'unchanged', effects: 'guidance (always)' },
  { id: 'waive', from: SESSION_PHASES, on: 'waive', when: 'an operator waives a message, or takes a waiver back', to: 'unchanged', effects: 'waivers; guidance (on change): a waived message is no longer shown or blocking (the next tracked frame may hold)' },
  { id: 'waive/unchanged', from: SESSION_PHASES, on: 'waive', when: 'already waived (or not waived, for a take-back)', to: 'unchanged', effects: '-' },
];

/** The transition table as markdown (README). */
export function transitionTableMarkdown(): string {
  const rows = SESSION_TRANSITIONS.map((t) => `| ${t.from.join(', ')} | \`${t.on}\` | ${t.when} | ${t.to} | ${t.effects} |`);
  return ['| from | event | when | to | effects |', '|---|---|---|---|---|', ...rows].join('\n');
}
