/**
 * The audit trail on disk: lines appended in order, files 0600, rotation by size (`audit.maxMB`,
 * `audit.keepFiles`) that keeps the newest files and deletes only the oldest, and deletion of the
 * lines older than `audit.maxAgeDays`. Real files in a temp folder.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, DEFAULT_AUDIT_ROTATION, MS_PER_DAY, type AuditRecord } from '../server/kiosk/auth/audit-log.js';
import type { Actor } from '../server/security/roles.js';

const desk: Actor = { user: 'desk-1', role: 'operator', address: '127.0.0.1' };
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'plq-audit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const linesOf = async (file: string): Promise<AuditRecord[]> =>
  (await readFile(file, 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord);

/** Every line of the live file and its rotated files, oldest first. */
async function allLines(file: string): Promise<AuditRecord[]> {
  const names = (await readdir(path.dirname(file))).filter((n) => n.startsWith(path.basename(file)));
  const rotated = names.map((n) => Number(n.slice(path.basename(file).length + 1)) || 0).sort((a, b) => b - a);
  const out: AuditRecord[] = [];
  for (const i of rotated) out.push(...(await linesOf(i === 0 ? file : `${file}.${i}`)));
  return out;
}

describe('audit log', () => {
  it('appends one JSON line per entry, in the order recorded, to a 0600 file in a 0700 folder it creates', async () => {
    const file = path.join(dir, 'nested', 'captures.audit.jsonl');
    const log = new AuditLog(file);
    await Promise.all(Array.from({ length: 20 }, (_, i) => log.record({ action: 'approve', actor: desk, captureId: `c${i}`, ok: true })));
    const lines = await linesOf(file);
    expect(lines.map((l) => l.captureId)).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`));
    expect(lines[0]).toMatchObject({ action: 'approve', user: 'desk-1', role: 'operator', address: '127.0.0.1', ok: true });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
  });

  it('rotates before a line would pass maxBytes, keeps keepFiles rotated files and deletes only the oldest', async () => {
    const file = path.join(dir, 'captures.audit.jsonl');
    const log = new AuditLog(file, undefined, { maxBytes: 1000, keepFiles: 3 });
    const n = 120;
    await Promise.all(Array.from({ length: n }, (_, i) => log.record({ action: 'waive', actor: desk, ok: true, detail: `open-eyes ${String(i).padStart(4, '0')}` })));
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['captures.audit.jsonl', 'captures.audit.jsonl.1', 'captures.audit.jsonl.2', 'captures.audit.jsonl.3']);
    for (const name of names) {
      const st = await stat(path.join(dir, name));
      expect(st.size, name).toBeLessThanOrEqual(1000);
      expect(st.mode & 0o777, name).toBe(0o600);
    }
    // what is kept is the newest lines, contiguous and in order, ending with the last one recorded
    const kept = (await allLines(file)).map((l) => Number(l.detail!.split(' ')[1]));
    const perFile = Math.floor(1000 / Buffer.byteLength(JSON.stringify((await linesOf(file))[0]) + '\n'));
    expect(kept.length).toBeGreaterThan(3 * perFile);
    expect(kept.length).toBeLessThan(n);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => n - kept.length + i));
    // each rotated file was full: the next line would not have fitted
    for (const i of [1, 2, 3]) expect((await stat(`${file}.${i}`)).size).toBeGreaterThan(1000 - 120);
  });

  it('keepFiles 0 deletes the full file, and rotated files left by a larger keepFiles; a file bigger than maxBytes at start is rotated before the next line', async () => {
    const file = path.join(dir, 'a.jsonl');
    await writeFile(file, 'x'.repeat(5000) + '\n', { mode: 0o600 });
    for (const name of ['a.jsonl.1', 'a.jsonl.7', 'a.jsonl.old', 'other.jsonl.2']) await writeFile(path.join(dir, name), 'r\n');
    const log = new AuditLog(file, undefined, { maxBytes: 1000, keepFiles: 0 });
    await log.record({ action: 'login', actor: desk, ok: true });
    expect((await readdir(dir)).sort()).toEqual(['a.jsonl', 'a.jsonl.old', 'other.jsonl.2']);
    expect((await linesOf(file)).map((l) => l.action)).toEqual(['login']);
  });

  it('lines older than maxAgeMs are deleted: the live file rotated, a rotated file of old lines deleted, one that holds some rewritten without them', async () => {
    const file = path.join(dir, 'c.jsonl');
    const now = Date.now();
    const line = (daysAgo: number, detail: string): string => JSON.stringify({ ts: new Date(now - daysAgo * MS_PER_DAY).toISOString(), action: 'waive', user: 'desk-1', role: 'operator', address: '127.0.0.1', captureId: null, ok: true, detail }) + '\n';
    await writeFile(`${file}.2`, line(40, 'a') + line(35, 'b'), { mode: 0o600 });
    await writeFile(`${file}.1`, line(32, 'c') + 'not json\n' + line(20, 'd'), { mode: 0o600 });
    await writeFile(file, line(31, 'e') + line(2, 'f') + line(0, 'g'), { mode: 0o600 });
    // what a rewrite cut short by a crash leaves
    await writeFile(`${file}.1.tmp`, line(20, 'd'), { mode: 0o600 });
    const rotation = { maxBytes: 10_000, keepFiles: 3 };
    // without an age limit nothing is deleted
    await new AuditLog(file, undefined, rotation).prune(now);
    const rawLines = async (): Promise<number> => (await Promise.all((await readdir(dir)).map(async (n) => (await readFile(path.join(dir, n), 'utf8')).split('\n').filter(Boolean).length))).reduce((a, b) => a + b, 0);
    expect(await rawLines()).toBe(9);
    const log = new AuditLog(file, undefined, { ...rotation, maxAgeMs: 30 * MS_PER_DAY });
    await log.prune(now);
    // the live file began 31 days ago: rotated; .3 (was .2) held only older lines; a line without a time stays; the leftover is gone
    expect((await readdir(dir)).sort()).toEqual(['c.jsonl.1', 'c.jsonl.2']);
    expect((await readFile(`${file}.2`, 'utf8')).split('\n').filter(Boolean).map((l) => (l.startsWith('{') ? (JSON.parse(l) as AuditRecord).detail : l))).toEqual(['not json', 'd']);
    expect((await linesOf(`${file}.1`)).map((l) => l.detail)).toEqual(['f', 'g']);
    for (const name of await readdir(dir)) expect((await stat(path.join(dir, name))).mode & 0o777, name).toBe(0o600);
    // the next line starts a new live file, every line in order
    await log.record({ action: 'login', actor: desk, ok: true });
    expect((await linesOf(file)).map((l) => l.action)).toEqual(['login']);
    expect(DEFAULT_AUDIT_ROTATION.maxAgeMs).toBe(365 * MS_PER_DAY);
  });

  it('a write that fails is reported and later lines are still written', async () => {
    const file = path.join(dir, 'b.jsonl');
    const errors: string[] = [];
    const log = new AuditLog(file, (err) => errors.push(err.message), { maxBytes: 1000, keepFiles: 2 });
    await log.record({ action: 'login', actor: desk, ok: true });
    // a full file, and a folder where the oldest rotated file would go: the rotation fails once
    await writeFile(file, 'y'.repeat(2000) + '\n');
    await writeFile(`${file}.1`, 'z\n');
    await mkdir(`${file}.2`);
    await writeFile(path.join(`${file}.2`, 'keep'), 'k');
    await log.record({ action: 'logout', actor: desk, ok: true });
    expect(errors).toHaveLength(1);
    await rm(`${file}.2`, { recursive: true });
    await log.record({ action: 'login-failed', actor: desk, ok: false });
    expect(errors).toHaveLength(1);
    expect((await linesOf(file)).map((l) => l.action)).toEqual(['login-failed']);
    expect((await readFile(`${file}.1`, 'utf8')).startsWith('yyy')).toBe(true);
  });
});
