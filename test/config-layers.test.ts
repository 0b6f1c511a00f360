/** Config layering: the deep merge, the default data folder outside the source tree, the new capture keys. */
import { describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { deepMerge } from '../server/kiosk/config/deep-merge.js';
import { defaultCaptureDir, defaultDataDir } from '../server/kiosk/config/data-dir.js';
import { loadConfig } from '../server/kiosk/config/load-config.js';

describe('deepMerge', () => {
  it('merges nested objects key by key, replaces arrays and scalars, never modifies its inputs', () => {
    const base = { a: { b: 1, c: { d: 2, e: [1, 2] } }, f: 'x', g: [1] };
    const over = { a: { c: { d: 3 }, h: null }, g: [9, 8], i: { j: true } };
    const before = JSON.stringify([base, over]);
    const m = deepMerge(base, over);
    expect(m).toEqual({ a: { b: 1, c: { d: 3, e: [1, 2] }, h: null }, f: 'x', g: [9, 8], i: { j: true } });
    expect(JSON.stringify([base, over])).toBe(before);
    (m.a.c.e as number[]).push(3);
    expect(base.a.c.e).toEqual([1, 2]); // no shared arrays
    expect(deepMerge(base, undefined)).toEqual(base);
    expect(deepMerge({ a: { b: 1 } }, { a: 5 })).toEqual({ a: 5 });
    expect(deepMerge({ a: 5 }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });

  it('three levels down: an override of one key keeps its siblings (the capture dir of the test harness)', () => {
    const m = deepMerge({ capture: { dir: '/tmp/x', iso: { headSizeShare: { min: 0.5, max: 0.7 } } } }, { capture: { iso: { headSizeShare: { max: 0.8 } } } });
    expect(m).toEqual({ capture: { dir: '/tmp/x', iso: { headSizeShare: { min: 0.5, max: 0.8 } } } });
  });

  it('a "__proto__" key from JSON stays an ordinary key: no prototype change, and the schema names it', async () => {
    const over = JSON.parse('{"capture": {"__proto__": {"polluted": 1}}, "__proto__": {"x": 1}}') as Record<string, unknown>;
    const m = deepMerge({ capture: { dir: '/d' } }, over) as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(m.capture)).toBe(Object.prototype);
    expect(Object.keys(m.capture)).toEqual(['dir', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expect(loadConfig({ env: {}, overrides: over as never })).rejects.toThrow(/unknown key "(capture\.)?__proto__"/);
  });
});

describe('default capture folder: outside the source tree', () => {
  it('PLQ_DATA_DIR, then systemd STATE_DIRECTORY, then XDG_DATA_HOME, then ~/.local/share', () => {
    const home = '/home/kiosk';
    expect(defaultCaptureDir({ PLQ_DATA_DIR: '/srv/plq', STATE_DIRECTORY: '/var/lib/plq-kiosk', XDG_DATA_HOME: '/x' }, home)).toBe('/srv/plq/captures');
    expect(defaultCaptureDir({ STATE_DIRECTORY: '/var/lib/plq-kiosk:/var/lib/other', XDG_DATA_HOME: '/x' }, home)).toBe('/var/lib/plq-kiosk/captures');
    expect(defaultCaptureDir({ XDG_DATA_HOME: '/x/share' }, home)).toBe('/x/share/plq-kiosk/captures');
    expect(defaultCaptureDir({ XDG_DATA_HOME: 'relative' }, home)).toBe('/home/kiosk/.local/share/plq-kiosk/captures'); // the XDG spec ignores relative paths
    expect(defaultDataDir({}, home)).toBe('/home/kiosk/.local/share/plq-kiosk');
  });

  it('loadConfig takes the default from its env, never the working directory; the file and flags still win', async () => {
    const repo = path.resolve('.');
    const c = await loadConfig({ env: { PLQ_DATA_DIR: path.join(os.tmpdir(), 'plq-data') } });
    expect(c.capture.dir).toBe(path.join(os.tmpdir(), 'plq-data', 'captures'));
    const d = await loadConfig({ env: {} });
    expect(path.isAbsolute(d.capture.dir)).toBe(true);
    expect(path.relative(repo, d.capture.dir).startsWith('..')).toBe(true);
    const o = await loadConfig({ env: { PLQ_DATA_DIR: '/srv/plq' }, overrides: { capture: { dir: '/elsewhere' } } });
    expect(o.capture.dir).toBe('/elsewhere');
  });

  it('capture.minFreeMB and capture.maxPendingCaptures have defaults and are validated', async () => {
    const c = await loadConfig({ env: {} });
    expect(c.capture.minFreeMB).toBe(100);
    expect(c.capture.maxPendingCaptures).toBe(20);
    await expect(loadConfig({ env: { PLQ_KIOSK__capture__minFreeMB: '-1' } })).rejects.toThrow(/"capture.minFreeMB" must be >= 0/);
    await expect(loadConfig({ env: {}, overrides: { capture: { maxPendingCaptures: 1.5 } } })).rejects.toThrow(/"capture.maxPendingCaptures" must be integer/);
  });
});
