/**
 * Filesystem store of captures that survives restarts and power cuts.
 *
 * Layout: `<dir>/<id>/{frame.jpg, portrait.jpg, plq.png, overlay.png, report.json}`, folders
 * 0700, files 0600. A capture is written into `<dir>/.tmp-<id>-<random>/`, each file fsync'd,
 * the temp folder fsync'd, renamed to `<dir>/<id>` in one step, and `<dir>` fsync'd: once
 * save() resolves with `pending: false` the capture is on disk and stays there through a power
 * cut; before, it is on disk completely or not at all. Approval rewrites report.json through a
 * temp file + rename + fsync of the capture folder. Leftover temp folders are removed at start.
 *
 * Disk full or failing: before writing, free space is checked against `minFreeBytes`. A capture
 * that cannot be written (too little space, ENOSPC, EIO, ...) is kept in memory, listed and
 * served with `pending: true`, and retried with exponential back-off; `storeHealth()` and
 * `onHealth()` say so. At most `maxPending` captures wait; beyond that save() rejects (the kiosk
 * says the capture failed) rather than dropping one the person already saw.
 *
 * The index (summaries, newest first) is rebuilt from disk at start; an entry whose folder
 * lacks files or whose report does not parse is skipped with a logged reason (id and reason
 * only, never content) and is still subject to retention, by its folder's modification time.
 *
 * Retention: captures older than `retentionMs` (by capture time) are deleted, approved ones
 * too (approval does not extend the privacy limit). `maxCount` bounds the captures awaiting
 * review: beyond it the oldest *unapproved* go first; approved captures are never deleted by
 * the count limit. Enforced at start, after every save and every `sweepIntervalMs` (timer
 * unref'd). `retentionMs: 0` means "nothing kept beyond the session": at start every capture
 * on disk is deleted, captures of the running session are kept (the operator must be able to
 * review and approve them) and `close()` deletes them; a crash leaves them until the next
 * start. `retentionMs: Infinity` keeps captures without an age limit.
 */
import { mkdir, readdir, readFile, stat, chmod } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { isCaptureId, type CaptureReport, type OperatorApproval } from './capture-report.js';
import type { CaptureImages } from './capture-images.js';
import { describeFsError, nodeStoreFs, type StoreFs } from './store-fs.js';
import { StoreHealthTracker, type StoreHealth, type StoreHealthListener } from './store-health.js';
import { Backoff } from './retry-backoff.js';

export type { StoreHealth, StoreHealthListener } from './store-health.js';

export const CAPTURE_FILES = ['frame.jpg', 'portrait.jpg', 'plq.png', 'overlay.png', 'report.json'] as const;
export type CaptureFileName = (typeof CAPTURE_FILES)[number];

export const CONTENT_TYPES: Readonly<Record<CaptureFileName, string>> = {
  'frame.jpg': 'image/jpeg',
  'portrait.jpg': 'image/jpeg',
  'plq.png': 'image/png',
  'overlay.png': 'image/png',
  'report.json': 'application/json',
};

export function isCaptureFileName(name: unknown): name is CaptureFileName {
  return typeof name === 'string' && (CAPTURE_FILES as readonly string[]).includes(name);
}

export interface CaptureToSave {
  report: CaptureReport;
  images: CaptureImages;
}

export interface CaptureSummary {
  id: string;
  capturedAt: number;
  quality: number;
  qualityScaled: number;
  isoPassed: boolean;
  isoFailed: string[];
  approved: boolean;
  approvedAt: number | null;
  approvedBy: string | null;
  /** Kept in memory, not on disk yet (the disk is full or failing; retried). */
  pending: boolean;
}

export type CaptureStoreLog = (level: 'info' | 'warn', message: string) => void;

export interface CaptureStoreOptions {
  dir: string;
  /** Maximum age in ms (0 = nothing kept beyond the session, Infinity = no age limit). */
  retentionMs: number;
  /** Optional maximum number of unapproved captures kept (oldest deleted first; approved ones are never deleted by count). */
  maxCount?: number;
  /** No capture is written while the filesystem has less free space than this (default 0). */
  minFreeBytes?: number;
  /** Captures kept in memory while they cannot be written (default 20). */
  maxPending?: number;
  /** Back-off of the write retries of pending captures (defaults 1 s .. 60 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Filesystem layer of the write path (tests inject failures). */
  fs?: StoreFs;
  /** Retention sweep period (default 60 s). */
  sweepIntervalMs?: number;
  /** Clock (epoch ms), injectable for tests. */
  now?: () => number;
  log?: CaptureStoreLog;
}

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const TMP_PREFIX = '.tmp-';

