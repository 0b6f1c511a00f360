/**
 * Operator waivers end to end: the real kiosk server on loopback, the replay camera holding a real
 * person no fit and no threshold saw (validate fold: Helen Mirren, whose half-shut eyes the kiosk
 * tells to open and never captures). Staff look, rule her eyes open and waive `open-eyes`; the
 * kiosk stops saying it, captures her, and the report and the audit log say who waived what.
 * The waiver ends with the session.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../server/tf/backend.js';
import type { RgbImage } from '../server/detect/face-detector.js';
import { portraitFrame } from '../server/kiosk/camera/face-frame.js';
import type { CaptureEvent, GuidanceEvent, WaiversEvent } from '../server/kiosk/pipeline/kiosk-events.js';
import { DEFAULT_CONFIG } from '../server/kiosk/config/kiosk-config.js';
import { detector } from './helpers/real-faces.js';
import { OPERATOR, startHarness, waitFor, writeFrames } from './helpers/kiosk-harness.js';
import { foldOf, unseenPhoto } from './helpers/unseen-faces.js';

const HALF_SHUT = 'images/Face-Recognition-with-Mask-Jetson-Nano/img/Helen Mirren.jpg';
let halfShut: RgbImage;

beforeAll(async () => {
  await initBackend();
  expect(await foldOf(HALF_SHUT)).toBe('validate');
  const eyes = await unseenPhoto(HALF_SHUT);
  halfShut = portraitFrame(eyes, (await (await detector()).detect(eyes))[0]!);
});

const tells = (id: string) => (e: GuidanceEvent) => e.messages.some((m) => m.id === id);

describe('kiosk server: an operator waives a message for the person in front of the kiosk', () => {
  it('open-eyes waived: no longer said, the person is captured, the report and the audit log name the operator; the next session waits again', async () => {
    const { showAfterMs, hideAfterMs } = DEFAULT_CONFIG.guidance;
    const h = await startHarness({ replayDir: await writeFrames([halfShut]), overrides: { guidance: { showAfterMs, hideAfterMs } } });
    const captures: CaptureEvent[] = [];
    h.client.on('capture', (e: CaptureEvent) => captures.push(e));
    try {
      h.operator.emit('reset');
      await waitFor<GuidanceEvent>(h.client, 'guidance', tells('open-eyes'), 60_000);
      // told, and held: a few PLQ results later still no capture
      await waitFor(h.client, 'plq', () => true, 30_000);
      await new Promise((r) => setTimeout(r, 1500));
      expect(captures).toEqual([]);

      const waived = waitFor<WaiversEvent>(h.operator, 'waivers', (e) => e.waivers.length === 1, 10_000);
      const untold = waitFor<GuidanceEvent>(h.client, 'guidance', (e) => !tells('open-eyes')(e), 10_000);
      h.operator.emit('operator:waive', { id: 'open-eyes' });
      const w = (await waived).waivers[0];
      expect([w.id, w.by]).toEqual(['open-eyes', OPERATOR.name]);
      await untold;
      const capture = await waitFor<CaptureEvent>(h.operator, 'capture', () => true, 60_000);
      expect(capture.trigger).toBe('auto');
      expect(capture.failedChecks).toEqual([]);

      const report = (await (await h.fetch(`/api/captures/${capture.id}`)).json()) as {
        waivers: Array<{ id: string; by: string; at: number }>;
        iso: { advisory: string[]; failed: string[] };
        guidance: Array<{ ids: string[] }>;
      };
      expect(report.waivers).toEqual([{ id: 'open-eyes', by: OPERATOR.name, at: w.at }]);
      // the eye check that agreed with the message is advisory for this session, and said so
      expect(report.iso.advisory).toContain('EyesOpen');
      expect(report.guidance.some((g) => g.ids.includes('open-eyes'))).toBe(true);

      const audit = (await readFile(h.server.auditFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(audit.filter((a) => a.action === 'waive')).toEqual([expect.objectContaining({ user: OPERATOR.name, role: 'operator', ok: true, detail: 'open-eyes' })]);

      // a new session (the next person) starts without the waiver: her eyes keep the capture waiting again
      const cleared = waitFor<WaiversEvent>(h.operator, 'waivers', (e) => e.waivers.length === 0, 10_000);
      h.operator.emit('reset');
      await cleared;
      expect(h.server.pipeline.waivers).toEqual([]);
      let maps = 0;
      h.client.on('plq', () => maps++);
      await waitFor(h.client, 'plq', () => maps > DEFAULT_CONFIG.capture.successive + 2, 60_000);
      expect(captures.map((c) => c.id)).toEqual([capture.id]);
    } finally {
      await h.close();
    }
  }, 240_000);

  it('refuses what the profile does not let an operator waive, and a malformed request; the kiosk screen cannot waive', async () => {
    const h = await startHarness({ replayDir: await writeFrames([halfShut]), overrides: { guidance: { waivable: ['remove-glasses'] } } });
    try {
      const refused = waitFor<{ message: string }>(h.operator, 'error', (e) => /"open-eyes" cannot be waived \(guidance.waivable: remove-glasses\)/.test(e.message), 10_000);
      h.operator.emit('operator:waive', { id: 'open-eyes' });
      await refused;
      const malformed = waitFor<{ message: string }>(h.operator, 'error', (e) => /operator:waive takes/.test(e.message), 10_000);
      h.operator.emit('operator:waive', 'open-eyes');
      await malformed;
      h.client.emit('operator:waive', { id: 'remove-glasses' });
      await new Promise((r) => setTimeout(r, 500));
      expect(h.server.pipeline.waivers).toEqual([]);
      const audit = (await readFile(h.server.auditFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(audit.filter((a) => a.action === 'waive')).toEqual([expect.objectContaining({ ok: false, detail: 'open-eyes' })]);
    } finally {
      await h.close();
    }
  }, 120_000);
});
