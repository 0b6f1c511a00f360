import type { FastifyPluginAsync } from 'fastify';
import type { KioskPipeline } from '../../pipeline/kiosk-pipeline.js';
import type { KioskHealth } from '../../health/kiosk-health.js';

const checkSchema = {
  type: 'object',
  required: ['name', 'ok'],
  properties: { name: { type: 'string' }, ok: { type: 'boolean' }, reason: { type: 'string' } },
};
const reportSchema = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok', 'fail'] },
    /** The names of the failing checks, for a quick look. */
    failing: { type: 'array', items: { type: 'string' } },
    checks: { type: 'array', items: checkSchema },
    state: { type: 'string' },
    camera: { type: 'string' },
    uptimeSeconds: { type: 'number' },
  },
};

/** /healthz: liveness (503: restart me); /readyz: readiness (503: not able to serve a person now). */
export const healthRoutes: FastifyPluginAsync<{ pipeline: KioskPipeline; health: KioskHealth }> = async (app, { pipeline, health }) => {
  const schema = { response: { 200: reportSchema, 503: reportSchema } };
  const extras = () => ({ state: pipeline.currentState, camera: pipeline.metrics.cameraState, uptimeSeconds: process.uptime() });
  app.get('/healthz', { schema }, async (_req, reply) => {
    const r = health.liveness();
    return reply.code(r.status === 'ok' ? 200 : 503).send({ ...r, failing: r.checks.filter((c) => !c.ok).map((c) => c.name), ...extras() });
  });
  app.get('/readyz', { schema }, async (_req, reply) => {
    const r = await health.readiness();
    return reply.code(r.status === 'ok' ? 200 : 503).send({ ...r, failing: r.checks.filter((c) => !c.ok).map((c) => c.name), ...extras() });
  });
  app.get('/api/status', { schema: { response: { 200: { type: 'object', additionalProperties: true } } } }, async () => ({
    state: pipeline.currentState,
    language: pipeline.currentLanguage,
    ...pipeline.metrics.snapshot(),
  }));
};
