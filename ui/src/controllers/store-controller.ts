/** Re-renders its host when the selected slice of a store changes (shallow comparison). */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Store } from '../store/store.js';

function shallowEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export class StoreController<T extends object, S> implements ReactiveController {
  value: S;
  #unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly store: Store<T>,
    private readonly select: (state: T) => S,
  ) {
    this.value = select(store.state);
    host.addController(this);
  }

  hostConnected(): void {
    this.value = this.select(this.store.state);
    this.#unsubscribe = this.store.subscribe((state) => {
      const next = this.select(state);
      if (shallowEqual(next, this.value)) return;
      this.value = next;
      this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }
}
