import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { plq } from './helpers/plq-cli.js';
import { writeIdentitySet, type IdentitySet } from './helpers/identity-set.js';
import { loadMam } from '../server/xai/mam-file.js';
import { decodeResult, type FaceRecord } from '../server/analyze/face-record.js';
import { splitHighLow } from '../server/xai/quality-split.js';
import { stackStats } from '../server/xai/map-stats.js';
import { parseMethods } from '../server/analyze/quality-methods.js';

async function cachedFaces(out: string): Promise<FaceRecord[]> {
  const dir = path.join(out, 'cache');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  const results = await Promise.all(files.map(async (f) => decodeResult(await readFile(path.join(dir, f), 'utf8'))));
  return results.flatMap((r) => r.faces);
}

describe('plq analyze on real photos (identities from augmented crops)', () => {
  let set: IdentitySet;
  let out: string;
  let first: { code: number; stdout: string; stderr: string };
  let html: string;

  beforeAll(async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'plq-analyze-'));
    set = await writeIdentitySet(path.join(tmp, 'set'), 5);
    // External scores: the crop number, for every file.
    await writeFile(path.join(tmp, 'ext.csv'), 'file,score\n' + set.files.map((f) => `${path.relative(tmp, f)},${f.match(/crop(\d)/)![1]}`).join('\n'));
    out = path.join(tmp, 'out');
    first = await plq(['analyze', '--identities', 'folders', '--fraction', '0.2', '--methods', `serfiq,plq,embedding-norm,brisque,csv:${path.join(tmp, 'ext.csv')}`, '--out', out, set.dir]);
    html = await readFile(path.join(out, 'index.html'), 'utf8').catch(() => '');
  });

  it('builds the report and lists the unusable inputs as skipped', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/0 from the cache/);
    expect(html).toContain('broken.jpg');
    expect(html).toContain('blank.png');
    expect(html).toMatch(/no face found/);
    for (const m of ['serfiq', 'plq', 'embedding-norm', 'brisque', 'csv:ext']) expect(html).toContain(`<h2>${m}</h2>`);
    expect(html).toContain('Error versus reject');
    expect(html).toContain('H overlap ratio');
  });

  it('writes every figure as a PNG', async () => {
    const figs = await readdir(path.join(out, 'figures'));
    for (const m of ['serfiq', 'plq', 'embedding-norm', 'brisque', 'csv_ext']) {
      for (const f of ['mam-H', 'mam-L', 'mdam-H', 'mdam-L', 'amv-H', 'amv-L', 'ammv-H', 'ammv-L', 'damv', 'dammv', 'hist', 'admam-lowest', 'admam-highest']) {
        expect(figs).toContain(`${m}-${f}.png`);
      }
    }
    expect(figs).toContain('erc.png');
    expect(figs).toContain('serfiq-vs-brisque-D-AM-V_H.png');
    const png = await readFile(path.join(out, 'figures', 'serfiq-mam-H.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('the stored MAM_H is the mean Score-CAM map of the highest-quality faces', async () => {
    const faces = await cachedFaces(out);
    expect(faces.length).toBeGreaterThanOrEqual(set.files.length - 2);
    const mam = await loadMam(path.join(out, 'serfiq.mam-h.json'));
    const { high } = splitHighLow(faces.map((f) => f.serFiq), 0.2);
    expect(mam.count).toBe(high.length);
    const expected = stackStats(high.map((i) => ({ width: 112, height: 112, data: faces[i].cam }))).mam.data;
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(expected[i] - mam.map.data[i]));
    expect(maxDiff).toBeLessThan(1e-6);
    const csv = (await readFile(path.join(out, 'scores.csv'), 'utf8')).trim().split('\n');
    expect(csv.length - 1).toBe(faces.length);
  });

  it('a re-run after an interruption resumes from the cache and gives the same result', async () => {
    const before = await readFile(path.join(out, 'brisque.mam-h.json'), 'utf8');
    // An interrupted run is one whose cache lacks some entries (entries are written atomically).
    const entries = (await readdir(path.join(out, 'cache'))).filter((f) => f.endsWith('.json'));
    expect(entries.length).toBe(set.files.length + 2);
    for (const f of entries.slice(0, 3)) await rm(path.join(out, 'cache', f));
    const again = await plq(['analyze', '--identities', 'folders', '--fraction', '0.2', '--out', out, set.dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`${set.files.length - 1} from the cache, 3 to analyse`));
    expect(await readFile(path.join(out, 'brisque.mam-h.json'), 'utf8')).toBe(before);
  });

  it('an identities CSV naming missing files or with bad rows is a clear error', async () => {
    const tmp = path.dirname(set.dir);
    await writeFile(path.join(tmp, 'ids-missing.csv'), `file,identity\nset/id-0/crop0.jpg,a\nset/id-0/nope.jpg,a\n`);
    const missing = await plq(['analyze', '--identities', path.join(tmp, 'ids-missing.csv'), '--out', path.join(tmp, 'o2'), set.dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not found: line 3: set\/id-0\/nope\.jpg/);
    await writeFile(path.join(tmp, 'ids-bad.csv'), `file,identity\nset/id-0/crop0.jpg\nset/id-0/crop1.jpg,a,b\n`);
    const bad = await plq(['analyze', '--identities', path.join(tmp, 'ids-bad.csv'), '--out', path.join(tmp, 'o3'), set.dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/2 bad row\(s\): line 2: .*; line 3/);
  });
});

describe('the embedding-norm method (formerly magnitude)', () => {
  const face = { embeddingNorm: 3.5 } as FaceRecord;

  it('scores the embedding L2 norm; magnitude is a deprecated alias with one warning line', async () => {
    const warnings: string[] = [];
    const [m] = await parseMethods('embedding-norm', (l) => warnings.push(l));
    expect(m.name).toBe('embedding-norm');
    expect(m.score(face)).toBe(3.5);
    expect(warnings).toEqual([]);
    const [old] = await parseMethods('magnitude', (l) => warnings.push(l));
    expect(old.name).toBe('embedding-norm');
    expect(old.score(face)).toBe(3.5);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/"magnitude" is deprecated, use "embedding-norm".*not MagFace quality/);
    expect(warnings[0]).not.toContain('\n');
  });

  it('the CLI prints the deprecation warning on stderr', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'plq-methods-'));
    // A missing identities CSV stops the command right after --methods is parsed.
    const r = await plq(['analyze', '--methods', 'serfiq,magnitude', '--identities', path.join(tmp, 'none.csv'), '--out', path.join(tmp, 'o'), tmp]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.includes('deprecated'))).toHaveLength(1);
    await rm(tmp, { recursive: true, force: true });
  });
});
