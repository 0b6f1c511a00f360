/**
 * `plq evaluate guidance` on a small labelled subset of the validate fold: real photos of
 * ../shared/faces framed like a booth camera, synthetic occluders drawn from the face mesh, the
 * kiosk's own pipeline (tracker and PLQ workers, rules, hysteresis) with the default config. The
 * assertions are the per-message behaviour the full validate run supports (README, "Guidance
 * accuracy"); what the full run shows is not met is asserted as not met, so a change shows here.
 */
import path from 'node:path';
import os from 'node:os';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../server/tf/backend.js';
import { readLabels, type GuidanceLabel } from '../server/faceset/guidance-labels.js';
import { drawSynthetic, seedOf, SYNTHETIC_KINDS } from '../server/evaluation/synthetic-occluders.js';
import type { RgbImage } from '../server/detect/face-detector.js';
import { runGuidanceEvaluation, type GuidanceEvaluationRun } from '../server/cli/evaluate-guidance-command.js';
import { formatGuidanceEvaluation, ratio } from '../server/evaluation/guidance-evaluation.js';
import { BLOCKING_IDS, labelsCsv, LABELS_FILE } from '../server/faceset/guidance-labels.js';
import { plq } from './helpers/plq-cli.js';
import { boothFrameOf } from './helpers/booth-frames.js';
import { DEFAULT_THRESHOLDS } from '../server/kiosk/config/kiosk-config.js';
import type { Point } from '../server/align/similarity.js';

const PORTRAIT = 'images/mediapipe/mediapipe/framework/debug/testdata/sergey.png';

/** Mean absolute change per pixel inside a box [x0, y0, x1, y1). */
function change(a: RgbImage, b: RgbImage, box: [number, number, number, number]): number {
  let s = 0, n = 0;
  for (let y = Math.max(0, Math.floor(box[1])); y < Math.min(a.height, box[3]); y++) {
    for (let x = Math.max(0, Math.floor(box[0])); x < Math.min(a.width, box[2]); x++) {
      const o = (y * a.width + x) * 3;
      s += Math.abs(a.data[o] - b.data[o]) + Math.abs(a.data[o + 1] - b.data[o + 1]) + Math.abs(a.data[o + 2] - b.data[o + 2]);
      n++;
    }
  }
  return n ? s / (3 * n) : 0;
}

const around = (p: Point, r: number): [number, number, number, number] => [p[0] - r, p[1] - r, p[0] + r, p[1] + r];

