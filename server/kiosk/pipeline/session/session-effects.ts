/**
 * Carries out the session's effects: events to the clients, capture saves (whose outcome comes
 * back as a session event, tagged with the save's token), metrics.
 */
import { messageText } from '../../guidance/message-catalogue.js';
import type { CaptureEvent, GuidanceMessage, KioskEvent } from '../kiosk-events.js';
import type { GuidanceRef, SessionEffect, SessionEvent } from './session-state.js';
import type { Language } from '../../guidance/guidance-ids.js';

export type SaveEffect<A> = Extract<SessionEffect<A>, { kind: 'save-capture' }>;

export interface SessionEffectPorts<A> {
  emit(e: KioskEvent): void;
  /** Writes the capture; resolves with the event the clients get. */
  save(effect: SaveEffect<A>): Promise<CaptureEvent>;
  /** Feeds an event back into the session. */
  dispatch(e: SessionEvent<A>): void;
  /** A save failed (counted and reported as an error). */
  failed(err: Error): void;
  cameraLost(): void;
  now(): number;
}

export const guidanceMessage = (m: GuidanceRef, language: Language): GuidanceMessage => ({ id: m.id, priority: m.priority, text: messageText(m.id, language) });

export class SessionEffects<A> {
  private readonly inFlight = new Map<number, Promise<void>>();

  constructor(private readonly ports: SessionEffectPorts<A>) {}

  run(effects: readonly SessionEffect<A>[]): void {
    for (const e of effects) this.runOne(e);
  }

  /** The save with this token, while it is being written. */
  settled(token: number): Promise<void> | undefined {
    return this.inFlight.get(token);
  }

  private runOne(e: SessionEffect<A>): void {
    const { ports } = this;
    switch (e.kind) {
      case 'state':
        return ports.emit({ type: 'state', data: e.data });
      case 'guidance':
        return ports.emit({
          type: 'guidance',
          data: { messages: e.messages.map((m) => guidanceMessage(m, e.language)), language: e.language, hint: e.hint ? guidanceMessage(e.hint, e.language) : null },
        });
      case 'capture':
        return ports.emit({ type: 'capture', data: e.data });
      case 'camera-lost':
        return ports.cameraLost();
      case 'waivers':
        return ports.emit({
          type: 'waivers',
          data: { waivers: e.waivers.map((w) => ({ ...w })), ...(e.ended ? { ended: { waivers: e.ended.waivers.map((w) => ({ ...w })), reason: e.ended.reason } } : {}) },
        });
      case 'save-capture': {
        const { token } = e;
        const done = ports.save(e).then(
          (capture) => ports.dispatch({ type: 'capture-saved', now: ports.now(), token, capture }),
          (err: unknown) => {
            const error = err instanceof Error ? err : new Error(String(err));
            ports.failed(error);
            ports.dispatch({ type: 'capture-failed', now: ports.now(), token, message: error.message });
          },
        );
        this.inFlight.set(token, done);
        void done.finally(() => this.inFlight.delete(token));
        return;
      }
    }
  }
}
