/**
 * The learned occlusion detectors (models/guidance-detectors.json, `plq fit-detectors`): the
 * shipped file, the training (deterministic, fit fold only, thresholds on calibrate, the fit fold held out by person), and how the
 * occlusion rules combine with them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../server/tf/backend.js';
import { DETECTOR_FEATURES, EMBEDDING_SIZE, detectorFeatures, detectorProbability, detectorsForModel, isEmbeddingFeature, isEyeFeature, kioskDetectors, loadDetectors, parseDetectors, type GuidanceDetectors } from '../server/kiosk/guidance/guidance-detectors.js';
import { DETECTOR_EDGE_L2, DETECTOR_FEATURE_SETS, DETECTOR_L2, DETECTOR_TRAINING, FIT_OPTIONS, FIT_SETTINGS, crossFoldOf, fitDetectors, fitLogistic, labelOf, personBalancedWeights, type TrainingCase } from '../server/evaluation/fit-detectors.js';
import type { GuidanceId } from '../server/kiosk/guidance/guidance-ids.js';
import { ONE_SIDE_IDS, candidate, occlusionCandidates, trackingCandidates } from '../server/kiosk/guidance/guidance-rules.js';
import { DEFAULT_CONFIG, DEFAULT_THRESHOLDS } from '../server/kiosk/config/kiosk-config.js';
import { HumanFaceDetector } from '../server/detect/human-detector.js';
import { EDGE_CROP_SCALE, eyewearEdges, greyArrayAt, regionAppearance, type EyewearEdges, type RegionAppearance } from '../server/kiosk/pipeline/region-appearance.js';
import { alignFace } from '../server/align/align-face.js';
import type { RgbImage } from '../server/detect/face-detector.js';
import { regionBoxes } from '../server/plq/face-regions.js';
import type { Point } from '../server/align/similarity.js';
import type { FaceMeasurements, RegionQuality } from '../server/kiosk/pipeline/measurements.js';
import { mulberry32 } from '../server/plq/seeded-random.js';
import path from 'node:path';
import { defaultFacesDir } from '../server/faceset/shared-faces.js';
import { PhotoMeshes, boothFrame, readPhoto, sharedPhotoBoothFrame, type BoothFrame } from '../server/evaluation/guidance-frames.js';
import { drawSynthetic } from '../server/evaluation/synthetic-occluders.js';
import { detector } from './helpers/real-faces.js';
import { probeInputs, type ProbeInputs } from './helpers/probe-inputs.js';
import { lumaAt } from '../server/image/luma.js';

const REGIONS = ['forehead', 'leftEye', 'rightEye', 'nose', 'leftCheek', 'rightCheek', 'mouth', 'chin', 'face'] as const;
const look = (over: Partial<Record<(typeof REGIONS)[number], [number, number]>> = {}): RegionAppearance =>
  Object.fromEntries(REGIONS.map((r) => [r, { luminance: over[r]?.[0] ?? 1, texture: over[r]?.[1] ?? 0.8 }])) as unknown as RegionAppearance;
const regions = (over: Partial<RegionQuality> = {}): RegionQuality => ({ forehead: 0.5, leftEye: 0.7, rightEye: 0.7, nose: 0.8, leftCheek: 0.7, rightCheek: 0.7, mouth: 0.75, chin: 0.6, face: 0.7, ...over });
const SAME_EMBEDDING = Array.from({ length: EMBEDDING_SIZE }, (_, i) => (i === 0 ? 1 : 0));
/** The sergey photo of the mediapipe package: a clean frontal face of the validate fold. */
const UNSEEN_CLEAN = 'images/mediapipe/mediapipe/framework/debug/testdata/sergey.png';
const measurements = (appearance: RegionAppearance): FaceMeasurements => ({ appearance }) as FaceMeasurements;
/** Real validate-fold faces with the head turned 20-30 degrees (set before the test was run). */
const TURNED = [
  'images/Deep3DFaceReconstruction/input/vd006.png',
  'images/PRNet/TestImages/AFLW2000/image00516.jpg',
  'images/face-recognition.js/examples/data/faces/lennard_19.png',
  'images/face-recognition.js/examples/data/faces/raj_20.png',
  'images/face-recognition.js/examples/data/faces/stuart_4.png',
];
/** Drawn closed eyes on the unseen face, the seeds the test looks at (set before it was run). */
const SHUT_SEEDS = [1, 2, 3, 4, 5, 6];

