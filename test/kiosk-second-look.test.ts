/**
 * The kiosk end to end (a real server on loopback, the replay camera, the real workers and models):
 * a person whose mask hides enough of the face that the tracker's detector finds nothing in the
 * whole frame is found by the second look (tracking.secondLookMs) and told to uncover the mouth.
 * The face: a validate-fold photo (no fit and no threshold saw it) with a drawn mask, the case
 * `plq evaluate guidance` counts as `no-face` without the second look.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../server/tf/backend.js';
import type { RgbImage } from '../server/detect/face-detector.js';
import { HumanFaceDetector } from '../server/detect/human-detector.js';
import { DEFAULT_CONFIG } from '../server/kiosk/config/kiosk-config.js';
import type { GuidanceEvent, PlqEvent } from '../server/kiosk/pipeline/kiosk-events.js';
import { drawSynthetic, evaluationSeed } from '../server/evaluation/synthetic-occluders.js';
import { readLabels, LABELS_FILE } from '../server/faceset/guidance-labels.js';
import { boothFrameOf } from './helpers/booth-frames.js';
import { startHarness, waitFor, writeFrames } from './helpers/kiosk-harness.js';

const FACE = 'images/face-recognition-krasserm/images/Ariel_Sharon/Ariel_Sharon_0005.jpg';
let masked: RgbImage;

beforeAll(async () => {
  await initBackend();
  expect((await readLabels(LABELS_FILE)).find((l) => l.file === FACE)).toMatchObject({ fold: 'validate', clean: true });
  const frame = await boothFrameOf(FACE);
  masked = drawSynthetic(frame.image, frame.mesh, 'mask', evaluationSeed(FACE, 0, 'mask')).image;
  const t = DEFAULT_CONFIG.tracking;
  const plain = await HumanFaceDetector.create({ maxFaces: t.maxFaces, minConfidence: t.minBoxConfidence, minMeshConfidence: t.minMeshConfidence, iris: t.iris });
  expect(await plain.detect(masked), 'the whole frame shows no face').toHaveLength(0);
}, 120_000);

async function heldInFront(overrides: Record<string, unknown>, watchMs: number): Promise<{ said: Set<string>; maps: number }> {
  const { showAfterMs, hideAfterMs } = DEFAULT_CONFIG.guidance;
  const h = await startHarness({ replayDir: await writeFrames([masked]), overrides: { ...overrides, guidance: { showAfterMs, hideAfterMs } } });
  const said = new Set<string>();
  let maps = 0;
  h.client.on('guidance', (e: GuidanceEvent) => e.messages.forEach((m) => said.add(m.id)));
  h.client.on('plq', (_: PlqEvent) => maps++);
  try {
    h.operator.emit('reset');
    await waitFor<GuidanceEvent>(h.client, 'guidance', (e) => e.messages.some((m) => m.id === 'uncover-mouth'), watchMs).catch(() => undefined);
    return { said, maps };
  } finally {
    await h.close();
  }
}

describe('kiosk server: the second look for a masked face the whole frame does not show', () => {
  it('is told uncover-mouth, and its face is assessed', async () => {
    const r = await heldInFront({}, 60_000);
    expect([...r.said]).toContain('uncover-mouth');
    expect(r.maps).toBeGreaterThan(0);
  });

  it('with tracking.secondLookMs 0 the same person is never told it: no face is tracked', async () => {
    const r = await heldInFront({ tracking: { secondLookMs: 0 } }, 8_000);
    expect([...r.said]).not.toContain('uncover-mouth');
    expect(r.maps).toBe(0);
  });
});