describe('booth frames and synthetic occluders', () => {
  let frame: { image: RgbImage; mesh: Point[]; landmarks5: Point[]; othersCovered: number };
  let label: GuidanceLabel;

  beforeAll(async () => {
    label = (await readLabels()).find((l) => l.file === PORTRAIT && l.face === 0)!;
    await initBackend();
    frame = await boothFrameOf(PORTRAIT);
  });

  it('the portrait is a clean frontal validate face, framed 640x480 with 90-130 px between the eyes', () => {
    expect(label.fold).toBe('validate');
    expect(label.clean).toBe(true);
    expect([frame.image.width, frame.image.height]).toEqual([640, 480]);
    const [l, r] = frame.landmarks5;
    const ied = Math.hypot(r[0] - l[0], r[1] - l[1]);
    expect(ied).toBeGreaterThan(90);
    expect(ied).toBeLessThan(130);
    expect(frame.mesh.length).toBeGreaterThanOrEqual(468);
  });

  it('the same seed draws the same pixels; another seed another variant', () => {
    for (const kind of SYNTHETIC_KINDS) {
      const a = drawSynthetic(frame.image, frame.mesh, kind, seedOf(`x/${kind}`));
      const b = drawSynthetic(frame.image, frame.mesh, kind, seedOf(`x/${kind}`));
      expect(Buffer.compare(Buffer.from(a.image.data), Buffer.from(b.image.data)), kind).toBe(0);
      const variants = new Set(Array.from({ length: 8 }, (_, i) => drawSynthetic(frame.image, frame.mesh, kind, i + 1).variant));
      expect(variants.size, kind).toBeGreaterThan(4);
    }
    // the source frame is never drawn on
    const before = Buffer.from(frame.image.data);
    drawSynthetic(frame.image, frame.mesh, 'mask', 3);
    expect(Buffer.compare(before, Buffer.from(frame.image.data))).toBe(0);
  });

  it('each occluder covers its own part of the face and leaves the rest', () => {
    const [imgLeftEye, imgRightEye, , mouthL, mouthR] = frame.landmarks5;
    const ied = Math.hypot(imgRightEye[0] - imgLeftEye[0], imgRightEye[1] - imgLeftEye[1]);
    const mouth: Point = [(mouthL[0] + mouthR[0]) / 2, (mouthL[1] + mouthR[1]) / 2];
    const forehead = frame.mesh[10]; // top of the forehead: every cap depth covers it
    const r = ied * 0.15;
    for (let seed = 1; seed <= 5; seed++) {
      const sun = drawSynthetic(frame.image, frame.mesh, 'sunglasses', seed);
      expect(change(frame.image, sun.image, around(imgLeftEye, r))).toBeGreaterThan(30);
      expect(change(frame.image, sun.image, around(imgRightEye, r))).toBeGreaterThan(30);
      expect(change(frame.image, sun.image, around(mouth, r))).toBe(0);
      expect(sun.must).toEqual(['remove-sunglasses']);
      // eyeglasses: a frame around the eyes, the eyes themselves seen through clear lenses
      const glasses = drawSynthetic(frame.image, frame.mesh, 'glasses', seed);
      const bridge: Point = [(imgLeftEye[0] + imgRightEye[0]) / 2, (imgLeftEye[1] + imgRightEye[1]) / 2];
      expect(change(frame.image, glasses.image, around(bridge, ied * 0.3)), glasses.variant).toBeGreaterThan(0);
      expect(change(frame.image, glasses.image, around(imgLeftEye, r * 0.5)), glasses.variant).toBeLessThan(30);
      expect(change(frame.image, glasses.image, around(mouth, r))).toBe(0);
      expect(glasses.must).toEqual(['remove-glasses']);
      const mask = drawSynthetic(frame.image, frame.mesh, 'mask', seed);
      expect(change(frame.image, mask.image, around(mouth, r))).toBeGreaterThan(20);
      expect(change(frame.image, mask.image, around(imgLeftEye, r))).toBe(0);
      expect(mask.must).toEqual(['uncover-mouth']);
      const cap = drawSynthetic(frame.image, frame.mesh, 'cap', seed);
      expect(change(frame.image, cap.image, around(forehead, r * 0.5))).toBeGreaterThan(10);
      expect(change(frame.image, cap.image, around(mouth, r))).toBe(0);
      expect(cap.must).toEqual(['remove-headgear']);
      // closed eyes: a lid over each eye's opening, nothing else touched
      const shut = drawSynthetic(frame.image, frame.mesh, 'closed-eyes', seed);
      expect(change(frame.image, shut.image, around(imgLeftEye, r * 0.5)), shut.variant).toBeGreaterThan(10);
      expect(change(frame.image, shut.image, around(imgRightEye, r * 0.5)), shut.variant).toBeGreaterThan(10);
      expect(change(frame.image, shut.image, around(mouth, r))).toBe(0);
      expect(change(frame.image, shut.image, around(forehead, r))).toBe(0);
      expect(shut.must).toEqual(['open-eyes']);
      const hand = drawSynthetic(frame.image, frame.mesh, 'hand', seed);
      expect(hand.must[0]).toMatch(/^uncover-/);
      expect(hand.variant.startsWith(hand.must[0].replace('uncover-', ''))).toBe(true);
    }
  });
});

/**
 * The subset: clean frontal faces (the false alarms the full run keeps at or below 5 %), real faces
 * whose message the full run gives (eyes closed, sunglasses, a mask, a strong turn, eyeglasses), and
 * the six synthetic cases on one clean face. Ids as in models/guidance-labels.csv.
 */