const defaultLog: CaptureStoreLog = (level, message) => {
  (level === 'warn' ? console.warn : console.info)(`[capture-store] ${message}`);
};

function summarise(r: CaptureReport, pending = false): CaptureSummary {
  return {
    id: r.id,
    capturedAt: r.capturedAt,
    quality: r.quality,
    qualityScaled: r.qualityScaled,
    isoPassed: r.iso.passed,
    isoFailed: [...r.iso.failed],
    approved: r.operator.approved,
    approvedAt: r.operator.at,
    approvedBy: r.operator.by,
    pending,
  };
}

/** The store could not write and its in-memory backlog is full: the capture was not kept. */
export class CaptureStoreFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureStoreFullError';
  }
}

/** Rough on-disk size of a capture: its bytes plus a block per file and the folder. */
function bytesNeeded(files: ReadonlyArray<Buffer | string>): number {
  return files.reduce((n, f) => n + Buffer.byteLength(f) + 4096, 4096);
}

/** Minimal structural check of a parsed report. */
function reportProblem(r: unknown, id: string): string | null {
  if (typeof r !== 'object' || r === null) return 'report is not an object';
  const o = r as Partial<CaptureReport>;
  if (o.id !== id) return 'report id does not match its folder';
  if (typeof o.capturedAt !== 'number' || !Number.isFinite(o.capturedAt)) return 'report has no capture time';
  if (typeof o.quality !== 'number' || typeof o.qualityScaled !== 'number') return 'report has no quality';
  if (!o.iso || typeof o.iso.passed !== 'boolean' || !Array.isArray(o.iso.failed)) return 'report has no ISO assessment';
  if (!o.operator || typeof o.operator.approved !== 'boolean') return 'report has no operator field';
  return null;
}

interface PendingCapture {
  report: CaptureReport;
  images: CaptureImages;
}

export class CaptureStore {
  private readonly index = new Map<string, CaptureSummary>();
  /** Folders that could not be indexed: id -> folder mtime (for retention). */
  private readonly corrupt = new Map<string, number>();
  /** Captures that could not be written yet, oldest first. */
  private readonly pending = new Map<string, PendingCapture>();
  /** Ids saved by this process (for retentionMs 0). */
  private readonly session = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly log: CaptureStoreLog;
  private readonly fs: StoreFs;
  private readonly healthState: StoreHealthTracker;
  private readonly backoff: Backoff;
  private readonly maxPending: number;
  private closed = false;

  private constructor(private readonly options: CaptureStoreOptions) {
    if (!(options.retentionMs >= 0)) throw new Error('retentionMs must be >= 0 (0 = session only, Infinity = no age limit)');
    if (options.maxCount !== undefined && !(Number.isInteger(options.maxCount) && options.maxCount >= 0)) {
      throw new Error('maxCount must be a non-negative integer');
    }
    const minFree = options.minFreeBytes ?? 0;
    if (!(minFree >= 0 && Number.isFinite(minFree))) throw new Error('minFreeBytes must be a finite number >= 0');
    this.maxPending = options.maxPending ?? 20;
    if (!(Number.isInteger(this.maxPending) && this.maxPending >= 0)) throw new Error('maxPending must be a non-negative integer');
    this.now = options.now ?? Date.now;
    this.log = options.log ?? defaultLog;
    this.fs = options.fs ?? nodeStoreFs;
    this.healthState = new StoreHealthTracker(minFree, this.maxPending);
    this.backoff = new Backoff(options.retryMinMs ?? 1000, options.retryMaxMs ?? 60_000);
  }

  /**
   * Opens (creating) the store, rebuilds the index, enforces retention, probes that the folder
   * is writable and starts the sweep timer. An unwritable or full disk does not stop the kiosk:
   * storeHealth() says so and captures wait in memory.
   */
  static async open(options: CaptureStoreOptions): Promise<CaptureStore> {
    const store = new CaptureStore(options);
    await mkdir(options.dir, { recursive: true, mode: DIR_MODE });
    await chmod(options.dir, DIR_MODE);
    await store.rebuild();
    await store.sweep();
    await store.probe();
    const period = options.sweepIntervalMs ?? 60_000;
    if (period > 0) {
      store.timer = setInterval(() => {
        store.sweep().catch((err: unknown) => store.log('warn', `retention sweep failed: ${(err as Error).message}`));
        store.checkSpace().catch(() => undefined);
      }, period);
      store.timer.unref();
    }
    return store;
  }

