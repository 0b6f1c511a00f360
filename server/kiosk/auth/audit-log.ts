/**
 * Append-only audit trail, one JSON object per line: who approved, deleted, captured by hand, reset
 * the kiosk or asked for a retake, who waived a message for a session (the message id in `detail`)
 * and when the waiver ended with it, and logins. Ids, names, addresses and outcomes only: never
 * pixels, reports or embeddings.
 * The file is created 0600 and only ever appended to; writes are serialised. When a line would take
 * it past `maxBytes` it is rotated first (`file` -> `file.1` -> ... -> `file.<keepFiles>`, the
 * oldest deleted), so the trail's size on disk is bounded and what is deleted is explicit. With
 * `maxAgeMs`, lines older than that are deleted too (`prune`, at most hourly on a write and from the
 * server's hourly timer): the live file is rotated once its first line is that old, a rotated file
 * whose last line is that old is deleted, and one that holds older lines is rewritten without them
 * (a rotated file is never appended to again, so only the live file stays append-only); a leftover
 * of a rewrite cut short is deleted.
 */
import { appendFile, chmod, mkdir, open, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Actor } from '../../security/roles.js';

/** `waiver-ended`: a waiver went with its session (the person left, another stepped in, a reset), by the system. */
export type AuditAction = 'approve' | 'delete' | 'manual-capture' | 'reset' | 'retake' | 'waive' | 'unwaive' | 'waiver-ended' | 'login' | 'login-failed' | 'logout';

export interface AuditEntry {
  action: AuditAction;
  actor: Actor;
  captureId?: string;
  /** false when the action was refused or failed (e.g. no such capture). */
  ok: boolean;
  detail?: string;
}

export interface AuditRecord {
  ts: string;
  action: AuditAction;
  user: string;
  role: string;
  address: string | null;
  captureId: string | null;
  ok: boolean;
  detail?: string;
}

export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}

/** When the audit file is rotated, and how many rotated files are kept. */
export interface AuditRotation {
  /** Rotate before a line would take the file past this size. */
  maxBytes: number;
  /** Rotated files kept beside the live one (`file.1` newest); 0 = the full file is deleted. */
  keepFiles: number;
  /** Lines older than this are deleted (`prune`); absent = kept until rotated out by size. */
  maxAgeMs?: number;
}

/** How often a write prunes by age at most (the server's timer prunes as often while nothing is written). */
export const AUDIT_PRUNE_EVERY_MS = 3600_000;
export const MS_PER_DAY = 86_400_000;

export const BYTES_PER_MB = 1024 * 1024;

/** The defaults, also the kiosk config's (`audit.maxMB`, `audit.keepFiles`, `audit.maxAgeDays`). */
export const DEFAULT_AUDIT_ROTATION: AuditRotation = { maxBytes: 10 * BYTES_PER_MB, keepFiles: 9, maxAgeMs: 365 * MS_PER_DAY };

export class AuditLog implements AuditSink {
  private queue: Promise<void> = Promise.resolve();
  private prunedAt = -Infinity;

  constructor(
    readonly file: string,
    private readonly onError: (err: Error) => void = () => undefined,
    private readonly rotation: AuditRotation = DEFAULT_AUDIT_ROTATION,
  ) {}

  record(entry: AuditEntry): Promise<void> {
    const line: AuditRecord = {
      ts: new Date().toISOString(),
      action: entry.action,
      user: entry.actor.user,
      role: entry.actor.role,
      address: entry.actor.address ?? null,
      captureId: entry.captureId ?? null,
      ok: entry.ok,
      ...(entry.detail ? { detail: entry.detail } : {}),
    };
    const text = JSON.stringify(line) + '\n';
    return this.enqueue(async () => {
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      if (Date.now() - this.prunedAt >= AUDIT_PRUNE_EVERY_MS) await this.pruneNow(Date.now());
      await this.rotateIfFull(Buffer.byteLength(text));
      await appendFile(this.file, text, { mode: 0o600, flag: 'a' });
    });
  }

