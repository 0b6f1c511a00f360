import type { FastifyPluginAsync } from 'fastify';
import type { WorkerClient } from '../../workers/worker-client.js';
import type { AssessWorkerResult } from '../../workers/assess-worker.js';

const STATUS: Record<string, number> = { empty: 400, 'not-an-image': 415, unreadable: 422, 'too-large': 413, 'no-face': 422 };

/** POST /api/assess: the image as the raw body (image/* or application/octet-stream); ?aligned=true for crops. */
export const assessRoute: FastifyPluginAsync<{ worker: WorkerClient; maxUploadBytes: number }> = async (app, { worker, maxUploadBytes }) => {
  app.addContentTypeParser(/^(image\/[\w.+-]+|application\/octet-stream)$/, { parseAs: 'buffer', bodyLimit: maxUploadBytes }, (_req, body, done) =>
    done(null, body),
  );
  app.post<{ Body: Buffer; Querystring: { aligned?: boolean } }>(
    '/api/assess',
    {
      config: { role: 'operator' },
      bodyLimit: maxUploadBytes,
      schema: {
        querystring: { type: 'object', properties: { aligned: { type: 'boolean', default: false } }, additionalProperties: false },
      },
    },
    async (req, reply) => {
      const body = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) return reply.code(400).send({ error: 'empty', message: 'empty body: send the image bytes' });
      const r = await worker.call<AssessWorkerResult>('assess', { image: new Uint8Array(body), aligned: req.query.aligned ?? false });
      if (!r.ok) return reply.code(STATUS[r.code] ?? 422).send({ error: r.code, message: r.message });
      return { faces: r.faces };
    },
  );
};