describe('the shipped detectors', () => {
  let dets: GuidanceDetectors;
  /** A clean frontal validate-fold face (no fit and no threshold saw it), framed like a booth camera. */
  let frame: BoothFrame;
  let bare: ProbeInputs;
  beforeAll(async () => {
    dets = loadDetectors()!;
    const { image } = await readPhoto(path.join(defaultFacesDir(), UNSEEN_CLEAN));
    const faces = await (await detector()).detect(image);
    frame = await boothFrame(image, faces[0]);
    bare = await probeInputs(frame.image);
  });

  it('load, for the kiosk\'s features, with the command and the figures that made them', () => {
    expect(dets).not.toBeNull();
    expect(dets.features).toEqual(DETECTOR_FEATURES);
    expect(dets.command).toMatch(/plq fit-detectors/);
    expect(dets.trainedOn).toMatch(/fit fold/);
    expect(dets.trainedOn).toMatch(/validate fold is never seen/);
    expect(dets.detectors.map((d) => d.id)).toEqual(expect.arrayContaining(['remove-sunglasses', 'remove-glasses', 'uncover-mouth', 'remove-headgear']));
    for (const d of dets.detectors) {
      expect(d.threshold).toBeGreaterThan(0);
      expect(d.threshold).toBeLessThan(1);
    }
  });

  it('on a real booth frame of an unseen face: nothing when bare; drawn sunglasses -> remove-sunglasses (not glasses), a drawn mask -> uncover-mouth', async () => {
    const ids = (p: ProbeInputs): string[] => occlusionCandidates(p.measurements, p.plq, DEFAULT_THRESHOLDS, dets).map((c) => c.id);
    expect(ids(bare)).toEqual([]);
    for (const seed of [1, 2, 3]) {
      const sun = ids(await probeInputs(drawSynthetic(frame.image, frame.mesh, 'sunglasses', seed).image));
      expect(sun, `sunglasses seed ${seed}`).toContain('remove-sunglasses');
      expect(sun).not.toContain('remove-glasses');
      expect(ids(await probeInputs(drawSynthetic(frame.image, frame.mesh, 'mask', seed).image)), `mask seed ${seed}`).toContain('uncover-mouth');
    }
  });

  it('the glasses probe reads the frame lines, the eyes\' grey-level spread and the embedding; more frame line, more glasses', () => {
    const glasses = dets.detectors.find((d) => d.id === 'remove-glasses')!;
    const used = DETECTOR_FEATURES.filter((_, j) => glasses.weights[j] !== 0);
    expect(used.filter((f) => !isEmbeddingFeature(f)).sort()).toEqual(['log frame edges bridge (3x crop)', 'log frame edges rims (3x crop)', 'log texture leftEye', 'log texture rightEye']);
    expect(used.filter(isEmbeddingFeature)).toHaveLength(EMBEDDING_SIZE);
    const x = detectorFeatures(bare.measurements.appearance, bare.plq);
    const p0 = detectorProbability(glasses, x);
    expect(p0).toBeLessThan(glasses.threshold);
    const framed = detectorFeatures({ ...bare.measurements.appearance, edges: { bridge: 3, rims: 2, sides: 1.8 } }, bare.plq);
    expect(detectorProbability(glasses, framed)).toBeGreaterThan(p0);
  });

  it('person-balanced, the glasses probe leaves unseen clean faces alone that it told when one man was nine of its real glasses (Bush 0009, Schroeder 0004)', async () => {
    const glasses = dets.detectors.find((d) => d.id === 'remove-glasses')!;
    // validate fold, clean frontal, no glasses; told remove-glasses in validate runs 16-25 (the file
    // before the probe was person-balanced scored their recorded measurements 0.63 and 0.50 against
    // its threshold 0.47)
    const meshes = new PhotoMeshes(() => HumanFaceDetector.create({ maxFaces: 20 }));
    for (const name of ['George_W_Bush/George_W_Bush_0009.jpg', 'Gerhard_Schroeder/Gerhard_Schroeder_0004.jpg']) {
      const file = `images/face-recognition-krasserm/images/${name}`;
      const p = await probeInputs((await sharedPhotoBoothFrame(meshes, file)).image);
      expect(detectorProbability(glasses, detectorFeatures(p.measurements.appearance, p.plq)), file).toBeLessThan(glasses.threshold);
      expect(occlusionCandidates(p.measurements, p.plq, DEFAULT_THRESHOLDS, dets).map((c) => c.id), file).not.toContain('remove-glasses');
    }
  });

  it('probes that read the embedding never fire without one, and a kiosk on another FR model runs only the others', () => {
    const q = { regions: bare.plq.regions, qualityScaled: bare.plq.qualityScaled };
    const reads = dets.detectors.filter((d) => DETECTOR_FEATURES.some((f, j) => isEmbeddingFeature(f) && d.weights[j] !== 0)).map((d) => d.id);
    expect(reads.sort()).toEqual(['open-eyes', 'remove-glasses', 'remove-headgear', 'remove-sunglasses', 'uncover-mouth']);
    for (const d of dets.detectors.filter((x) => reads.includes(x.id))) expect(detectorProbability(d, detectorFeatures(bare.measurements.appearance, q))).toBeNaN();
    expect(detectorsForModel(dets, 'mobileface')).toBe(dets);
    expect(detectorsForModel(dets, 'arcface-r100')!.detectors.map((d) => d.id).sort()).toEqual(['uncover-left-cheek', 'uncover-left-eye', 'uncover-right-cheek', 'uncover-right-eye']);
    expect(detectorsForModel(null, 'arcface-r100')).toBeNull();
  });

  it('the closed-eye probe reads the lids, the eyes\' gradient histograms and the embedding; the kiosk leaves it out unless guidance.closedEyeProbe', () => {
    const probe = dets.detectors.find((d) => d.id === 'open-eyes')!;
    expect(probe.mode).toBe('add');
    const used = DETECTOR_FEATURES.filter((_, j) => probe.weights[j] !== 0);
    expect(used.every((f) => isEyeFeature(f) || isEmbeddingFeature(f))).toBe(true);
    expect(used.filter((f) => f.startsWith('log lid opening'))).toHaveLength(4);
    expect(used.filter((f) => f.startsWith('eye gradients')).length).toBeGreaterThan(400);
    expect(DEFAULT_CONFIG.guidance.closedEyeProbe).toBe(false);
    const ids = (on: boolean, model = 'mobileface'): string[] => kioskDetectors(dets, model, on)!.detectors.map((d) => d.id);
    expect(ids(false)).not.toContain('open-eyes');
    expect(ids(false)).toHaveLength(dets.detectors.length - 1);
    expect(ids(true)).toContain('open-eyes');
    expect(ids(true, 'arcface-r100')).not.toContain('open-eyes');
  });

  it('the closed-eye probe on the unseen face (the tracker with the eyelid model): quiet when bare, said over drawn closed eyes that the lids\' rule misses, never while an eye is dark', async () => {
    const withLids = await HumanFaceDetector.create({ maxFaces: 3, eyelids: true });
    const probe = dets.detectors.find((d) => d.id === 'open-eyes')!;
    const p = (x: ProbeInputs): number => detectorProbability(probe, detectorFeatures(x.measurements.appearance, x.plq, x.measurements.eyelids));
    const openEyes = (x: ProbeInputs, d: GuidanceDetectors | null): boolean => occlusionCandidates(x.measurements, x.plq, DEFAULT_THRESHOLDS, d).some((c) => c.id === 'open-eyes');
    const onlyProbe: GuidanceDetectors = { ...dets, detectors: [probe] };
    const bareLids = await probeInputs(frame.image, withLids);
    expect(bareLids.measurements.eyelids).toBeDefined();
    expect(p(bareLids)).toBeLessThan(probe.threshold);
    expect(openEyes(bareLids, onlyProbe)).toBe(false);
    // without the lids (eyelid model off) the probe cannot read the face, and never fires
    expect(p(bare)).toBeNaN();
    const byRule: number[] = [], byProbe: number[] = [];
    for (const seed of SHUT_SEEDS) {
      const shut = await probeInputs(drawSynthetic(frame.image, frame.mesh, 'closed-eyes', seed).image, withLids);
      const lids = shut.measurements.eyelids!;
      if (Math.max(lids.left, lids.right) < DEFAULT_THRESHOLDS.minLidOpen) byRule.push(seed);
      if (!openEyes(shut, onlyProbe)) continue;
      byProbe.push(seed);
      expect(p(shut)).toBeGreaterThanOrEqual(probe.threshold);
      // a dark eye (a hand, a lens) is not judged open or shut, as by the lids' rule
      const dark = { ...shut, measurements: { ...shut.measurements, appearance: { ...shut.measurements.appearance, leftEye: { luminance: 0.3, texture: 0.5 } } } };
      expect(openEyes(dark, onlyProbe), `seed ${seed}`).toBe(false);
    }
    // it adds closed eyes the lids miss
    expect(byProbe.filter((s) => !byRule.includes(s)).length, `rule ${byRule}, probe ${byProbe}`).toBeGreaterThan(0);
  }, 120_000);

  it('a head covering silences the glasses probe (a brim at the brows draws a bridge line); glasses alone are said', () => {
    const n = DETECTOR_FEATURES.length;
    const always = (id: 'remove-glasses' | 'remove-headgear') => ({ id, mode: 'replace' as const, mean: Array(n).fill(0), sd: Array(n).fill(1), weights: Array(n).fill(0), bias: 5, threshold: 0.5 });
    const both: GuidanceDetectors = { ...dets, detectors: [always('remove-glasses'), always('remove-headgear')] };
    const q = { regions: regions(), qualityScaled: 0.7 };
    const ids = occlusionCandidates(measurements(look()), q, DEFAULT_THRESHOLDS, both).map((c) => c.id);
    expect(ids).toContain('remove-headgear');
    expect(ids).not.toContain('remove-glasses');
    const glassesOnly: GuidanceDetectors = { ...dets, detectors: [always('remove-glasses')] };
    expect(occlusionCandidates(measurements(look()), q, DEFAULT_THRESHOLDS, glassesOnly).map((c) => c.id)).toContain('remove-glasses');
  });

  it('a turned head: one-side messages come right after look-straight, not before it, and are still said', () => {
    const cheek = { regions: regions({ rightCheek: 0.2 }), qualityScaled: 0.6 };
    const at = (yaw: number) => occlusionCandidates({ appearance: look(), yaw } as FaceMeasurements, cheek, DEFAULT_THRESHOLDS, null);
    const frontal = at(0).find((c) => c.id === 'uncover-right-cheek')!;
    const turned = at(25).find((c) => c.id === 'uncover-right-cheek')!;
    const atLimit = at(DEFAULT_THRESHOLDS.maxYawDeg).find((c) => c.id === 'uncover-right-cheek')!;
    expect(frontal.priority).toBeLessThan(candidate('look-straight').priority);
    expect(atLimit.priority).toBe(frontal.priority);
    expect(turned.priority).toBeGreaterThan(candidate('look-straight').priority);
    expect(turned.priority).toBeLessThan(candidate('head-level').priority);
    expect(turned.blocking).toBe(true);
    // an eye and a cheek on a turned head keep their order: the eye first
    const both = occlusionCandidates({ appearance: look({ leftEye: [0.1, 0.1] }), yaw: 25 } as FaceMeasurements, cheek, DEFAULT_THRESHOLDS, null);
    const eye = both.find((c) => c.id === 'uncover-left-eye')!;
    expect(eye.priority).toBeGreaterThan(candidate('look-straight').priority);
    expect(eye.priority).toBeLessThan(both.find((c) => c.id === 'uncover-right-cheek')!.priority);
  });

  it('real turned faces of the validate fold: look-straight is said before any one-side message, which still comes', async () => {
    let oneSide = 0;
    const meshes = new PhotoMeshes(() => HumanFaceDetector.create({ maxFaces: 20 }));
    for (const file of TURNED) {
      const booth = await sharedPhotoBoothFrame(meshes, file);
      const p = await probeInputs(booth.image);
      const all = [...trackingCandidates([p.measurements], booth.image.width, DEFAULT_THRESHOLDS, 0), ...occlusionCandidates(p.measurements, p.plq, DEFAULT_THRESHOLDS, dets)];
      const straight = all.find((c) => c.id === 'look-straight');
      expect(straight, `${file}: yaw ${p.measurements.yaw.toFixed(1)}`).toBeDefined();
      for (const c of all.filter((x) => ONE_SIDE_IDS.has(x.id))) {
        oneSide += 1;
        expect(c.priority, `${file}: ${c.id}`).toBeGreaterThan(straight!.priority);
      }
    }
    // the turned faces do read as one side covered, so the order above was tested
    expect(oneSide).toBeGreaterThan(0);
  }, 180_000);

  it('one eye far darker than the other is a covered eye, never sunglasses or glasses', () => {
    const a = look({ leftEye: [0.1, 0.1], rightEye: [1, 0.8] });
    const ids = occlusionCandidates(measurements(a), { regions: regions({ leftEye: 0.3 }), qualityScaled: 0.6 }, DEFAULT_THRESHOLDS, dets).map((c) => c.id);
    expect(ids).toContain('uncover-left-eye');
    expect(ids).not.toContain('remove-sunglasses');
    expect(ids).not.toContain('remove-glasses');
  });

  it('replace-mode messages wait for a PLQ map, except dark lenses over both eyes; the rules alone still work without detectors', () => {
    const mouth = look({ mouth: [1, 0.05] });
    expect(occlusionCandidates(measurements(mouth), undefined, DEFAULT_THRESHOLDS, dets).map((c) => c.id)).not.toContain('uncover-mouth');
    expect(occlusionCandidates(measurements(mouth), undefined, DEFAULT_THRESHOLDS, null).map((c) => c.id)).toContain('uncover-mouth');
    const lenses = look({ leftEye: [0.3, 0.3], rightEye: [0.3, 0.3] });
    expect(occlusionCandidates(measurements(lenses), undefined, DEFAULT_THRESHOLDS, dets).map((c) => c.id)).toContain('remove-sunglasses');
    expect(occlusionCandidates(measurements(lenses), undefined, DEFAULT_THRESHOLDS, null).map((c) => c.id)).toContain('remove-sunglasses');
  });

  it('a file made for other features is refused', () => {
    expect(() => parseDetectors({ ...dets, features: ['x'] })).toThrow(/other features/);
    expect(() => parseDetectors({ version: 2 })).toThrow(/version 1/);
  });
});

