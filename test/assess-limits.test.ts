/**
 * POST /api/assess limits on the real kiosk server: a per-address rate limit (429) and a bounded
 * wait for the assess worker (503), both with Retry-After. Each case sends from its own loopback
 * address (127.0.0.N), so the per-address counters do not mix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { startHarness, type Harness } from './helpers/kiosk-harness.js';
import { packageFile } from '../server/plq/model-paths.js';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

/** The harness operator's session: /api/assess is an operator route. */
let credentials: Record<string, string> = {};

function postFrom(localAddress: string, url: string, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, headers: { ...credentials, 'content-type': 'image/jpeg', 'content-length': body.length } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('POST /api/assess limits (perMinute 4, maxQueued 1)', () => {
  let h: Harness;
  let url: string;
  let photo: Buffer;

  beforeAll(async () => {
    h = await startHarness({ overrides: { assess: { perMinute: 4, maxQueued: 1 }, camera: { fps: 2 } } });
    url = `${h.server.url}/api/assess`;
    credentials = { cookie: h.session.cookie, 'x-csrf-token': h.session.csrfToken };
    photo = await readFile(packageFile('@vladmandic/face-api', 'demo/sample1.jpg'));
  });
  afterAll(async () => h?.close());

  it('answers 429 with Retry-After once an address has sent its requests for the minute; other addresses go on', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 5; i++) answers.push(await postFrom('127.0.0.2', url, Buffer.alloc(0)));
    expect(answers.slice(0, 4).map((a) => a.status)).toEqual([400, 400, 400, 400]);
    expect(answers[4].status).toBe(429);
    expect(Number(answers[4].retryAfter)).toBeGreaterThan(0);
    expect((await postFrom('127.0.0.3', url, Buffer.alloc(0))).status).toBe(400);
  });

  it('answers 503 with Retry-After beyond one running and one waiting assessment, and takes work again once drained', async () => {
    // four at once: the first runs (the worker starts on first use, seconds), one waits, two are refused
    const answers = await Promise.all([0, 1, 2, 3].map(() => postFrom('127.0.0.4', url, photo)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 503, 503]);
    for (const refused of answers.filter((a) => a.status === 503)) {
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(refused.body)).toMatchObject({ error: 'busy' });
    }
    const after = await postFrom('127.0.0.5', url, photo);
    expect(after.status).toBe(200);
    expect((JSON.parse(after.body) as { faces: unknown[] }).faces.length).toBe(3);
  });
});
