/**
 * Does the default model's quality hold for people it never saw? Judged on faces of the
 * validate fold of ../shared/faces (no fit and no threshold saw them) against the targets in
 * server/evaluation/quality-targets.ts — the same code as `plq evaluate`, on a CI-sized subset.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend } from '../server/tf/backend.js';
import { FrModel } from '../server/plq/fr-model.js';
import { PixelQualityEngine } from '../server/plq/pixel-quality.js';
import { DEFAULT_MODEL, MODELS_DIR } from '../server/plq/model-manifest.js';
import { foldFaces, type FoldFace } from '../server/faceset/fold-faces.js';
import { evaluateQuality, ercFaces, type QualityEvaluation } from '../server/evaluation/quality-evaluation.js';
import { QUALITY_TARGETS } from '../server/evaluation/quality-targets.js';
import { laplacianVariance } from '../server/evaluation/metrics.js';
import { rgbTensor } from '../server/experiments/aligned-set.js';
import { DEFAULT_CONFIG } from '../server/kiosk/config/kiosk-config.js';

describe(`quality of the default model (${DEFAULT_MODEL}) on unseen faces (validate fold)`, () => {
  let engine: PixelQualityEngine;
  let faces: FoldFace[];
  let r: QualityEvaluation;

  beforeAll(async () => {
    await initBackend();
    engine = new PixelQualityEngine(await FrModel.load(DEFAULT_MODEL));
    faces = (await foldFaces(['validate'], engine.model.manifest)).faces;
    const recogniser = await FrModel.load('mobileface', MODELS_DIR, { withoutAdaptedHead: true });
    const recognition = new Map<string, Float32Array>();
    const sharpness = new Map<string, number>();
    const eyes = new Map<string, number>();
    for (const f of ercFaces(faces)) {
      const x = rgbTensor(f.crop);
      recognition.set(f.record.id, recogniser.embed(x).dataSync() as Float32Array);
      x.dispose();
      sharpness.set(f.record.id, laplacianVariance(f.crop));
      eyes.set(f.record.id, f.record.eyeDistance);
    }
    r = await evaluateQuality(engine, {
      faces,
      recognition,
      baselines: { 'inter-eye distance': eyes, sharpness },
      captureThreshold: DEFAULT_CONFIG.capture.threshold,
    });
  }, 600_000);

  it('the faces are from the validate fold only, and there are enough of them', () => {
    expect(faces.every((f) => f.record.fold === 'validate')).toBe(true);
    expect(r.cleanFaces).toBeGreaterThanOrEqual(80);
    expect(r.pointing.faces).toBe(r.cleanFaces);
  });

  it('clean frontal faces land around the capture threshold: median Q^ in [0.5, 0.8], >= 70 % at or above it', () => {
    expect(r.clean.threshold).toBe(0.5);
    expect(r.clean.p50).toBeGreaterThanOrEqual(QUALITY_TARGETS.cleanMedian[0]);
    expect(r.clean.p50).toBeLessThanOrEqual(QUALITY_TARGETS.cleanMedian[1]);
    expect(r.clean.atThreshold).toBeGreaterThanOrEqual(QUALITY_TARGETS.cleanAtThreshold);
  });

  it("the map points at the damage: a 30 px square's mean P is below the face median for >= 80 %", () => {
    expect(r.pointing.belowMedian).toBeGreaterThanOrEqual(QUALITY_TARGETS.pointingBelowMedian);
  });

  it('rejecting the lowest-Q^ 20 % lowers FNMR at FMR 1 % by >= 25 %, more than random and the plain baselines', () => {
    expect(r.erc).not.toBeNull();
    const red = r.erc!.reductionAt20;
    expect(red['Q^']).toBeGreaterThanOrEqual(QUALITY_TARGETS.ercReductionAt20);
    expect(red['Q^']).toBeGreaterThan(red.random);
    expect(red['Q^']).toBeGreaterThan(red['inter-eye distance']);
    expect(red['Q^']).toBeGreaterThan(red.sharpness);
  });

  // sunglasses (AUC 0.68 on 9 faces) is a target not met: see README
  it('Q^ separates clean frontal faces from real masks and real blur (AUC >= 0.75)', () => {
    for (const c of ['mask', 'blur'] as const) {
      const a = r.auc.find((x) => x.condition === c)!;
      expect(a.positives).toBeGreaterThan(0);
      expect(a.auc).toBeGreaterThanOrEqual(QUALITY_TARGETS.auc);
    }
  });

  it('Q^ falls monotonically with blur, downscaling and the size of a black square', () => {
    expect(r.ladders.map((l) => [l.label, l.monotone])).toEqual(r.ladders.map((l) => [l.label, true]));
  });

  // squares (67 %) and 4x downscaling (just under 90 %) are targets not met: see README
  it('Q falls under blur sigma 2 for >= 90 % of faces; the map falls inside every kind of damage for most faces', () => {
    const drop = (label: string) => r.drops.find((d) => d.label.startsWith(label))!;
    expect(drop('blur sigma 2').quality).toBeGreaterThanOrEqual(QUALITY_TARGETS.dropShare);
    expect(drop('square 30 px').map).toBeGreaterThanOrEqual(0.95);
    for (const d of r.drops) expect(d.map, d.label).toBeGreaterThan(0.5);
  });

  it('deletion: removing the highest-P pixels first loses genuine similarity faster than a random order', () => {
    expect(r.deletionInsertion.plqDeletion).toBeLessThan(r.deletionInsertion.randomDeletion);
    expect(r.deletionInsertion.plqInsertion).toBeGreaterThan(r.deletionInsertion.randomInsertion);
  });
});
