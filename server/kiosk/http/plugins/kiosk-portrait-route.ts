import type { FastifyPluginAsync } from 'fastify';
import type { KioskPipeline } from '../../pipeline/kiosk-pipeline.js';
import type { CaptureStorePort } from '../capture-store-port.js';

/**
 * The kiosk screen shows the person their own portrait: this route serves the portrait of the
 * capture on screen now (state `captured`) and nothing else; every other capture is the operator's.
 */
export const kioskPortraitRoute: FastifyPluginAsync<{ pipeline: KioskPipeline; store: CaptureStorePort }> = async (app, { pipeline, store }) => {
  app.get<{ Params: { id: string } }>(
    '/api/kiosk/captures/:id/portrait.jpg',
    {
      config: { role: ['kiosk', 'operator'] },
      schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } } } },
    },
    async (req, reply) => {
      const current = pipeline.snapshot().capture;
      const buf = current?.id === req.params.id ? await store.file(req.params.id, 'portrait.jpg') : undefined;
      if (!buf) return reply.code(404).send({ error: 'not the capture on screen' });
      return reply.type('image/jpeg').header('cache-control', 'no-store').send(buf);
    },
  );
};