const K = 'images/face-recognition-krasserm/images/';
const J = 'images/Face-Recognition-with-Mask-Jetson-Nano/img/';
const CLEAN = [PORTRAIT, 'images/Deep3DFaceReconstruction/input/vd025.png', 'images/InsightFace_Pytorch/mtcnn_pytorch/images/jf.jpg', `${K}George_W_Bush/George_W_Bush_0001.jpg`];
/**
 * Her eyes are nearly shut. The plain mesh's eye aspect stays inside the guidance margin (below
 * ICAO's 0.18, above the 0.14 at which it says open-eyes); the attention mesh's lids measure both eyes below minLidOpen.
 */
const HALF_SHUT = `${J}Helen Mirren.jpg`;
const REAL: Array<[string, number, string]> = [
  [`${J}Felicity Jones.jpg`, 0, 'open-eyes'],
  [`${K}Arnold_Schwarzenegger/Arnold_Schwarzenegger_0008.jpg`, 0, 'remove-sunglasses'],
  ['images/FaceX-Zoo/face_sdk/api_usage/test_images/test4_mask.jpg', 1, 'uncover-mouth'],
  ['images/PRNet/TestImages/1.jpg', 0, 'look-straight'],
  // the first single-person validate photo with eyeglasses in the label file (as in the kiosk's end-to-end test)
  ['images/3DDFA_V2/examples/inputs/JianzhuGuo.jpg', 0, 'remove-glasses'],
];
/**
 * Messages whose false alarms on clean frontal faces the full validate run keeps at or below 5 %.
 * Not `remove-glasses` (9 %, README); none of the four clean faces here gets it in the full run.
 */
const QUIET_ON_CLEAN = ['no-face', 'multiple-faces', 'step-back', 'remove-sunglasses', 'remove-headgear', 'uncover-left-eye', 'uncover-right-eye', 'uncover-left-cheek', 'uncover-right-cheek', 'too-dark', 'too-bright'];

