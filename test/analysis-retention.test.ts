/** Queue URLs (redis://, rediss:// with password and db) and the analysis cache's retention and modes. */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseRedisUrl } from '../server/analyze/redis-url.js';
import { AnalysisCache } from '../server/analyze/analysis-cache.js';
import type { ImageResult } from '../server/analyze/face-record.js';

describe('queue URLs', () => {
  it('parse redis:// and rediss:// (TLS) with user, password and database', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6390')).toMatchObject({ host: '127.0.0.1', port: 6390, db: 0, password: undefined });
    expect(parseRedisUrl('redis://127.0.0.1:6390')).not.toHaveProperty('tls');
    const tls = parseRedisUrl('rediss://plq:s%40cret@redis.example.org:6380/3');
    expect(tls).toMatchObject({ host: 'redis.example.org', port: 6380, username: 'plq', password: 's@cret', db: 3, tls: { servername: 'redis.example.org' } });
    expect(parseRedisUrl('rediss://:pw@10.0.0.7')).toMatchObject({ host: '10.0.0.7', port: 6379, password: 'pw', db: 0, tls: {} });
  });

  it('refuse other schemes and bad databases without showing the password', () => {
    expect(() => parseRedisUrl('http://x')).toThrow(/bad queue URL http:\/\/x: scheme http/);
    expect(() => parseRedisUrl('redis://:secretpw@host/abc')).toThrow(/bad queue URL redis:\/\/\*\*\*@host\/abc: database "abc"/);
    expect(() => parseRedisUrl('rediss://:secretpw@host/abc')).not.toThrow(/secretpw/);
  });
});

const result = (key: string): ImageResult => ({ file: `/set/${key}.jpg`, key, faces: [], error: { code: 'no-face', message: 'no face found' } });

describe('the analysis cache', () => {
  it('is owner-only, deletes entries older than its max age and half-written leftovers at open', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'plq-cache-')), 'cache');
    const first = await AnalysisCache.open(dir, 30 * 86_400_000);
    await first.put(result('old'));
    await first.put(result('new'));
    await writeFile(path.join(dir, 'half.json.tmp'), '{');
    const fortyDaysAgo = new Date(Date.now() - 40 * 86_400_000);
    await utimes(path.join(dir, 'old.json'), fortyDaysAgo, fortyDaysAgo);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dir, 'new.json'))).mode & 0o777).toBe(0o600);

    const second = await AnalysisCache.open(dir, 30 * 86_400_000);
    expect(second.expired).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['new.json']);
    expect(await second.get('old')).toBeUndefined();
    expect(await second.get('new')).toMatchObject({ key: 'new', error: { code: 'no-face' } });
    expect(await second.clearIfSessionOnly()).toBe(false);
  });

  it('with max age 0 keeps entries through the run (to resume it) and deletes them once it has succeeded', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'plq-cache-')), 'cache');
    const cache = await AnalysisCache.open(dir, 0);
    await cache.put(result('a'));
    expect((await AnalysisCache.open(dir, 0)).expired).toBe(0);
    expect(await cache.get('a')).toBeDefined();
    expect(await cache.clearIfSessionOnly()).toBe(true);
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });
});
