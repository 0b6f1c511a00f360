/**
 * Server fuzzing on a real kiosk server on loopback (real models, one server for the file):
 * malformed uploads to POST /api/assess get a 4xx with a reason, never a 5xx; wrong payloads to
 * the /kiosk Socket.IO events never crash it; /healthz answers afterwards.
 *
 * Most uploads fail at decoding (cheap); the few that decode (valid-but-odd seeds, a sample of
 * damaged files, malformed ones that still decode) reach the face models.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NEVER, of } from 'rxjs';
import { io, type Socket } from 'socket.io-client';
import type { CameraSource } from '../server/kiosk/camera/frame.js';
import { LANGUAGES } from '../server/kiosk/guidance/guidance-ids.js';
import { startHarness, type Harness } from './helpers/kiosk-harness.js';
import { damagedInput, seedImages, malformedInput, type FuzzInput, type Seed } from './helpers/fuzz-images.js';
import { fuzzRuns, fuzzSeed } from './helpers/fuzz.js';

const RUNS = fuzzRuns();
/** Headers every fuzz request carries: the harness operator's session (/api/assess is an operator route). */
const AUTH: Record<string, string> = {};

/** No frames: the pipeline idles, so the models' time goes to the uploads. */
const silentCamera: CameraSource = { description: 'silent (fuzz test)', frames: () => NEVER, status: () => of({ state: 'streaming' as const }) };

let h: Harness;
let seeds: Seed[];
let odd: Seed[];

beforeAll(async () => {
  ({ seeds, odd } = await seedImages());
  // the per-client event and upload rate limits are raised so that the fuzzed payloads reach the handlers
  h = await startHarness({ camera: silentCamera, overrides: { server: { clientEventsPerSecond: 1000 }, assess: { perMinute: 100_000 } } });
  Object.assign(AUTH, { cookie: h.session.cookie, 'x-csrf-token': h.session.csrfToken });
});
afterAll(async () => h?.close());

interface Upload extends FuzzInput {
  contentType?: string;
  query?: string;
}

interface Answer {
  status: number;
  body: unknown;
}

