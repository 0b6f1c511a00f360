/**
 * The UI's plain logic in Node: the store, the operator's "measurements that mattered", and a
 * compile-time check that the browser's protocol types match the server's events.
 */
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Store } from '../ui/src/store/store.js';
import { AuthApi, createAuthStore } from '../ui/src/store/auth-store.js';
import { guidanceIds, humanise, reportHighlights } from '../ui/src/store/report-highlights.js';
import type * as Ui from '../ui/src/protocol.js';
import type * as Server from '../server/kiosk/pipeline/kiosk-events.js';
import type { CameraStatus } from '../server/kiosk/camera/frame.js';
import type { kioskCaptureEvent } from '../server/kiosk/http/sockets/kiosk-namespace.js';
import type { StoreHealth } from '../server/kiosk/capture/store-health.js';

/** Server payloads as the browser receives them: Buffers arrive as ArrayBuffers. */
type Browser<T> = { [K in keyof T]: T[K] extends Buffer ? ArrayBuffer : T[K] };
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// Fails to compile (npm test runs tsc) when the server's events and the UI's types drift apart.
const protocolInStep: [
  Equal<Browser<Server.FrameEvent>, Ui.FrameEvent>,
  Equal<Browser<Server.PlqEvent>, Ui.PlqEvent>,
  Equal<Server.GuidanceEvent, Ui.GuidanceEvent>,
  Equal<Server.StateEvent, Ui.StateEvent>,
  Equal<Server.CaptureEvent, Ui.CaptureEvent>,
  Equal<CameraStatus, Ui.CameraStatus>,
  Equal<ReturnType<typeof kioskCaptureEvent>, Ui.KioskCaptureEvent>,
  Equal<StoreHealth, Ui.StorageHealth>,
] = [true, true, true, true, true, true, true, true];

describe('UI store', () => {
  it('notifies only on real changes, with the previous state', () => {
    const store = new Store({ a: 1, b: 'x' });
    const seen: Array<[number, number]> = [];
    const off = store.subscribe((s, prev) => seen.push([s.a, prev.a]));
    store.update({ a: 1 });
    store.update({ a: 2 });
    store.update({ b: 'x' });
    off();
    store.update({ a: 3 });
    expect(seen).toEqual([[2, 1]]);
    expect(store.state).toEqual({ a: 3, b: 'x' });
    expect(protocolInStep.every(Boolean)).toBe(true);
  });
});

describe('operator login state (AuthApi)', () => {
  it('a logout says "Logged out", even when the ended session\'s socket refusal comes while it is under way', async () => {
    // a loopback server with the session routes' shape that holds session checks until released, in arrival order
    let loggedIn = true;
    let hold = false;
    const held: Array<() => void> = [];
    const server = createServer((req, res) => {
      const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/api/session') {
        // answered with the state at release time
        const answer = () => json({ operatorsConfigured: true, user: loggedIn ? 'ops' : null, csrfToken: loggedIn ? 't' : null });
        return hold ? void held.push(answer) : answer();
      }
      if (req.url === '/api/logout') {
        loggedIn = false;
        return json({ ok: true });
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
    };
    try {
      const store = createAuthStore();
      const api = new AuthApi(store, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      await api.check();
      expect(store.state.status).toBe('authenticated');
      hold = true;
      const logout = api.logout();
      await until(() => held.length === 1); // the logout's own session check waits
      // the server has ended the session; the /operator socket is refused and reports it
      const ended = api.sessionEnded();
      await new Promise((r) => setTimeout(r, 100));
      hold = false;
      for (const answer of held.splice(0)) answer();
      await Promise.all([logout, ended]);
      expect(store.state).toMatchObject({ status: 'anonymous', message: 'Logged out.' });
      // a session that ends by itself still says so
      loggedIn = true;
      await api.check();
      loggedIn = false;
      await api.sessionEnded();
      expect(store.state.message).toBe('Your session has ended: please log in again.');
    } finally {
      server.close();
    }
  });
});

describe('report highlights', () => {
  const report: Ui.CaptureReport = {
    qualityScaled: 0.64,
    plq: { regions: { forehead: 0.65, leftEye: 0.78, rightEye: 0.76, nose: 0.9, leftCheek: 0.25, rightCheek: 0.8, mouth: 0.7, chin: 0.6, face: 0.8 } },
    measurements: { yaw: 10.4, pitch: 5.1, roll: -2, luminance: 126, illuminationBalance: 0.05, interEyeDistance: 76.5, sharpness: 951 },
    iso: {
      passed: false,
      failed: ['HeadPoseYaw'],
      components: [
        { name: 'HeadPoseYaw', native: 10.41, unit: 'degrees', value: 50, assessed: true, pass: false },
        { name: 'InterEyeDistance', native: 76.53, unit: 'frame pixels', value: 60, assessed: true, pass: false },
        { name: 'Sharpness', native: 951, unit: '1', value: 90, assessed: true, pass: true },
        { name: 'Compression', native: null, unit: '', value: -1, assessed: false, pass: false },
      ],
    },
    guidance: [{ ts: 1, ids: ['look-straight'] }, { ts: 2, ids: ['uncover-left-cheek', 'look-straight'] }, { ts: 3, ids: [] }],
  };

  it('puts failed ISO components first, then the weakest PLQ regions, then pose and light', () => {
    const h = reportHighlights(report);
    expect(h.slice(0, 2).map((x) => [x.label, x.value, x.level])).toEqual([
      ['Head pose yaw', '10.4°', 'bad'],
      ['Inter eye distance', '76.5 px', 'bad'],
    ]);
    expect(h.some((x) => x.key === 'iso:Sharpness' || x.key === 'iso:Compression')).toBe(false);
    const cheek = h.find((x) => x.key === 'region:leftCheek');
    expect(cheek).toMatchObject({ value: '0.25', level: 'bad' });
    expect(h.find((x) => x.key === 'pose')?.value).toBe('10° / 5° / -2°');
    expect(guidanceIds(report)).toEqual(['uncover-left-cheek', 'look-straight']);
    expect(humanise('HeadPoseYaw')).toBe('Head pose yaw');
  });

  it('lists the waived messages with who waived them, before the failed components', () => {
    const h = reportHighlights({ ...report, waivers: [{ id: 'open-eyes', by: 'desk-1', at: 1 }] });
    expect(h[0]).toEqual({ key: 'waiver:open-eyes', label: 'Waived by desk-1', value: 'open-eyes', level: 'warn' });
    expect(h[1].key).toBe('iso:HeadPoseYaw');
  });

  it('copes with a sparse report', () => {
    expect(reportHighlights({ qualityScaled: 0.5 })).toEqual([]);
  });

  it('shows the presentation-attack scores: last when fine, first and bad when the session was flagged', () => {
    const pa = { enabled: true, minReal: 0.3, minLive: 0.5, antispoof: 0.62, liveness: 0.99, suspected: false };
    const fine = reportHighlights({ ...report, presentationAttack: pa });
    expect(fine.at(-1)).toMatchObject({ key: 'pad', value: '0.62 / 0.99', level: 'ok' });
    const flagged = reportHighlights({ ...report, presentationAttack: { ...pa, liveness: 0.2, suspected: true } });
    expect(flagged[0]).toMatchObject({ key: 'pad', value: '0.62 / 0.20', level: 'bad' });
    expect(reportHighlights({ ...report, presentationAttack: { ...pa, antispoof: null, liveness: null } }).some((h) => h.key === 'pad')).toBe(false);
  });
});