describe('spectacle-frame edges (region-appearance.ts)', () => {
  // the mobileface template and crop
  const T: Point[] = [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]];
  const W = 112;
  const box = regionBoxes(T, [W, W]).face;
  /** A bare face: skin with mild texture, two dark eyes, brows. */
  const bare = (): Float32Array => {
    const rnd = mulberry32(3);
    const g = new Float32Array(W * W);
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
      let v = 150 + 8 * rnd() - 0.2 * Math.abs(x - 56);
      for (const [ex, ey] of [T[0], T[1]]) {
        if (Math.hypot((x - ex) / 7, (y - ey) / 3.5) < 1) v = 60;
        if (Math.abs(y - (ey - 9)) < 1.5 && Math.abs(x - ex) < 9) v = 90; // a brow
      }
      g[y * W + x] = v;
    }
    return g;
  };
  it('a thin frame (rims and bridge) raises the bridge, rim and side edges well above a bare face', () => {
    const g0 = bare();
    const e0 = eyewearEdges(greyArrayAt(g0, W, W), [T[0], T[1]], box);
    const g1 = Float32Array.from(g0);
    for (const [ex, ey] of [T[0], T[1]]) {
      for (let t = 0; t < 360; t++) {
        const a = (t * Math.PI) / 180;
        const x = Math.round(ex + 14 * Math.cos(a)), y = Math.round(ey + 10 * Math.sin(a));
        g1[y * W + x] = 30;
      }
    }
    for (let x = Math.round(T[0][0] + 14); x <= Math.round(T[1][0] - 14); x++) g1[Math.round(T[0][1] - 3) * W + x] = 30;
    const e1 = eyewearEdges(greyArrayAt(g1, W, W), [T[0], T[1]], box);
    expect(e1.bridge).toBeGreaterThan(3 * e0.bridge);
    expect(e1.rims).toBeGreaterThan(2 * e0.rims);
    expect(e1.sides).toBeGreaterThan(1.5 * e0.sides);
  });

  it('are measured on the face aligned at 3x the FR crop (sampled where needed: the same pixels as the whole crop warped), where a drawn frame\'s bridge stands further above the bare face than at 1x', async () => {
    const { image } = await readPhoto(path.join(defaultFacesDir(), UNSEEN_CLEAN));
    const det = await detector();
    const frame = await boothFrame(image, (await det.detect(image))[0]);
    const measure = async (img: RgbImage, k: number): Promise<{ edges: EyewearEdges; appearance: RegionAppearance }> => {
      const f = (await det.detect(img))[0];
      const t = T.map(([x, y]) => [k * x, k * y] as Point);
      const size: [number, number] = [k * W, k * W];
      const { image: a } = alignFace(img, f.landmarks5, t, size);
      const g = Float32Array.from({ length: a.width * a.height }, (_, i) => lumaAt(a.data, 3 * i));
      // the whole crop warped, the face's gradient every k-th pixel as the kiosk takes it
      return { edges: eyewearEdges(greyArrayAt(g, a.width, a.height), [t[0], t[1]], regionBoxes(t, size).face, k), appearance: regionAppearance(img, f.landmarks5, T, [W, W]) };
    };
    expect(EDGE_CROP_SCALE).toBe(3);
    const [bare1, bare3] = [await measure(frame.image, 1), await measure(frame.image, 3)];
    expect(bare3.appearance.edgesScale).toBe(3);
    expect(bare3.appearance.edges).toEqual(bare3.edges);
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const drawn = drawSynthetic(frame.image, frame.mesh, 'glasses', seed).image;
      const [e1, e3] = [(await measure(drawn, 1)).edges, (await measure(drawn, 3)).edges];
      expect(e3.bridge / bare3.edges.bridge, `seed ${seed}`).toBeGreaterThan(e1.bridge / bare1.edges.bridge);
    }
  }, 120_000);
});