async function post(u: Upload): Promise<Answer> {
  const res = await fetch(`${h.server.url}/api/assess${u.query ?? ''}`, {
    method: 'POST',
    headers: { ...AUTH, ...(u.contentType !== undefined ? { 'content-type': u.contentType } : {}) },
    body: new Uint8Array(u.data),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // the check below reports a non-JSON answer
  }
  return { status: res.status, body };
}

async function healthy(): Promise<boolean> {
  const r = await fetch(`${h.server.url}/healthz`);
  return r.status === 200 && ((await r.json()) as { status: string }).status === 'ok';
}

describe('POST /api/assess fuzzing', () => {
  it(`${RUNS} malformed uploads: 4xx with a reason (or 200 for what decodes), never 5xx; the server still answers`, async () => {
    const fixed: Upload[] = [
      ...[...seeds, ...odd].map((s) => ({ kind: `valid ${s.name}`, data: s.data, contentType: `image/${s.format}` })),
      ...odd.filter((s) => /^(1x1|20000x1)/.test(s.name)).map((s) => ({ kind: `aligned ${s.name}`, data: s.data, contentType: 'image/png', query: '?aligned=true' })),
      { kind: 'no content type', data: seeds[0].data, contentType: undefined },
      { kind: 'text/plain', data: seeds[0].data, contentType: 'text/plain' },
      { kind: 'multipart', data: seeds[0].data, contentType: 'multipart/form-data; boundary=x' },
      { kind: 'json', data: Buffer.from('{"image": "x"}'), contentType: 'application/json' },
      { kind: 'bad query', data: seeds[0].data, contentType: 'image/jpeg', query: '?aligned=maybe' },
      { kind: 'unknown query', data: seeds[0].data, contentType: 'image/jpeg', query: '?x=1&aligned=true&aligned=false' },
      { kind: 'over the upload limit', data: Buffer.alloc(16 * 1024 * 1024, 0xff), contentType: 'application/octet-stream' },
    ];
    const types = fc.constantFrom('application/octet-stream', 'image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/avif', 'image/x-anything');
    const damaged = Math.min(50, Math.floor(RUNS / 20));
    const sampled = [
      ...fc.sample(damagedInput([...seeds, ...odd]), { numRuns: damaged, seed: fuzzSeed() }),
      ...fc.sample(malformedInput(seeds), { numRuns: RUNS - fixed.length - damaged, seed: fuzzSeed() + 1 }),
    ];
    const contentTypes = fc.sample(types, { numRuns: sampled.length, seed: fuzzSeed() + 2 });
    const uploads: Upload[] = [...fixed, ...sampled.map((u, i) => ({ ...u, contentType: contentTypes[i] }))];

    const serverErrors: string[] = [];
    const counts = new Map<number, number>();
    for (const u of uploads) {
      const a = await post(u);
      counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
      if (a.status >= 500) serverErrors.push(`${u.kind} (${u.contentType ?? 'no type'}${u.query ?? ''}) -> ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
      else if (a.status >= 400) {
        const b = a.body as { error?: unknown; message?: unknown };
        if (typeof b?.message !== 'string' || b.message.length === 0 || b.error === undefined) serverErrors.push(`${u.kind} -> ${a.status} without a reason: ${JSON.stringify(a.body).slice(0, 200)}`);
      } else if (a.status === 200 && !Array.isArray((a.body as { faces?: unknown }).faces)) serverErrors.push(`${u.kind} -> 200 without faces`);
    }
    console.log(`fuzz: ${uploads.length} inputs to /api/assess, ${serverErrors.length} server errors; statuses ${JSON.stringify(Object.fromEntries([...counts].sort()))}`);
    expect(serverErrors).toEqual([]);
    expect(uploads.length).toBeGreaterThanOrEqual(RUNS);
    expect(counts.get(415) ?? 0).toBeGreaterThan(0);
    expect(counts.get(413) ?? 0).toBeGreaterThan(0);
    expect(await healthy()).toBe(true);
  });
});

describe('Socket.IO /kiosk fuzzing', () => {
  it(`${RUNS} payloads of wrong types and sizes to retake, accept, reset, language: no crash, the server still answers`, async () => {
    const payload: fc.Arbitrary<unknown> = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.string({ maxLength: 64 }),
      fc.constantFrom(...LANGUAGES, 'EN', 'de ', '', 'xx', '__proto__', 'constructor', 'toString'),
      fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
      fc.nat({ max: 120 }).map((d) => Array.from({ length: d }).reduce<unknown>((acc) => [acc], 'deep')),
      fc.constantFrom(NaN, Infinity, -0, 2 ** 53, null, true, {}),
      fc.constantFrom('x'.repeat(60 * 1024), 'y'.repeat(200 * 1024)), // around and above the 64 KB message limit
    );
    const events = fc.tuple(fc.constantFrom('retake', 'accept', 'reset', 'language'), fc.array(payload, { maxLength: 4 }));
    const sent = fc.sample(events, { numRuns: RUNS, seed: fuzzSeed() + 3 });

    let client: Socket = h.client;
    let reconnects = 0;
    let hello: Promise<unknown> = Promise.resolve();
    const connect = async (): Promise<Socket> => {
      const c = io(`${h.server.url}/kiosk`, { transports: ['websocket'], reconnection: false, autoConnect: false });
      hello = new Promise((resolve) => c.once('hello', resolve));
      await new Promise<void>((resolve, reject) => {
        c.once('connect', () => resolve());
        c.once('connect_error', reject);
        c.connect();
      });
      return c;
    };
    const languageBecomes = async (lang: string): Promise<string> => {
      let language = '';
      for (let attempt = 0; attempt < 100 && language !== lang; attempt++) {
        language = ((await (await fetch(`${h.server.url}/api/status`, { headers: AUTH })).json()) as { language: string }).language;
        if (language !== lang) await new Promise((r) => setTimeout(r, 20));
      }
      return language;
    };
    for (const [i, [event, args]] of sent.entries()) {
      if (!client.connected) {
        client.close();
        client = await connect();
        reconnects++;
      }
      client.emit(event, ...args);
      // every 100 events: the server has taken them in and still answers
      if (i % 100 === 99) expect(await healthy()).toBe(true);
    }
    // a valid command afterwards still works: the language the kiosk reports is the one set last
    if (client !== h.client) client.close();
    const fresh = await connect();
    expect(await hello).toMatchObject({ languages: [...LANGUAGES] });
    const errors: unknown[] = [];
    fresh.on('error', (e: unknown) => errors.push(e));
    fresh.emit('language', 'fr');
    expect(await languageBecomes('fr')).toBe('fr');
    fresh.emit('language', { not: 'a language' });
    fresh.emit('language', 'de');
    expect(await languageBecomes('de')).toBe('de');
    fresh.close();
    expect(errors).toEqual([{ message: 'unknown language [object Object]' }]);
    console.log(`fuzz: ${sent.length} payloads to /kiosk events (${reconnects} reconnects after oversized messages), 0 crashes`);
    expect(await healthy()).toBe(true);
  });
});

describe('Socket.IO /operator fuzzing: operator:waive', () => {
  it(`${RUNS} payloads of wrong types and ids to operator:waive: each refused with an error, no waiver made; a valid one still works`, async () => {
    const payload: fc.Arbitrary<unknown> = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ id: fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('presentation-attack', 'look-straight', '__proto__', 'constructor', 'REMOVE-GLASSES', 'remove-glasses ')) }),
      fc.record({ id: fc.constantFrom('remove-glasses', 'open-eyes'), waived: fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null)) }),
      fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
    );
    const sent = fc.sample(payload, { numRuns: RUNS, seed: fuzzSeed() + 4 });
    let errors = 0;
    const onError = (): void => void errors++;
    h.operator.on('error', onError);
    try {
      for (const [i, p] of sent.entries()) {
        h.operator.emit('operator:waive', p);
        // paced under the per-client event budget: every payload gets its own answer
        if (i % 5 === 4) await new Promise((r) => setTimeout(r, 60));
      }
      await expect.poll(() => errors, { timeout: 20_000 }).toBe(sent.length);
      expect(h.server.pipeline.waivers).toEqual([]);
      h.operator.emit('operator:waive', { id: 'remove-glasses' });
      await expect.poll(() => h.server.pipeline.waivers.map((w) => w.id), { timeout: 5000 }).toEqual(['remove-glasses']);
      h.operator.emit('operator:waive', { id: 'remove-glasses', waived: false });
      await expect.poll(() => h.server.pipeline.waivers, { timeout: 5000 }).toEqual([]);
    } finally {
      h.operator.off('error', onError);
    }
    console.log(`fuzz: ${sent.length} payloads to operator:waive, ${errors} refused, 0 waivers made`);
    expect(await healthy()).toBe(true);
  });
});
