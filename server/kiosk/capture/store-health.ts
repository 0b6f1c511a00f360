/** What the capture store tells the operator and the health checks about its disk. */

export interface StoreHealth {
  /** The last write (or the start-up probe) succeeded and free space is above the minimum. */
  writable: boolean;
  /** Free bytes on the store's filesystem at the last check; null before the first check or when statfs failed. */
  freeBytes: number | null;
  /** `capture.minFreeMB` in bytes: below this no capture is written (it waits in memory). */
  minFreeBytes: number;
  /** freeBytes is below minFreeBytes. */
  lowSpace: boolean;
  /** Captures held in memory because they could not be written yet (listed with `pending: true`). */
  pending: number;
  /** At most this many captures wait in memory; beyond it new captures are refused. */
  maxPending: number;
  /** Why the last write failed (`ENOSPC`, `EIO`, `low-space`, ...); null once a write succeeds. */
  lastError: string | null;
}

export type StoreHealthListener = (health: StoreHealth) => void;

/** Holds the current health and tells listeners when any field but freeBytes changes. */
export class StoreHealthTracker {
  private state: StoreHealth;
  private readonly listeners = new Set<StoreHealthListener>();

  constructor(minFreeBytes: number, maxPending: number) {
    this.state = { writable: true, freeBytes: null, minFreeBytes, lowSpace: false, pending: 0, maxPending, lastError: null };
  }

  get current(): StoreHealth {
    return { ...this.state };
  }

  update(patch: Partial<Pick<StoreHealth, 'freeBytes' | 'pending' | 'lastError'>>): void {
    const prev = this.state;
    const next = { ...prev, ...patch };
    next.lowSpace = next.freeBytes !== null && next.freeBytes < next.minFreeBytes;
    next.writable = next.lastError === null && !next.lowSpace;
    this.state = next;
    const changed = prev.writable !== next.writable || prev.lowSpace !== next.lowSpace || prev.pending !== next.pending || prev.lastError !== next.lastError;
    if (!changed) return;
    for (const l of this.listeners) {
      try {
        l({ ...next });
      } catch {
        // a failing listener must not break the store's write path
      }
    }
  }

  subscribe(listener: StoreHealthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
