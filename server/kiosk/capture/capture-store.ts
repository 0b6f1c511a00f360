/**
 * Filesystem store of captures that survives restarts.
 *
 * Layout: `<dir>/<id>/{frame.jpg, portrait.jpg, plq.png, overlay.png, report.json}`, folders
 * 0700, files 0600. A capture is written into `<dir>/.tmp-<id>-<random>/` and then renamed to
 * `<dir>/<id>` in one step, so a capture is on disk completely or not at all; the approval flag
 * is persisted in report.json (`operator`) by writing a temp file and renaming it over the old.
 * Leftover temp folders (a crash mid-write) are removed at start.
 *
 * The index (summaries, newest first) is rebuilt from disk at start; an entry whose folder
 * lacks files or whose report does not parse is skipped with a logged reason (id and reason
 * only, never content) and is still subject to retention, by its folder's modification time.
 *
 * Retention: captures older than `retentionMs` (by capture time) are deleted, and beyond
 * `maxCount` the oldest go first; enforced at start, after every save and every
 * `sweepIntervalMs` (timer unref'd). `retentionMs: 0` means "nothing kept beyond the session":
 * at start every capture on disk is deleted, captures of the running session are kept (the
 * operator must be able to review and approve them) and `close()` deletes them; a crash leaves
 * them until the next start. `retentionMs: Infinity` keeps captures without an age limit.
 */
import { mkdir, readdir, readFile, rename, rm, stat, chmod, open } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { isCaptureId, type CaptureReport, type OperatorApproval } from './capture-report.js';
import type { CaptureImages } from './capture-images.js';

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
}

export type CaptureStoreLog = (level: 'info' | 'warn', message: string) => void;

