import type { FastifyPluginAsync } from 'fastify';
import type { KioskPipeline } from '../../pipeline/kiosk-pipeline.js';

export const healthRoutes: FastifyPluginAsync<{ pipeline: KioskPipeline }> = async (app, { pipeline }) => {
  app.get(
    '/healthz',
    { schema: { response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string' }, state: { type: 'string' }, camera: { type: 'string' }, uptimeSeconds: { type: 'number' } } } } } },
    async () => ({ status: 'ok', state: pipeline.currentState, camera: pipeline.metrics.cameraState, uptimeSeconds: process.uptime() }),
  );
  app.get('/api/status', { schema: { response: { 200: { type: 'object', additionalProperties: true } } } }, async () => ({
    state: pipeline.currentState,
    language: pipeline.currentLanguage,
    ...pipeline.metrics.snapshot(),
  }));
};