describe('plq evaluate guidance on a labelled subset of the validate fold (real photos, real models, the kiosk pipeline)', () => {
  let run: GuidanceEvaluationRun;
  const byId = (id: string) => run.results.find((r) => r.id === id)!;

  beforeAll(async () => {
    const wanted = new Set([...CLEAN.map((f) => `${f}#0`), ...REAL.map(([f, k]) => `${f}#${k}`), `${HALF_SHUT}#0`]);
    run = await runGuidanceEvaluation({
      fold: 'validate',
      backend: 'wasm',
      filter: (l) => wanted.has(`${l.file}#${l.face}`),
      syntheticOn: (l) => l.file === PORTRAIT,
    });
  }, 600_000);

  it('runs every chosen face, the shipped detectors loaded, the config plq serve uses', () => {
    expect(run.missing).toEqual([]);
    expect(run.results.filter((r) => r.source === 'real')).toHaveLength(CLEAN.length + REAL.length + 1);
    expect(run.results.filter((r) => r.source === 'synthetic')).toHaveLength(SYNTHETIC_KINDS.length);
    expect(run.detectors?.detectors.length).toBeGreaterThan(0);
    expect(run.config.guidance.showAfterMs).toBe(400);
    for (const r of run.results) {
      expect(r.fold).toBe('validate');
      expect(r.run.withFace, r.id).toBeGreaterThan(0);
      expect(r.run.plqResults, r.id).toBeGreaterThan(0);
    }
  });

  it('clean frontal faces get none of the messages whose false alarms the full run keeps at or below 5 %', () => {
    for (const f of CLEAN) {
      const r = byId(`${f}#0`);
      expect(r.clean).toBe(true);
      expect(r.run.emitted.filter((id) => QUIET_ON_CLEAN.includes(id)), r.id).toEqual([]);
      expect(r.run.emitted, r.id).not.toContain('remove-glasses');
    }
    for (const id of QUIET_ON_CLEAN) {
      const s = run.evaluation.stats.find((x) => x.id === id);
      if (s?.falseAlarm.n) expect(ratio(s.falseAlarm), id).toBe(0);
    }
  });

  it('real faces get their message: eyes closed -> open-eyes, sunglasses, a mask, a strong turn, eyeglasses', () => {
    for (const [file, face, id] of REAL) {
      const r = byId(`${file}#${face}`);
      expect(r.must, r.id).toContain(id);
      expect(r.run.emitted, r.id).toContain(id);
    }
  });

  it('eyes nearly shut where the plain mesh measures them inside its margin: the eyelid model tells open-eyes, no capture', () => {
    const r = byId(`${HALF_SHUT}#0`);
    expect(r.must).toContain('open-eyes');
    expect(r.run.emitted).toContain('open-eyes');
    expect(r.run.captured).toBe(false);
    const m = r.run.measurements!;
    const ear = Math.min(m.leftEyeOpen, m.rightEyeOpen);
    expect(ear).toBeLessThan(0.18);
    expect(ear).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.minEyeOpen);
    expect(Math.max(m.eyelids!.left, m.eyelids!.right)).toBeLessThan(DEFAULT_THRESHOLDS.minLidOpen);
  });

  it('synthetic sunglasses, eyeglasses, mask, cap, hand and closed eyes on a clean face each get their message, and no other occlusion message is wrong', () => {
    for (const kind of SYNTHETIC_KINDS) {
      const r = byId(`${PORTRAIT}#0/${kind}`);
      expect(r.source).toBe('synthetic');
      expect(r.run.emitted, `${kind}: ${r.variant}`).toContain(r.must[0]);
      const wrong = r.run.emitted.filter((id) => r.mustNot.includes(id) && QUIET_ON_CLEAN.includes(id));
      expect(wrong, kind).toEqual([]);
    }
  });

  it('the per-message table: recall, precision, false alarms, support and the confusion rows', () => {
    const s = (id: string) => run.evaluation.stats.find((x) => x.id === id)!;
    expect(s('open-eyes').recall).toEqual({ k: 3, n: 3 }); // Felicity Jones, Helen Mirren, the drawn closed eyes
    expect(s('remove-sunglasses').recall).toEqual({ k: 2, n: 2 }); // one real, one synthetic
    expect(s('uncover-mouth').recallReal).toEqual({ k: 1, n: 1 });
    expect(s('remove-headgear').recallSynthetic).toEqual({ k: 1, n: 1 });
    const text = formatGuidanceEvaluation(run.evaluation, 'subset');
    expect(text).toMatch(/\| remove-sunglasses \| >= 0.9 \|/);
    expect(text).toMatch(/\| real clean frontal \| 4 \|/);
    expect(text).toMatch(/\| synthetic mask \| 1 \|/);
    expect(BLOCKING_IDS).not.toContain('hold-still');
  });
});

