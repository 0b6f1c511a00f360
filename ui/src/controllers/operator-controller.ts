/**
 * Keeps the operator data fresh while the host is attached: health every 2 s, the capture list
 * every 5 s and at once when the kiosk reports a capture.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { OperatorApi, createOperatorStore, type OperatorSession, type OperatorStore } from '../store/operator-store.js';
import type { KioskStore } from '../store/kiosk-store.js';

export class OperatorController implements ReactiveController {
  readonly store: OperatorStore = createOperatorStore();
  readonly api: OperatorApi;
  #timers: Array<ReturnType<typeof setInterval>> = [];
  #unsubscribe: (() => void) | null = null;

  constructor(
    host: ReactiveControllerHost,
    private readonly kiosk: KioskStore,
    session?: OperatorSession,
    private readonly statusEveryMs = 2000,
    private readonly listEveryMs = 5000,
  ) {
    this.api = new OperatorApi(this.store, '', session);
    host.addController(this);
  }

  hostConnected(): void {
    void this.api.refreshStatus();
    void this.api.refreshCaptures();
    this.#timers = [
      setInterval(() => void this.api.refreshStatus(), this.statusEveryMs),
      setInterval(() => void this.api.refreshCaptures(), this.listEveryMs),
    ];
    this.#unsubscribe = this.kiosk.subscribe((s, prev) => {
      if (s.captureCount !== prev.captureCount) void this.api.refreshCaptures();
      if (s.connection === 'connected' && prev.connection !== 'connected') void this.api.refreshStatus();
    });
  }

  hostDisconnected(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }
}
