import type { FastifyPluginAsync } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { WorkerClient } from '../../workers/worker-client.js';
import type { AssessWorkerResult } from '../../workers/assess-worker.js';
import { BoundedQueue, QueueFullError } from '../../workers/bounded-queue.js';

const STATUS: Record<string, number> = { empty: 400, 'not-an-image': 415, unreadable: 422, 'too-large': 413, 'no-face': 422 };

export interface AssessRouteOptions {
  worker: WorkerClient;
  maxUploadBytes: number;
  /** Requests per minute per client address (429 with Retry-After beyond). */
  perMinute: number;
  /** Requests waiting for the worker behind the running one (503 with Retry-After beyond). */
  maxQueued: number;
}

/** POST /api/assess: the image as the raw body (image/* or application/octet-stream); ?aligned=true for crops. */
export const assessRoute: FastifyPluginAsync<AssessRouteOptions> = async (app, { worker, maxUploadBytes, perMinute, maxQueued }) => {
  // The plugin may already be registered above (other routes' limits); the per-route config below works either way.
  if (!app.hasDecorator('rateLimit')) await app.register(rateLimit, { global: false });
  const queue = new BoundedQueue(maxQueued);
  app.addContentTypeParser(/^(image\/[\w.+-]+|application\/octet-stream)$/, { parseAs: 'buffer', bodyLimit: maxUploadBytes }, (_req, body, done) =>
    done(null, body),
  );
  app.post<{ Body: Buffer; Querystring: { aligned?: boolean } }>(
    '/api/assess',
    {
      config: { role: 'operator', rateLimit: { max: perMinute, timeWindow: 60_000 } },
      bodyLimit: maxUploadBytes,
      schema: {
        querystring: { type: 'object', properties: { aligned: { type: 'boolean', default: false } }, additionalProperties: false },
      },
    },
    async (req, reply) => {
      const body = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) return reply.code(400).send({ error: 'empty', message: 'empty body: send the image bytes' });
      let r: AssessWorkerResult;
      try {
        r = await queue.run(() => worker.call<AssessWorkerResult>('assess', { image: new Uint8Array(body), aligned: req.query.aligned ?? false }));
      } catch (err) {
        if (!(err instanceof QueueFullError)) throw err;
        return reply
          .code(503)
          .header('retry-after', String(err.retryAfterSeconds))
          .send({ error: 'busy', message: `${queue.maxQueued} assessments already waiting: retry in ${err.retryAfterSeconds} s` });
      }
      if (!r.ok) return reply.code(STATUS[r.code] ?? 422).send({ error: r.code, message: r.message });
      return { faces: r.faces };
    },
  );
};
