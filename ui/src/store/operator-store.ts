/** Operator data from the REST API: health, the capture list and the reports, with actions. */
import { captureUrls, type CaptureReport, type CaptureSummary, type KioskStatus, type StorageHealth } from '../protocol.js';
import { Store } from './store.js';

export interface OperatorState {
  status: KioskStatus | null;
  statusError: string | null;
  /** The capture store's health; null until read. */
  storage: StorageHealth | null;
  captures: CaptureSummary[];
  reports: ReadonlyMap<string, CaptureReport>;
  busy: ReadonlySet<string>;
}

export type OperatorStore = Store<OperatorState>;

export const createOperatorStore = (): OperatorStore =>
  new Store<OperatorState>({ status: null, statusError: null, storage: null, captures: [], reports: new Map(), busy: new Set() });

/** What the operator API needs of the session: the CSRF header, and what to do on a 401. */
export interface OperatorSession {
  csrfHeaders(): Record<string, string>;
  sessionEnded(): void;
}

const noSession: OperatorSession = { csrfHeaders: () => ({}), sessionEnded: () => undefined };

export class OperatorApi {
  constructor(private readonly store: OperatorStore, private readonly origin = '', private readonly session: OperatorSession = noSession) {}

  async #getJson<T>(url: string): Promise<T> {
    const res = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (res.status === 401) this.session.sessionEnded();
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  async #send(url: string, method: 'POST' | 'DELETE'): Promise<Response> {
    const res = await fetch(url, { method, headers: this.session.csrfHeaders() });
    if (res.status === 401) this.session.sessionEnded();
    return res;
  }

  async refreshStatus(): Promise<void> {
    try {
      const [status, storage] = await Promise.all([
        this.#getJson<KioskStatus>(`${this.origin}/api/status`),
        this.#getJson<StorageHealth>(`${this.origin}/api/storage`),
      ]);
      this.store.update({ status, storage, statusError: null });
    } catch (err) {
      this.store.update({ statusError: (err as Error).message });
    }
  }

  async refreshCaptures(): Promise<void> {
    let captures: CaptureSummary[];
    try {
      captures = await this.#getJson<CaptureSummary[]>(`${this.origin}/api/captures`);
    } catch {
      return;
    }
    this.store.update({ captures });
    const missing = captures.filter((c) => !this.store.state.reports.has(c.id));
    await Promise.all(missing.map((c) => this.#loadReport(c.id)));
  }

  async approve(id: string): Promise<void> {
    await this.#act(id, () => this.#send(`${this.origin}${captureUrls(id).approve}`, 'POST'));
  }

  async remove(id: string): Promise<void> {
    await this.#act(id, () => this.#send(`${this.origin}${captureUrls(id).report}`, 'DELETE'));
  }

  async #act(id: string, call: () => Promise<Response>): Promise<void> {
    this.store.update({ busy: new Set([...this.store.state.busy, id]) });
    try {
      await call();
    } finally {
      const busy = new Set(this.store.state.busy);
      busy.delete(id);
      this.store.update({ busy });
      await this.refreshCaptures();
    }
  }

  async #loadReport(id: string): Promise<void> {
    try {
      const report = await this.#getJson<CaptureReport>(`${this.origin}${captureUrls(id).report}`);
      this.store.update({ reports: new Map([...this.store.state.reports, [id, report]]) });
    } catch {
      /* deleted meanwhile, or not written yet: the next refresh tries again */
    }
  }
}
