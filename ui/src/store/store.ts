/** A minimal observable store: one immutable state object, shallow-merged updates. */
export type Listener<T> = (state: T, previous: T) => void;

export class Store<T extends object> {
  #state: T;
  readonly #listeners = new Set<Listener<T>>();

  constructor(initial: T) {
    this.#state = initial;
  }

  get state(): T {
    return this.#state;
  }

  /** Merge a partial update; listeners run only when some value actually changed. */
  update(patch: Partial<T>): void {
    const previous = this.#state;
    let changed = false;
    for (const key of Object.keys(patch) as Array<keyof T>) {
      if (!Object.is(previous[key], patch[key])) {
        changed = true;
        break;
      }
    }
    if (!changed) return;
    this.#state = { ...previous, ...patch };
    for (const listener of [...this.#listeners]) listener(this.#state, previous);
  }

  subscribe(listener: Listener<T>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