describe('training', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('logistic regression separates a separable set, the same way every time', () => {
    const rnd = mulberry32(5);
    const x = Array.from({ length: 80 }, (_, i) => [rnd() + (i % 2 ? 1.5 : 0), rnd()]);
    const y = x.map((_, i) => i % 2);
    const a = fitLogistic(x, y), b = fitLogistic(x, y);
    expect(a).toEqual(b);
    const acc = x.filter((r, i) => (detectorProbability({ id: 'remove-glasses', mode: 'replace', threshold: 0.5, ...a }, r) >= 0.5 ? 1 : 0) === y[i]).length / x.length;
    expect(acc).toBeGreaterThan(0.95);
    expect(a.weights[0]).toBeGreaterThan(Math.abs(a.weights[1]));
  });

  it('a per-feature L2 (the glasses probe\'s frame edges, DETECTOR_EDGE_L2) lets a feature weigh more than its twin under the probe\'s L2', () => {
    const rnd = mulberry32(7);
    const x = Array.from({ length: 80 }, (_, i) => {
      const v = rnd() + (i % 2 ? 1 : 0);
      return [v, v, rnd()];
    });
    const y = x.map((_, i) => i % 2);
    const same = fitLogistic(x, y, { ...FIT_SETTINGS, l2: 30 });
    expect(same.weights[0]).toBeCloseTo(same.weights[1], 6);
    const split = fitLogistic(x, y, { ...FIT_SETTINGS, l2: 30 }, [3, 30, 30]);
    expect(split.weights[0]).toBeGreaterThan(3 * split.weights[1]);
    expect(split.weights[0] + split.weights[1]).toBeGreaterThan(same.weights[0] + same.weights[1]);
    expect(DETECTOR_EDGE_L2['remove-glasses']).toBeLessThan(DETECTOR_L2['remove-glasses']!);
  });

  it('person-balanced weights: within a class every person weighs the same, and the class keeps its total', () => {
    const groups = ['id:a', 'id:a', 'id:a', 'id:b', 'id:a', 'id:c', 'id:c'];
    const y = [1, 1, 1, 1, 0, 0, 0];
    const w = personBalancedWeights(groups, y);
    // positives: 4 cases of 2 people, 2 each; negatives: 3 cases of 2 people, 1.5 each
    expect(w.slice(0, 3).map((v) => v.toFixed(4))).toEqual(['0.6667', '0.6667', '0.6667']);
    expect(w[3]).toBeCloseTo(2, 10);
    expect(w[4]).toBeCloseTo(1.5, 10);
    expect(w[5] + w[6]).toBeCloseTo(1.5, 10);
    expect(w.slice(0, 4).reduce((a, b) => a + b)).toBeCloseTo(4, 10);
  });

  it('a person photographed many times among the positives: balanced, the probe leans less on who they are', () => {
    const rnd = mulberry32(17);
    // column 0: the occluder's signal (weak); column 1: one person's identity. Ten photos of that
    // person are positives, nine other people give one positive each; the negatives are 40 people.
    const x: number[][] = [], y: number[] = [], groups: string[] = [];
    const add = (signal: number, person: number, label: number, group: string): void => {
      x.push([signal + 0.8 * rnd(), person + 0.2 * rnd()]);
      y.push(label);
      groups.push(group);
    };
    for (let i = 0; i < 10; i++) add(0.6, 1, 1, 'id:frequent');
    for (let i = 0; i < 9; i++) add(0.6, 0, 1, `id:p${i}`);
    for (let i = 0; i < 40; i++) add(0, 0, 0, `id:n${i}`);
    const plain = fitLogistic(x, y);
    const balanced = fitLogistic(x, y, FIT_SETTINGS, undefined, personBalancedWeights(groups, y));
    const identityShare = (m: { weights: number[] }): number => Math.abs(m.weights[1]) / (Math.abs(m.weights[0]) + Math.abs(m.weights[1]));
    expect(identityShare(balanced)).toBeLessThan(0.75 * identityShare(plain));
    expect(fitLogistic(x, y, FIT_SETTINGS, undefined, y.map(() => 1))).toEqual(plain);
  });

  it('labels: must = 1, must-not = 0, free and a hand of unknown side = not used', () => {
    expect(labelOf({ must: ['uncover-mouth'], mustNot: [] }, 'uncover-mouth')).toBe(1);
    expect(labelOf({ must: [], mustNot: ['uncover-mouth'] }, 'uncover-mouth')).toBe(0);
    expect(labelOf({ must: ['uncover-*'], mustNot: [] }, 'uncover-mouth')).toBeNull();
  });

  it('thresholds come from the calibrate cases: at most 2 % of clean faces and 5 % of must-not cases get the message', () => {
    const rnd = mulberry32(9);
    const make = (n: number, sun: boolean, clean: boolean, source: 'real' | 'synthetic'): TrainingCase[] =>
      Array.from({ length: n }, (_, i) => {
        const e = sun ? 0.3 + 0.3 * rnd() : 0.7 + 0.4 * rnd();
        return {
          id: `${source}${i}`,
          source,
          clean,
          must: sun ? ['remove-sunglasses'] : [],
          mustNot: sun ? [] : ['remove-sunglasses'],
          appearance: look({ leftEye: [e, 0.6], rightEye: [e * (0.9 + 0.2 * rnd()), 0.6] }),
          regions: regions(),
          qualityScaled: 0.6 + 0.2 * rnd(),
          // the same for every case: it tells nothing
          embedding: SAME_EMBEDDING,
        };
      });
    const fit = [...make(30, true, false, 'synthetic'), ...make(60, false, true, 'real')];
    const cal = [...make(30, true, false, 'synthetic'), ...make(100, false, true, 'real')];
    const { detectors, figures } = fitDetectors(fit, cal);
    expect(detectors.map((d) => d.id)).toEqual(['remove-sunglasses']);
    const f = figures[0].calibrate;
    expect(f.falseAlarmClean.k).toBeLessThanOrEqual(2);
    expect(f.recallSynthetic.k / f.recallSynthetic.n).toBeGreaterThan(0.9);
    const x = detectorFeatures(look({ leftEye: [0.35, 0.6], rightEye: [0.35, 0.6] }), { regions: regions(), qualityScaled: 0.7, embedding: SAME_EMBEDDING });
    expect(detectorProbability(detectors[0], x)).toBeGreaterThanOrEqual(detectors[0].threshold);
  });

  it('the fit fold held out by person shows what training learnt of fit\'s own people; pooled with calibrate, those faces raise the threshold', () => {
    const rnd = mulberry32(21);
    // dark eyes = sunglasses. Six people of fit (two photos each) have dark eyes without them
    // (deep-set eyes, shade); what else sets them apart is only who they are (their embedding), so
    // trained on them the probe learns them away, and held out they score like sunglasses. Calibrate
    // has no such face.
    const embeddingOf = (person: number): number[] => SAME_EMBEDDING.map((v, i) => (i === 10 + person ? 1 : v));
    const make = (n: number, id: string, sun: boolean, eye: () => number, person?: (i: number) => number): TrainingCase[] =>
      Array.from({ length: n }, (_, i) => {
        const e = eye();
        const p = person?.(i);
        return {
          id: sun ? `${id}${i}.jpg#0/sunglasses` : `${id}${i}.jpg#0`,
          group: p === undefined ? `file:${id}${i}.jpg` : `id:person${p}`,
          source: sun ? ('synthetic' as const) : ('real' as const),
          clean: !sun,
          must: sun ? ['remove-sunglasses' as const] : [],
          mustNot: sun ? [] : ['remove-sunglasses' as const],
          appearance: look({ leftEye: [e, 0.6], rightEye: [e, 0.6] }),
          regions: regions(),
          qualityScaled: 0.7,
          embedding: p === undefined ? SAME_EMBEDDING : embeddingOf(p),
        };
      });
    const dark = () => 0.3 + 0.2 * rnd(), bright = () => 0.8 + 0.3 * rnd();
    const deepSet = make(12, 'deep', false, dark, (i) => i % 6);
    const fit = [...make(40, 'fs', true, dark), ...make(60, 'fc', false, bright), ...deepSet];
    const cal = [...make(40, 'cs', true, dark), ...make(50, 'cc', false, bright)];
    expect(FIT_OPTIONS).toEqual({ heldOutParts: 5, thresholds: 'calibrate', personBalanced: ['remove-sunglasses', 'remove-glasses'] });
    // a person's photos fall in one part
    for (let p = 0; p < 6; p++) expect(new Set(deepSet.filter((c) => c.group === `id:person${p}`).map((c) => crossFoldOf(c.group!, 5))).size).toBe(1);
    const none = fitDetectors(fit, cal, FIT_SETTINGS, { ...FIT_OPTIONS, heldOutParts: 1, thresholds: 'calibrate' }).figures[0];
    const shown = fitDetectors(fit, cal).figures[0];
    const pooled = fitDetectors(fit, cal, FIT_SETTINGS, { ...FIT_OPTIONS, heldOutParts: 5, thresholds: 'pooled' }).figures[0];
    expect(none.outOfFold).toBeUndefined();
    expect(shown.outOfFold!.folds).toBe(5);
    // every fit case (no mirror, seed 1) is scored once, by a probe that did not train on its person
    expect(shown.outOfFold!.falseAlarmClean.n).toBe(72);
    expect(shown.outOfFold!.recallSynthetic.n).toBe(40);
    // by default the thresholds are calibrate's alone, and the held-out figures show what they miss:
    // the deep-set eyes of people the probe did not learn get the message
    expect(shown.calibrate.threshold).toBe(none.calibrate.threshold);
    expect(shown.outOfFold!.falseAlarmClean.k).toBeGreaterThanOrEqual(6);
    // pooled, they raise the bar
    expect(pooled.calibrate.threshold).toBeGreaterThan(none.calibrate.threshold);
    expect(pooled.calibrate.falseAlarmClean.k + pooled.outOfFold!.falseAlarmClean.k).toBeLessThanOrEqual(Math.floor(0.02 * (50 + 72)));
  });

  it('the closed-eye probe reads the lids, the eye gradients and the embedding; cases without lids (eyelid model off) do not train it and never get it', () => {
    const rnd = mulberry32(13);
    // the same histograms for every case: here only the lids tell
    const hist = (): number[] => Array.from({ length: 240 }, (_, k) => (k % 6) / 40);
    const make = (n: number, closed: boolean, lids: boolean): TrainingCase[] =>
      Array.from({ length: n }, (_, i) => {
        const lid = closed ? 0.05 + 0.08 * rnd() : 0.2 + 0.15 * rnd();
        return {
          id: `${closed ? 'closed' : 'open'}${lids ? '' : '-nolids'}${i}`,
          source: closed ? 'synthetic' : 'real',
          clean: !closed,
          must: closed ? ['open-eyes'] : [],
          mustNot: closed ? [] : ['open-eyes'],
          appearance: { ...look(), eyeGradients: { left: hist(), right: hist() } },
          regions: regions(),
          qualityScaled: 0.7,
          embedding: SAME_EMBEDDING,
          ...(lids ? { eyelids: { left: lid, right: lid * (0.9 + 0.2 * rnd()) } } : {}),
        };
      });
    const fit = [...make(20, true, true), ...make(5, true, false), ...make(40, false, true), ...make(10, false, false)];
    const cal = [...make(20, true, true), ...make(4, true, false), ...make(50, false, true)];
    const { detectors, figures } = fitDetectors(fit, cal);
    const probe = detectors.find((d) => d.id === 'open-eyes')!;
    expect(probe.mode).toBe('add');
    expect(probe.weights.every(Number.isFinite)).toBe(true);
    const reads = DETECTOR_FEATURES.filter(DETECTOR_FEATURE_SETS['open-eyes']!);
    expect(reads.filter((f) => f.startsWith('log lid opening'))).toHaveLength(4);
    expect(reads.filter((f) => f.startsWith('eye gradients'))).toHaveLength(480);
    expect(reads.filter(isEmbeddingFeature)).toHaveLength(EMBEDDING_SIZE);
    expect(reads).toHaveLength(4 + 480 + EMBEDDING_SIZE);
    expect(DETECTOR_FEATURES.filter((f, j) => probe.weights[j] !== 0 && f.startsWith('log lid opening'))).toHaveLength(4);
    const f = figures.find((x) => x.id === 'open-eyes')!;
    expect(f.fit).toEqual({ positivesReal: 0, positivesSynthetic: 20, negatives: 40 });
    // the 4 closed cases without lids count against its recall: it cannot read them
    expect(f.calibrate.recallSynthetic.n).toBe(24);
    expect(f.calibrate.recallSynthetic.k).toBeLessThanOrEqual(20);
    expect(f.calibrate.recallSynthetic.k).toBe(20);
    // and no other probe reads what only the closed-eye probe is given
    for (const d of detectors.filter((x) => x.id !== 'open-eyes')) expect(DETECTOR_FEATURES.filter((n, j) => d.weights[j] !== 0 && isEyeFeature(n))).toEqual([]);
  });

  it('mirrored faces and drawings of seeds 2-3 train the probes DETECTOR_TRAINING names, and no other', () => {
    const rnd = mulberry32(11);
    const make = (n: number, must: GuidanceId | null, extra: Partial<TrainingCase> = {}): TrainingCase[] =>
      Array.from({ length: n }, (_, i) => ({
        id: `c${i}`,
        source: must ? 'synthetic' : 'real',
        clean: !must,
        must: must ? [must] : [],
        mustNot: must ? [] : ['remove-sunglasses', 'uncover-left-cheek'],
        appearance: look({ leftEye: [0.5 + 0.5 * rnd(), 0.6], leftCheek: [0.5 + 0.5 * rnd(), 0.6] }),
        regions: regions(),
        qualityScaled: 0.6 + 0.2 * rnd(),
        embedding: SAME_EMBEDDING,
        ...extra,
      }));
    const fit = [
      ...make(5, 'remove-sunglasses'), ...make(5, 'remove-sunglasses', { seed: 2 }),
      ...make(5, 'uncover-left-cheek'), ...make(5, 'uncover-left-cheek', { seed: 3 }),
      ...make(10, null), ...make(10, null, { mirrored: true }),
    ];
    const cal = [...make(5, 'remove-sunglasses'), ...make(5, 'uncover-left-cheek'), ...make(20, null)];
    const { figures } = fitDetectors(fit, cal);
    const fitOf = (id: GuidanceId) => figures.find((f) => f.id === id)!.fit;
    expect(DETECTOR_TRAINING['remove-sunglasses']).toEqual({ mirrored: true, seeds: 3 });
    expect(DETECTOR_TRAINING['uncover-left-cheek']).toBeUndefined();
    expect(fitOf('remove-sunglasses')).toEqual({ positivesReal: 0, positivesSynthetic: 10, negatives: 20 });
    expect(fitOf('uncover-left-cheek')).toEqual({ positivesReal: 0, positivesSynthetic: 5, negatives: 10 });
  });
});
