/**
 * With the face detector on every Nth frame (`tracking.detectorEveryFrames`), the kiosk's guidance
 * and PLQ read only the frames it ran on, and follow the face on the frames between. A face held
 * still then gets the same messages, measurements and Q^ as with the detector on every frame:
 * through the kiosk's own pipeline (`plq evaluate guidance`'s runner), real photos, real models.
 *
 * The faces are two calibrate faces on which the first way of skipping changed the messages: a
 * drawn mask whose mesh, tracked from the previous mesh's box, lost the face on the frames between
 * (it then said nothing), and a drawn hand whose tracked box lies off the detector's, so that the
 * motion measured from one kind of frame to the other read as `hold-still`.
 */
import path from 'node:path';
import os from 'node:os';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { runGuidanceEvaluation } from '../server/cli/evaluate-guidance-command.js';
import type { CaseResult } from '../server/evaluation/guidance-evaluation.js';

const MASK_LOST = 'images/CompreFace/load-tests/docker/tests/detect/faces/FACE_1.jpg';
const HAND_MOVED = 'images/Deep3DFaceReconstruction/input/015316.jpg';
const EVERY = 5;

let everyFrame: CaseResult[];
let skipping: CaseResult[];

/** The labelled faces held in front of the kiosk with the face detector on every `every`th frame (0: every frame). */
async function run(dir: string, every: number): Promise<CaseResult[]> {
  const config = path.join(dir, `every-${every}.json`);
  await writeFile(config, JSON.stringify({ tracking: { detectorEveryFrames: every } }));
  const r = await runGuidanceEvaluation({
    fold: 'calibrate',
    backend: 'wasm',
    filter: (l) => (l.file === MASK_LOST || l.file === HAND_MOVED) && l.face === 0,
    synthetic: ['mask', 'hand'],
    config,
  });
  return r.results;
}

beforeAll(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plq-skip-'));
  everyFrame = await run(dir, 0);
  skipping = await run(dir, EVERY);
}, 600_000);

const byId = (results: CaseResult[], id: string): CaseResult => results.find((r) => r.id === id)!;

describe('the face detector on every 5th frame, in the kiosk pipeline', () => {
  it('runs the detector on about every 5th frame with a face, and on every frame with detectorEveryFrames 0', () => {
    expect(skipping.map((r) => r.id).sort()).toEqual(everyFrame.map((r) => r.id).sort());
    expect(skipping).toHaveLength(6);
    for (const r of everyFrame) expect(r.run.detectorFrames, r.id).toBe(r.run.withFace);
    const bare = [MASK_LOST, HAND_MOVED].map((f) => byId(skipping, `${f}#0`).run);
    for (const r of bare) {
      expect(r.withFace).toBeGreaterThanOrEqual(2 * EVERY);
      expect(r.detectorFrames).toBeLessThanOrEqual(Math.ceil(r.withFace / EVERY) + 1);
    }
  });

  it('the drawn mask and hand are found on every frame, as with the detector on every frame', () => {
    for (const r of skipping) expect(r.run.withFace, r.id).toBe(r.run.tracked);
  });

  it('says the same to each face, and measures it and its quality the same', () => {
    for (const r of everyFrame) {
      const s = byId(skipping, r.id);
      expect([...s.run.emitted].sort(), r.id).toEqual([...r.run.emitted].sort());
      expect(s.run.final, r.id).toEqual(r.run.final);
      expect(s.run.measurements, r.id).toEqual(r.run.measurements);
      expect(s.run.plq?.qualityScaled, r.id).toBe(r.run.plq?.qualityScaled);
    }
    // the cases the test is for: the mask is told to uncover the mouth, the hand is not told to hold still
    expect(byId(skipping, `${MASK_LOST}#0/mask`).run.emitted).toContain('uncover-mouth');
    expect(byId(skipping, `${HAND_MOVED}#0/hand`).run.emitted).not.toContain('hold-still');
  });
});
