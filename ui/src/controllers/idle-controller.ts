/**
 * Idle: the kiosk is searching and no face has been seen for a while (nobody there). The host
 * re-renders when `idle` flips.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { KioskStore } from '../store/kiosk-store.js';

export class IdleController implements ReactiveController {
  idle = false;
  readonly #start = Date.now();
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly store: KioskStore,
    private readonly afterMs = 8000,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#check();
    this.#timer = setInterval(() => this.#check(), 500);
  }

  hostDisconnected(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #check(): void {
    const s = this.store.state;
    // Before any face was seen, count from when the view started.
    const since = s.lastFaceAt > 0 ? s.lastFaceAt : this.#start;
    const idle = s.connection === 'connected' && s.state === 'searching' && Date.now() - since > this.afterMs;
    if (idle !== this.idle) {
      this.idle = idle;
      this.host.requestUpdate();
    }
  }
}