export interface CaptureStoreOptions {
  dir: string;
  /** Maximum age in ms (0 = nothing kept beyond the session, Infinity = no age limit). */
  retentionMs: number;
  /** Optional maximum number of captures kept (oldest deleted first). */
  maxCount?: number;
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

function summarise(r: CaptureReport): CaptureSummary {
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
  };
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

async function writeFileSynced(file: string, data: Buffer | string): Promise<void> {
  const fh = await open(file, 'wx', FILE_MODE);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class CaptureStore {
  private readonly index = new Map<string, CaptureSummary>();
  /** Folders that could not be indexed: id -> folder mtime (for retention). */
  private readonly corrupt = new Map<string, number>();
  /** Ids saved by this process (for retentionMs 0). */
  private readonly session = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly log: CaptureStoreLog;
  private closed = false;

  private constructor(private readonly options: CaptureStoreOptions) {
    if (!(options.retentionMs >= 0)) throw new Error('retentionMs must be >= 0 (0 = session only, Infinity = no age limit)');
    if (options.maxCount !== undefined && !(Number.isInteger(options.maxCount) && options.maxCount >= 0)) {
      throw new Error('maxCount must be a non-negative integer');
    }
    this.now = options.now ?? Date.now;
    this.log = options.log ?? defaultLog;
  }

  /** Opens (creating) the store, rebuilds the index, enforces retention and starts the sweep timer. */
  static async open(options: CaptureStoreOptions): Promise<CaptureStore> {
    const store = new CaptureStore(options);
    await mkdir(options.dir, { recursive: true, mode: DIR_MODE });
    await chmod(options.dir, DIR_MODE);
    await store.rebuild();
    await store.sweep();
    const period = options.sweepIntervalMs ?? 60_000;
    if (period > 0) {
      store.timer = setInterval(() => {
        store.sweep().catch((err: unknown) => store.log('warn', `retention sweep failed: ${(err as Error).message}`));
      }, period);
      store.timer.unref();
    }
    return store;
  }

  get dir(): string {
    return this.options.dir;
  }

  /** Serialises mutations (save, delete, approve, sweep). */
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
        await rm(full, { recursive: true, force: true });
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

  /** Writes a capture atomically; returns its summary. */
  save(capture: CaptureToSave): Promise<CaptureSummary> {
    return this.exclusive(async () => {
      if (this.closed) throw new Error('capture store is closed');
      const { report, images } = capture;
      const problem = reportProblem(report, report.id);
      if (problem || !isCaptureId(report.id)) throw new Error(`invalid capture report: ${problem ?? 'invalid id'}`);
      const target = this.folder(report.id);
      if (this.index.has(report.id) || this.corrupt.has(report.id)) throw new Error(`capture ${report.id} exists`);
      const tmp = path.join(this.options.dir, `${TMP_PREFIX}${report.id}-${randomBytes(4).toString('hex')}`);
      await mkdir(tmp, { mode: DIR_MODE });
      try {
        for (const name of CAPTURE_FILES) {
          const data = name === 'report.json' ? JSON.stringify(report, null, 2) : images[name];
          if (!data || data.length === 0) throw new Error(`capture file ${name} is empty`);
          await writeFileSynced(path.join(tmp, name), data);
        }
        await rename(tmp, target);
      } catch (err) {
        await rm(tmp, { recursive: true, force: true });
        throw err;
      }
      const summary = summarise(report);
      this.index.set(report.id, summary);
      this.session.add(report.id);
      await this.sweepNow();
      return summary;
    });
  }

  /** Summaries, newest first. */
  list(): CaptureSummary[] {
    return [...this.index.values()].sort((a, b) => b.capturedAt - a.capturedAt || (a.id < b.id ? 1 : -1)).map((s) => ({ ...s, isoFailed: [...s.isoFailed] }));
  }

  has(id: string): boolean {
    return isCaptureId(id) && this.index.has(id);
  }

  /** The full report, or undefined for an unknown or invalid id. */
  async get(id: string): Promise<CaptureReport | undefined> {
    if (!this.has(id)) return undefined;
    try {
      return JSON.parse(await readFile(path.join(this.folder(id), 'report.json'), 'utf8')) as CaptureReport;
    } catch {
      return undefined;
    }
  }

  /**
   * One file of a capture; undefined for an unknown id or a name outside the fixed list
   * (ids and names are validated before any path is built: no traversal).
   */
  async file(id: string, name: string): Promise<{ data: Buffer; contentType: string; path: string } | undefined> {
    if (!this.has(id) || !isCaptureFileName(name)) return undefined;
    const file = path.join(this.folder(id), name);
    try {
      return { data: await readFile(file), contentType: CONTENT_TYPES[name], path: file };
    } catch {
      return undefined;
    }
  }

  /** Deletes a capture; false when unknown. */
  delete(id: string): Promise<boolean> {
    return this.exclusive(async () => {
      if (!isCaptureId(id) || (!this.index.has(id) && !this.corrupt.has(id))) return false;
      await this.remove(id);
      return true;
    });
  }

  /** Sets the operator approval flag, persisted in report.json; undefined when unknown. */
  approve(id: string, approved = true, by: string | null = null): Promise<CaptureSummary | undefined> {
    return this.exclusive(async () => {
      if (!this.has(id)) return undefined;
      const dir = this.folder(id);
      const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as CaptureReport;
      const operator: OperatorApproval = { approved, at: this.now(), by };
      report.operator = operator;
      const tmp = path.join(dir, `${TMP_PREFIX}report-${randomBytes(4).toString('hex')}.json`);
      try {
        await writeFileSynced(tmp, JSON.stringify(report, null, 2));
        await rename(tmp, path.join(dir, 'report.json'));
      } catch (err) {
        await rm(tmp, { force: true });
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
    for (const s of this.index.values()) {
      if (sessionOnly ? !this.session.has(s.id) : now - s.capturedAt > retentionMs) doomed.add(s.id);
    }
    for (const [id, mtime] of this.corrupt) {
      if (sessionOnly || now - mtime > retentionMs) doomed.add(id);
    }
    if (maxCount !== undefined) {
      const kept = this.list().filter((s) => !doomed.has(s.id));
      for (const s of kept.slice(maxCount)) doomed.add(s.id);
    }
    for (const id of doomed) await this.remove(id);
    if (doomed.size) this.log('info', `retention deleted ${doomed.size} capture(s)`);
    return [...doomed];
  }

  private async remove(id: string): Promise<void> {
    await rm(this.folder(id), { recursive: true, force: true });
    this.index.delete(id);
    this.corrupt.delete(id);
    this.session.delete(id);
  }

  /** Stops the sweep timer; with retentionMs 0 deletes this session's captures. */
  close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.exclusive(async () => {
      if (this.closed) return;
      this.closed = true;
      if (this.options.retentionMs === 0) for (const id of [...this.session]) await this.remove(id);
    });
  }
}