  /** Deletes the lines older than `maxAgeMs` (none without it), in the write queue. */
  prune(now = Date.now()): Promise<void> {
    return this.enqueue(() => this.pruneNow(now));
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    // an audit failure is reported, never silently dropped, and does not block later lines
    this.queue = this.queue.then(task).catch((err: Error) => this.onError(err));
    return this.queue;
  }

  private async pruneNow(now: number): Promise<void> {
    this.prunedAt = now;
    const { maxAgeMs } = this.rotation;
    if (maxAgeMs === undefined) return;
    const cutoff = now - maxAgeMs;
    if (lineTime(await this.firstLine()) < cutoff) await this.rotate();
    for (const name of await readdir(path.dirname(this.file)).catch(ignoreMissing) ?? []) {
      const suffix = this.rotatedSuffix(name);
      if (suffix === undefined) continue;
      const file = path.join(path.dirname(this.file), name);
      // a rewrite cut short (the file it was made from is still whole)
      if (/^\d+\.tmp$/.test(suffix)) {
        await unlink(file).catch(ignoreMissing);
        continue;
      }
      if (!Number.isInteger(Number(suffix))) continue;
      const text = await readFile(file, 'utf8').catch(ignoreMissing);
      if (text === undefined) continue;
      const lines = text.split('\n').filter(Boolean);
      // a line whose time cannot be read is kept: nothing is deleted that is not known to be old
      const kept = lines.filter((l) => !(lineTime(l) < cutoff));
      if (kept.length === lines.length) continue;
      if (kept.length === 0) {
        await unlink(file).catch(ignoreMissing);
        continue;
      }
      const tmp = `${file}.tmp`;
      await writeFile(tmp, kept.join('\n') + '\n', { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, file);
    }
  }

  /** The live file's first line (its first 64 kB, far more than a line), '' where there is none. */
  private async firstLine(): Promise<string> {
    const handle = await open(this.file, 'r').catch(ignoreMissing);
    if (!handle) return '';
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(65_536), 0, 65_536, 0);
      const head = buffer.subarray(0, bytesRead).toString('utf8');
      return head.slice(0, head.indexOf('\n') + 1);
    } finally {
      await handle.close();
    }
  }

  /** What follows `<file>.` in a name beside the live file (`1`, `2.tmp`); undefined for other names. */
  private rotatedSuffix(name: string): string | undefined {
    const base = path.basename(this.file);
    return name.startsWith(`${base}.`) ? name.slice(base.length + 1) : undefined;
  }

  /** Called inside the write queue, so no line is appended between the renames. */
  private async rotateIfFull(incoming: number): Promise<void> {
    const size = await stat(this.file).then((st) => st.size, ignoreMissing);
    if (size === undefined || size === 0 || size + incoming <= this.rotation.maxBytes) return;
    await this.rotate();
  }

  private async rotate(): Promise<void> {
    const { keepFiles } = this.rotation;
    await this.deleteRotatedBeyond(keepFiles);
    if (keepFiles === 0) {
      await unlink(this.file);
      return;
    }
    // rename replaces the target, so the oldest kept file is overwritten by the one before it
    for (let i = keepFiles - 1; i >= 1; i--) await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch(ignoreMissing);
    await rename(this.file, `${this.file}.1`);
  }

  /** Rotated files numbered above `keep` (left by a larger `keepFiles` before). */
  private async deleteRotatedBeyond(keep: number): Promise<void> {
    for (const name of await readdir(path.dirname(this.file))) {
      const n = Number(this.rotatedSuffix(name) ?? NaN);
      if (Number.isInteger(n) && n > keep) await unlink(path.join(path.dirname(this.file), name)).catch(ignoreMissing);
    }
  }
}

/** A line's `ts` in ms since the epoch; NaN where it has none. */
function lineTime(line: string): number {
  try {
    return Date.parse((JSON.parse(line) as Partial<AuditRecord>).ts ?? '');
  } catch {
    return NaN;
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): undefined {
  if (err.code === 'ENOENT') return undefined;
  throw err;
}

/** `audit.file`, or beside the capture folder: `<capture.dir>.audit.jsonl`. */
export function auditFilePath(file: string | null, captureDir: string): string {
  return path.resolve(file ?? `${path.resolve(captureDir)}.audit.jsonl`);
}