  get dir(): string {
    return this.options.dir;
  }

  /** Writable, free space, backlog: the last known state (refreshed by writes and every sweep period). */
  storeHealth(): StoreHealth {
    return this.healthState.current;
  }

  /** Called whenever writable, lowSpace, pending or lastError changes. Returns the unsubscribe. */
  onHealth(listener: StoreHealthListener): () => void {
    return this.healthState.subscribe(listener);
  }

  /** Re-reads the free space now. */
  async checkSpace(): Promise<StoreHealth> {
    try {
      this.healthState.update({ freeBytes: await this.fs.freeBytes(this.options.dir) });
    } catch (err) {
      this.healthState.update({ freeBytes: null });
      this.log('warn', `free space unknown: ${describeFsError(err)}`);
    }
    return this.storeHealth();
  }

  /** Serialises mutations (save, delete, approve, sweep, retry). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private folder(id: string): string {
    if (!isCaptureId(id)) throw new Error('invalid capture id');
    return path.join(this.options.dir, id);
  }

  private async rebuild(): Promise<void> {
    this.index.clear();
    this.corrupt.clear();
    const entries = await readdir(this.options.dir, { withFileTypes: true });
    for (const e of entries) {
      const full = path.join(this.options.dir, e.name);
      if (e.name.startsWith(TMP_PREFIX)) {
        await this.fs.remove(full);
        this.log('warn', `removed incomplete capture folder ${e.name}`);
        continue;
      }
      if (!e.isDirectory() || !isCaptureId(e.name)) {
        this.log('warn', `skipped ${JSON.stringify(e.name)}: not a capture folder`);
        continue;
      }
      const problem = await this.check(e.name);
      if (typeof problem === 'string') {
        this.log('warn', `skipped capture ${e.name}: ${problem}`);
        this.corrupt.set(e.name, (await stat(full)).mtimeMs);
      } else {
        this.index.set(e.name, problem);
      }
    }
  }

  /** Writes, syncs and removes a small file: is the folder writable at all? */
  private async probe(): Promise<void> {
    const file = path.join(this.options.dir, `${TMP_PREFIX}probe-${randomBytes(4).toString('hex')}`);
    try {
      await this.fs.writeFileDurable(file, 'probe', FILE_MODE);
      await this.fs.remove(file);
      this.healthState.update({ lastError: null });
    } catch (err) {
      await this.fs.remove(file).catch(() => undefined);
      this.healthState.update({ lastError: describeFsError(err) });
      this.log('warn', `capture folder is not writable (${describeFsError(err)}): captures will wait in memory`);
    }
    await this.checkSpace();
  }