describe('the command line', () => {
  it('plq evaluate guidance --set FILE --synthetic none --json prints the figures as JSON; unknown occluders are refused', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plq-guidance-'));
    const one = (await readLabels()).filter((l) => l.file === 'images/Deep3DFaceReconstruction/input/vd025.png');
    const set = path.join(dir, 'labels.csv');
    await writeFile(set, labelsCsv(one));
    const r = await plq(['evaluate', 'guidance', '--set', set, '--synthetic', 'none', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { fold: string; cases: Array<{ id: string; emitted: string[]; clean: boolean }>; evaluation: { cases: { real: number } } };
    expect(json.fold).toBe('validate');
    expect(json.evaluation.cases.real).toBe(1);
    expect(json.cases[0].id).toBe('images/Deep3DFaceReconstruction/input/vd025.png#0');
    expect(json.cases[0].clean).toBe(true);
    const bad = await plq(['evaluate', 'guidance', '--set', set, '--synthetic', 'scarf']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown synthetic occluder "scarf"/);
    expect(await readFile(LABELS_FILE, 'utf8')).toContain('vd025.png');
  }, 300_000);

  it('training cases: --mirror adds each real face mirrored (left and right swapped), --extra-seeds more drawn occluders; plq fit-detectors merges runs as a+b.json, a case once', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plq-guidance-'));
    const labels = await readLabels();
    const firstClean = (fold: string) => labels.find((l) => l.fold === fold && l.clean && l.face === 0)!;
    const [fitFace, calFace] = [firstClean('fit'), firstClean('calibrate')];
    await writeFile(path.join(dir, 'fit.csv'), labelsCsv([fitFace]));
    await writeFile(path.join(dir, 'cal.csv'), labelsCsv([calFace]));
    const [fit, cal] = [path.join(dir, 'fit.json'), path.join(dir, 'cal.json')];
    const f = await plq(['evaluate', 'guidance', '--fold', 'fit', '--set', path.join(dir, 'fit.csv'), '--synthetic', 'sunglasses', '--mirror', '--extra-seeds', '2,3', '--rules-only', '--json', fit]);
    expect(f.code, f.stderr).toBe(0);
    const c = await plq(['evaluate', 'guidance', '--fold', 'calibrate', '--set', path.join(dir, 'cal.csv'), '--synthetic', 'none', '--rules-only', '--json', cal]);
    expect(c.code, c.stderr).toBe(0);
    const json = JSON.parse(await readFile(fit, 'utf8')) as { mirror: boolean; extraSeeds: number[]; cases: Array<{ id: string; source: string; mustNot: string[] }> };
    const id = `${fitFace.file}#0`;
    expect(json.cases.map((x) => x.id)).toEqual([id, `${id}/mirrored`, `${id}/sunglasses`, `${id}/sunglasses/seed-2`, `${id}/sunglasses/seed-3`]);
    expect([json.mirror, json.extraSeeds]).toEqual([true, [2, 3]]);
    const [bare, mirrored] = json.cases;
    expect(mirrored.source).toBe('real');
    // a clean face: every blocking message is a must-not, left and right alike, so the mirror keeps the set
    expect([...mirrored.mustNot].sort()).toEqual([...bare.mustNot].sort());
    // the same run given twice counts once: 3 drawn sunglasses against the 2 real faces' must-nots
    const d = await plq(['fit-detectors', '--cases', `${fit}+${fit},${cal}`, '--dry-run']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toMatch(/training on 5 fit cases/);
    expect(d.stdout).toMatch(/\| remove-sunglasses \| replace \| 0 \+ 3 \/ 2 \|/);
    // a run that measured the frame edges on the FR model's own crop (before the 3x crop) is refused
    const old = JSON.parse(await readFile(fit, 'utf8')) as { cases: Array<{ measurements: { appearance: { edgesScale?: number } } | null }> };
    for (const x of old.cases) delete x.measurements?.appearance.edgesScale;
    const oldFit = path.join(dir, 'old-fit.json');
    await writeFile(oldFit, JSON.stringify(old));
    const r = await plq(['fit-detectors', '--cases', `${oldFit},${cal}`, '--dry-run']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/frame edges measured on another crop/);
    // and one recorded before the closed-eye probe's gradient histograms (4 decimals, both eyes)
    const measured = JSON.parse(await readFile(fit, 'utf8')) as { cases: Array<{ measurements: { appearance: { eyeGradients?: { left: number[]; right: number[] } } } | null }> };
    const g = measured.cases[0].measurements!.appearance.eyeGradients!;
    expect([g.left.length, g.right.length]).toEqual([240, 240]);
    expect(g.left.every((v) => Math.round(v * 1e4) / 1e4 === v)).toBe(true);
    for (const x of measured.cases) delete x.measurements?.appearance.eyeGradients;
    await writeFile(oldFit, JSON.stringify(measured));
    const r2 = await plq(['fit-detectors', '--cases', `${oldFit},${cal}`, '--dry-run']);
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toMatch(/without the eyes' gradient histograms/);
  }, 300_000);
});
