import type { FastifyPluginAsync } from 'fastify';
import type { KioskPipeline } from '../../pipeline/kiosk-pipeline.js';

const statusOnly = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } };

/** Liveness and readiness (public, no data), and the pipeline's status (monitor, operator). */
export const healthRoutes: FastifyPluginAsync<{ pipeline: KioskPipeline }> = async (app, { pipeline }) => {
  app.get('/healthz', { config: { role: 'public' }, schema: { response: { 200: statusOnly } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { role: 'public' }, schema: { response: { 200: statusOnly, 503: statusOnly } } }, async (_req, reply) =>
    pipeline.metrics.cameraState === 'streaming' ? { status: 'ready' } : reply.code(503).send({ status: 'not-ready' }),
  );
  app.get('/api/status', { config: { role: ['monitor', 'operator'] }, schema: { response: { 200: { type: 'object', additionalProperties: true } } } }, async () => ({
    state: pipeline.currentState,
    language: pipeline.currentLanguage,
    ...pipeline.metrics.snapshot(),
  }));
};