  /** The summary of a stored capture, or the reason it is unusable. */
  private async check(id: string): Promise<CaptureSummary | string> {
    const dir = this.folder(id);
    const names = new Set(await readdir(dir));
    const missing = CAPTURE_FILES.filter((f) => !names.has(f));
    if (missing.length) return `missing ${missing.join(', ')}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8'));
    } catch (err) {
      return `report.json unreadable (${(err as Error).name})`;
    }
    const problem = reportProblem(parsed, id);
    return problem ?? summarise(parsed as CaptureReport);
  }

  /**
   * Stores a capture; returns its summary. When the disk is full or failing the capture is
   * kept in memory (`pending: true`) and written later; rejects with CaptureStoreFullError only
   * when `maxPending` captures already wait.
   */
  save(capture: CaptureToSave): Promise<CaptureSummary> {
    return this.exclusive(async () => {
      if (this.closed) throw new Error('capture store is closed');
      const { report, images } = capture;
      const problem = reportProblem(report, report.id);
      if (problem || !isCaptureId(report.id)) throw new Error(`invalid capture report: ${problem ?? 'invalid id'}`);
      if (this.index.has(report.id) || this.corrupt.has(report.id) || this.pending.has(report.id)) throw new Error(`capture ${report.id} exists`);
      for (const name of CAPTURE_FILES) {
        if (name !== 'report.json' && !(images[name]?.length > 0)) throw new Error(`capture file ${name} is empty`);
      }
      const error = await this.write({ report, images });
      let summary: CaptureSummary;
      if (error === null) {
        summary = summarise(report);
        this.index.set(report.id, summary);
        if (this.pending.size > 0) await this.flushNow(); // the disk is back: write the backlog now
      } else {
        if (this.pending.size >= this.maxPending) {
          throw new CaptureStoreFullError(
            `capture not stored: the capture folder cannot be written (${error}) and ${this.pending.size} capture(s) already wait in memory`,
          );
        }
        this.pending.set(report.id, { report: structuredClone(report), images });
        summary = summarise(report, true);
        this.log('warn', `capture ${report.id} kept in memory (${error}); ${this.pending.size} waiting, retrying`);
        this.healthState.update({ pending: this.pending.size });
        this.scheduleRetry();
      }
      this.session.add(report.id);
      await this.sweepNow();
      return { ...summary, isoFailed: [...summary.isoFailed] };
    });
  }

  /**
   * Writes one capture durably. Returns null on success, else why it failed (nothing of it is
   * left on disk then). Updates health either way.
   */
  private async write({ report, images }: PendingCapture): Promise<string | null> {
    const files = CAPTURE_FILES.map((name) => [name, name === 'report.json' ? JSON.stringify(report, null, 2) : images[name]] as const);
    const space = await this.checkSpace();
    if (space.freeBytes !== null && space.freeBytes - bytesNeeded(files.map(([, d]) => d)) < space.minFreeBytes) {
      this.healthState.update({ lastError: 'low-space' });
      return 'low-space';
    }
    const dir = this.options.dir;
    const tmp = path.join(dir, `${TMP_PREFIX}${report.id}-${randomBytes(4).toString('hex')}`);
    try {
      await this.fs.mkdir(tmp, DIR_MODE);
      for (const [name, data] of files) await this.fs.writeFileDurable(path.join(tmp, name), data, FILE_MODE);
      await this.fs.syncDir(tmp);
      await this.fs.rename(tmp, this.folder(report.id));
    } catch (err) {
      await this.fs.remove(tmp).catch(() => undefined);
      const why = describeFsError(err);
      this.healthState.update({ lastError: why });
      return why;
    }
    try {
      await this.fs.syncDir(dir);
    } catch (err) {
      // the capture is in place and readable; only its survival of a power cut is in doubt
      this.log('warn', `capture ${report.id} written but the folder could not be synced (${describeFsError(err)})`);
      this.healthState.update({ lastError: describeFsError(err) });
      return null;
    }
    this.healthState.update({ lastError: null });
    return null;
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed || this.pending.size === 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.flush().catch((err: unknown) => this.log('warn', `retry of pending captures failed: ${(err as Error).message}`));
    }, this.backoff.next());
    this.retryTimer.unref();
  }

  /** Tries to write the pending captures now, oldest first; returns how many are still pending. */
  flush(): Promise<number> {
    return this.exclusive(() => this.flushNow());
  }

  private async flushNow(): Promise<number> {
    for (const [id, capture] of [...this.pending]) {
      const error = await this.write(capture);
      if (error !== null) break;
      this.pending.delete(id);
      this.index.set(id, summarise(capture.report));
      this.log('info', `pending capture ${id} written`);
    }
    this.healthState.update({ pending: this.pending.size });
    if (this.pending.size === 0) this.backoff.reset();
    else this.scheduleRetry();
    return this.pending.size;
  }

  /** Summaries, newest first; pending captures included (`pending: true`). */
  list(): CaptureSummary[] {
    const pending = [...this.pending.values()].map((p) => summarise(p.report, true));
    return [...this.index.values(), ...pending]
      .sort((a, b) => b.capturedAt - a.capturedAt || (a.id < b.id ? 1 : -1))
      .map((s) => ({ ...s, isoFailed: [...s.isoFailed] }));
  }

  has(id: string): boolean {
    return isCaptureId(id) && (this.index.has(id) || this.pending.has(id));
  }

  /** The full report, or undefined for an unknown or invalid id. */
  async get(id: string): Promise<CaptureReport | undefined> {
    if (!this.has(id)) return undefined;
    const p = this.pending.get(id);
    if (p) return structuredClone(p.report);
    try {
      return JSON.parse(await readFile(path.join(this.folder(id), 'report.json'), 'utf8')) as CaptureReport;
    } catch {
      return undefined;
    }
  }

  /**
   * One file of a capture; undefined for an unknown id or a name outside the fixed list
   * (ids and names are validated before any path is built: no traversal). `path` is null for a
   * pending capture (served from memory).
   */
  async file(id: string, name: string): Promise<{ data: Buffer; contentType: string; path: string | null } | undefined> {
    if (!this.has(id) || !isCaptureFileName(name)) return undefined;
    const p = this.pending.get(id);
    if (p) {
      const data = name === 'report.json' ? Buffer.from(JSON.stringify(p.report, null, 2)) : p.images[name];
      return { data, contentType: CONTENT_TYPES[name], path: null };
    }
    const file = path.join(this.folder(id), name);
    try {
      return { data: await readFile(file), contentType: CONTENT_TYPES[name], path: file };
    } catch {
      return undefined;
    }
  }

  /** Deletes a capture (on disk or pending); false when unknown. */
  delete(id: string): Promise<boolean> {
    return this.exclusive(async () => {
      if (!isCaptureId(id) || (!this.index.has(id) && !this.corrupt.has(id) && !this.pending.has(id))) return false;
      await this.remove(id);
      return true;
    });
  }

  /** Sets the operator approval flag, persisted in report.json; undefined when unknown. */
  approve(id: string, approved = true, by: string | null = null): Promise<CaptureSummary | undefined> {
    return this.exclusive(async () => {
      if (!this.has(id)) return undefined;
      const operator: OperatorApproval = { approved, at: this.now(), by };
      const p = this.pending.get(id);
      if (p) {
        p.report.operator = operator; // written with the capture
        return summarise(p.report, true);
      }
      const dir = this.folder(id);
      const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as CaptureReport;
      report.operator = operator;
      const tmp = path.join(dir, `${TMP_PREFIX}report-${randomBytes(4).toString('hex')}.json`);
      try {
        await this.fs.writeFileDurable(tmp, JSON.stringify(report, null, 2), FILE_MODE);
        await this.fs.rename(tmp, path.join(dir, 'report.json'));
        await this.fs.syncDir(dir);
      } catch (err) {
        await this.fs.remove(tmp).catch(() => undefined);
        throw err;
      }
      const summary = summarise(report);
      this.index.set(id, summary);
      return { ...summary };
    });
  }

  /** Enforces retention now; returns the deleted ids. */
  sweep(): Promise<string[]> {
    return this.exclusive(() => this.sweepNow());
  }

  private async sweepNow(): Promise<string[]> {
    const now = this.now();
    const { retentionMs, maxCount } = this.options;
    const doomed = new Set<string>();
    const sessionOnly = retentionMs === 0;
    const all = this.list();
    for (const s of all) {
      if (sessionOnly ? !this.session.has(s.id) : now - s.capturedAt > retentionMs) doomed.add(s.id);
    }
    for (const [id, mtime] of this.corrupt) {
      if (sessionOnly || now - mtime > retentionMs) doomed.add(id);
    }
    if (maxCount !== undefined) {
      const unapproved = all.filter((s) => !s.approved && !doomed.has(s.id));
      for (const s of unapproved.slice(maxCount)) doomed.add(s.id);
    }
    for (const id of doomed) await this.remove(id);
    if (doomed.size) this.log('info', `retention deleted ${doomed.size} capture(s)`);
    return [...doomed];
  }

  private async remove(id: string): Promise<void> {
    if (this.pending.delete(id)) {
      this.healthState.update({ pending: this.pending.size });
    } else {
      await this.fs.remove(this.folder(id));
      await this.fs.syncDir(this.options.dir).catch(() => undefined);
    }
    this.index.delete(id);
    this.corrupt.delete(id);
    this.session.delete(id);
  }

  /**
   * Stops the timers and tries once more to write pending captures (those still failing are
   * lost, and logged); with retentionMs 0 deletes this session's captures instead.
   */
  close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.exclusive(async () => {
      if (this.closed) return;
      this.closed = true;
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      if (this.options.retentionMs === 0) {
        for (const id of [...this.session]) await this.remove(id);
        return;
      }
      if (this.pending.size > 0 && (await this.flushNow()) > 0) {
        this.log('warn', `closing with ${this.pending.size} capture(s) that could not be written: lost (${[...this.pending.keys()].join(', ')})`);
      }
    });
  }
}
