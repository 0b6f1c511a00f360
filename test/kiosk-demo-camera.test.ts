/**
 * The demo camera (`camera.source` replay:samples, the kiosk's embedded default), end to end: the
 * real server on loopback replays the packaged people one after the other, each followed by a
 * moment of empty booth (DEMO_GAP_SECONDS), so each person gets a session of their own, as at a
 * real booth. Without the gap the next person replaced the last in the same place within one
 * frame: no track break, one session over every person, and after `assistanceAfterMs` the screen
 * asked each of them to call staff. A folder of your own (`replay:DIR`) gets that gap only when
 * `camera.gapSeconds` asks for it.
 */
import { describe, expect, it } from 'vitest';
import { startHarness } from './helpers/kiosk-harness.js';
import { HumanFaceDetector } from '../server/detect/human-detector.js';
import { ensureDemoFrames } from '../server/kiosk/camera/demo-frames.js';
import type { GuidanceEvent, StateEvent } from '../server/kiosk/pipeline/kiosk-events.js';

/** The kiosk with these config overrides watched for `ms`: its state events and every guidance id it showed. */
async function watch(overrides: Record<string, unknown>, ms: number): Promise<{ states: StateEvent[]; shown: Set<string> }> {
  const h = await startHarness({ overrides });
  try {
    const states: StateEvent[] = [];
    const shown = new Set<string>();
    h.client.on('state', (e: StateEvent) => states.push(e));
    h.client.on('guidance', (e: GuidanceEvent) => e.messages.forEach((m) => shown.add(m.id)));
    await new Promise((r) => setTimeout(r, ms));
    return { states, shown };
  } finally {
    await h.close();
  }
}

const newPeople = (states: StateEvent[]): number => states.filter((e) => e.detail === 'another person').length;

describe('kiosk server: the demo camera', () => {
  it('gives each packaged person a session of their own: another person every hold, never "ask for assistance"', async () => {
    const holdSeconds = 2;
    const assistanceAfterMs = 5000;
    // four times the time after which one session over everybody asked for staff
    const { states, shown } = await watch({ camera: { source: 'replay:samples', holdSeconds }, guidance: { assistanceAfterMs } }, 4 * assistanceAfterMs);
    expect(newPeople(states), JSON.stringify(states.slice(-12))).toBeGreaterThanOrEqual(4);
    expect(shown.size).toBeGreaterThan(0);
    expect([...shown]).not.toContain('ask-assistance');
  }, 120_000);

  it('a folder of different people of your own: a session each with camera.gapSeconds, one session over all of them without', async () => {
    const folder = await ensureDemoFrames(() => HumanFaceDetector.create({ maxFaces: 20 }));
    const userFolder = (gapSeconds: number | null) => watch({ camera: { source: `replay:${folder}`, holdSeconds: 2, gapSeconds } }, 16_000);
    expect(newPeople((await userFolder(0.3)).states)).toBeGreaterThanOrEqual(3);
    // the default for your own folder: no gap (it may be one person's frames)
    expect(newPeople((await userFolder(null)).states)).toBe(0);
  }, 120_000);
});
