/**
 * Append-only audit trail, one JSON object per line: who approved, deleted or captured by hand,
 * who waived a message for a session (the message id in `detail`), and logins. Ids, names, addresses and outcomes only: never pixels, reports or embeddings.
 * The file is created 0600 and only ever appended to; writes are serialised.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Actor } from '../../security/roles.js';

export type AuditAction = 'approve' | 'delete' | 'manual-capture' | 'waive' | 'unwaive' | 'login' | 'login-failed' | 'logout';

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

export class AuditLog implements AuditSink {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly onError: (err: Error) => void = () => undefined,
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
    const run = this.queue.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      await appendFile(this.file, JSON.stringify(line) + '\n', { mode: 0o600, flag: 'a' });
    });
    // an audit failure is reported, never silently dropped, and does not block later lines
    this.queue = run.catch((err: Error) => this.onError(err));
    return this.queue;
  }
}

/** `audit.file`, or beside the capture folder: `<capture.dir>.audit.jsonl`. */
export function auditFilePath(file: string | null, captureDir: string): string {
  return path.resolve(file ?? `${path.resolve(captureDir)}.audit.jsonl`);
}
