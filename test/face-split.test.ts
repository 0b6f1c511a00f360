/** The fixed split of ../shared/faces by identity, and the condition labels read from its notes. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readFacePhotos } from '../server/faceset/shared-faces.js';
import { FOLDS, splitCsv, splitPhotos } from '../server/faceset/face-split.js';
import { conditionsFromNotes, isClean } from '../server/faceset/face-conditions.js';
import { SPLIT_FILE } from '../server/cli/split-command.js';
import { readManifest } from '../server/plq/model-manifest.js';

describe('the fit / calibrate / validate split', () => {
  it('is the checked-in models/face-split.csv, byte for byte', async () => {
    const photos = await readFacePhotos();
    expect(photos.length).toBeGreaterThan(400);
    expect(splitCsv(splitPhotos(photos))).toBe(await readFile(SPLIT_FILE, 'utf8'));
  });

  it('no person and no photo spans two folds, and every fold has people and clean faces', async () => {
    const photos = await readFacePhotos();
    const entries = splitPhotos(photos);
    const foldOfIdentity = new Map<string, string>();
    photos.forEach((p, i) => {
      for (const id of p.identities) {
        const seen = foldOfIdentity.get(id);
        if (seen) expect(seen, id).toBe(entries[i].fold);
        foldOfIdentity.set(id, entries[i].fold);
      }
    });
    expect(new Set(entries.map((e) => e.file)).size).toBe(photos.length);
    for (const fold of FOLDS) {
      const ps = photos.filter((_, i) => entries[i].fold === fold);
      expect(ps.length, fold).toBeGreaterThan(50);
      expect(new Set(ps.flatMap((p) => p.identities)).size, fold).toBeGreaterThan(5);
      expect(ps.filter((p) => isClean(p.conditions)).length, fold).toBeGreaterThan(30);
    }
  });

  it('the shipped head was fitted on the fit fold and the calibration made on the calibrate fold', async () => {
    const m = await readManifest('mobileface');
    expect(m.adaptedHead?.source).toMatch(/fit fold/);
    expect(m.calibration.source).toMatch(/calibrate fold/);
    for (const name of ['faceres', 'faceres-deep']) expect((await readManifest(name)).calibration.source, name).toMatch(/calibrate fold/);
  });
});

describe('conditions from the manifest notes', () => {
  it('reads conditions that hold for every face, and keeps partial ones apart', () => {
    const a = conditionsFromNotes('227x227; sunglasses; low light');
    expect([...a.all].sort()).toEqual(['dark', 'sunglasses']);
    const b = conditionsFromNotes("819x546; multi-face (5) outdoor, sunglasses on one; sunset light");
    expect(b.all.has('sunglasses')).toBe(false);
    expect(b.some.has('sunglasses')).toBe(true);
    expect(isClean(b)).toBe(false);
  });

  it('does not take a dark background for a dark face, nor "blur vary" for blur', () => {
    expect(conditionsFromNotes('367x452; single face; frontal, dark background').all.has('dark')).toBe(false);
    const v = conditionsFromNotes('150x150; colour face crop from TV frame; pose, expression and blur vary');
    expect(v.all.has('blur')).toBe(false);
    expect(v.all.has('varied')).toBe(true);
  });

  it('glasses and sunglasses are told apart; a clean frontal note is clean', () => {
    expect([...conditionsFromNotes('450x431; glasses; hand raised near chin').all]).toContain('glasses');
    expect(conditionsFromNotes('250x250; sunglasses').all.has('glasses')).toBe(false);
    expect(isClean(conditionsFromNotes('450x450; frontal, young man; AFLW2000 image'))).toBe(true);
  });
});
