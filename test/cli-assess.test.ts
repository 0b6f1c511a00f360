import { beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { invocationDir } from '../server/cli/invocation-dir.js';
import { packageFile } from '../server/plq/model-paths.js';
import { writeBadInputs, type BadInputs } from './helpers/bad-images.js';
import { plq } from './helpers/plq-cli.js';


describe('plq assess', () => {
  let bad: BadInputs;
  let out: string;
  let result: { code: number; stdout: string; stderr: string };
  const groupPhoto = packageFile('@vladmandic/face-api', 'demo/sample1.jpg');

  beforeAll(async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'plq-cli-'));
    bad = await writeBadInputs(path.join(tmp, 'in'));
    out = path.join(tmp, 'out');
    result = await plq(['assess', '--json', '--out', out, bad.dir, groupPhoto]);
  });

  it('exits non-zero because some inputs failed, after doing all the others', () => {
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/backend wasm/);
  });

  it('names each failure with a clear reason', () => {
    const line = (name: string): string => result.stderr.split('\n').find((l) => l.includes(name)) ?? '';
    expect(line('zero-byte.jpg')).toMatch(/empty file/);
    expect(line('truncated.jpg')).toMatch(/unreadable|not an image/);
    expect(line('not-an-image.png')).toMatch(/not an image/);
    expect(line('huge.png')).toMatch(/too large: 20000x20000.*without decoding/);
    expect(line('no-face.png')).toMatch(/no face found/);
  });

  it('assesses greyscale, CMYK, 16-bit, alpha and EXIF-rotated versions of a real face', async () => {
    const files = await readdir(out);
    for (const stem of ['greyscale', 'cmyk', 'sixteen-bit', 'alpha', 'exif-rotated', 'portrait']) {
      for (const ext of ['json', 'plq.png', 'overlay.png', 'aligned.png']) expect(files).toContain(`${stem}.${ext}`);
      const j = JSON.parse(await readFile(path.join(out, `${stem}.json`), 'utf8'));
      expect(j.quality).toBeGreaterThan(0);
      expect(j.qualityScaled).toBeGreaterThanOrEqual(0);
      expect(j.qualityScaled).toBeLessThanOrEqual(1);
    }
    // EXIF orientation was applied: the rotated file's face sits where the upright one's does
    const a = JSON.parse(await readFile(path.join(out, 'portrait.json'), 'utf8'));
    const b = JSON.parse(await readFile(path.join(out, 'exif-rotated.json'), 'utf8'));
    expect(Math.abs(a.box[0] - b.box[0])).toBeLessThan(25);
    expect(Math.abs(a.box[1] - b.box[1])).toBeLessThan(25);
    expect(Math.abs(a.qualityScaled - b.qualityScaled)).toBeLessThan(0.15);
  });

  it('writes one numbered set per face for a photo with several faces, and one JSON line each', async () => {
    const files = await readdir(out);
    const faces = files.filter((f) => /^sample1\.\d+\.json$/.test(f));
    expect(faces.length).toBe(3);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.input.endsWith('sample1.jpg')).length).toBe(3);
    for (const key of ['model', 'quality', 'qualityScaled', 'box', 'landmarks', 'transform', 'regions', 'timings']) {
      expect(lines[0]).toHaveProperty(key);
    }
    const meta = await sharp(path.join(out, 'sample1.0.plq.png')).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([112, 112, 1]);
  });

  it('with --aligned assesses a crop as it is', async () => {
    const r = await plq(['assess', '--aligned', '--json', '--out', out + '-aligned', path.join(out, 'portrait.aligned.png')]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout.trim());
    const full = JSON.parse(await readFile(path.join(out, 'portrait.json'), 'utf8'));
    expect(Math.abs(j.qualityScaled - full.qualityScaled)).toBeLessThan(0.05);
  });

  it('through `npm run plq`, reads relative paths against the folder it was typed in, not the checkout', async () => {
    // npm runs a script in the package root; the user's photo and --out are where the user is
    const typedIn = path.join(path.dirname(bad.dir), 'typed-in');
    await mkdir(typedIn);
    await copyFile(path.join(bad.dir, 'portrait.jpg'), path.join(typedIn, 'me.jpg'));
    const r = await promisify(execFile)('npm', ['--prefix', process.cwd(), 'run', '-s', 'plq', '--', 'assess', '--out', 'mine', 'me.jpg'], {
      cwd: typedIn,
      env: { ...process.env, PLQ_BACKEND: 'wasm' },
    });
    expect(r.stderr).toMatch(/1 of 1 inputs assessed, results in mine/);
    expect((await readdir(path.join(typedIn, 'mine'))).sort()).toEqual(['me.aligned.png', 'me.json', 'me.overlay.png', 'me.plq.png']);
  });

  it('keeps its own folder when something else started it under npm (a test, a script)', () => {
    const env = { INIT_CWD: '/home/u/photos', npm_package_json: '/opt/plq/package.json', npm_lifecycle_script: 'tsx server/cli/main.ts' };
    expect(invocationDir(env, '/opt/plq')).toBe('/home/u/photos');
    expect(invocationDir({ ...env, INIT_CWD: '/opt/plq' }, '/opt/plq')).toBeUndefined();
    // `npm test` spawning the CLI in a folder of its own: not npm's script root
    expect(invocationDir({ ...env, npm_lifecycle_script: 'vitest run' }, '/opt/plq')).toBeUndefined();
    expect(invocationDir(env, '/tmp/plq-cli-x')).toBeUndefined();
    expect(invocationDir({}, '/opt/plq')).toBeUndefined();
  });

  it('rejects an unknown model clearly', async () => {
    const r = await plq(['assess', '--model', 'nope', groupPhoto, '--out', out + '-x']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown model "nope"/);
  });
});
