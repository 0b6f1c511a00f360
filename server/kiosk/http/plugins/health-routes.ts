import type { FastifyPluginAsync } from 'fastify';
import type { KioskPipeline } from '../../pipeline/kiosk-pipeline.js';
import type { HealthReport, KioskHealth } from '../../health/kiosk-health.js';
import { maskCredentials } from '../../../security/mask-credentials.js';

const checkSchema = {
  type: 'object',
  required: ['name', 'ok'],
  properties: { name: { type: 'string' }, ok: { type: 'boolean' }, reason: { type: 'string' } },
};
const reportSchema = {
  type: 'object',
  required: ['status', 'failing', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok', 'fail'] },
    failing: { type: 'array', items: { type: 'string' } },
    checks: { type: 'array', items: checkSchema },
  },
};

/** Public: the checks and their reasons, credentials masked; no pipeline state, no person data. */
function body(r: HealthReport): { status: string; failing: string[]; checks: HealthReport['checks'] } {
  return {
    status: r.status,
    failing: r.checks.filter((c) => !c.ok).map((c) => c.name),
    checks: r.checks.map((c) => (c.reason === undefined ? c : { ...c, reason: maskCredentials(c.reason) })),
  };
}

/**
 * /healthz: liveness (503: restart me), /readyz: readiness (503: cannot serve a person now),
 * both public; the pipeline's status for monitor and operator.
 */
export const healthRoutes: FastifyPluginAsync<{ pipeline: KioskPipeline; health: KioskHealth }> = async (app, { pipeline, health }) => {
  const schema = { response: { 200: reportSchema, 503: reportSchema } };
  app.get('/healthz', { config: { role: 'public' }, schema }, async (_req, reply) => {
    const r = health.liveness();
    return reply.code(r.status === 'ok' ? 200 : 503).send(body(r));
  });
  app.get('/readyz', { config: { role: 'public' }, schema }, async (_req, reply) => {
    const r = health.readiness();
    return reply.code(r.status === 'ok' ? 200 : 503).send(body(r));
  });
  app.get('/api/status', { config: { role: ['monitor', 'operator'] }, schema: { response: { 200: { type: 'object', additionalProperties: true } } } }, async () => ({
    state: pipeline.currentState,
    language: pipeline.currentLanguage,
    ...pipeline.metrics.snapshot(),
  }));
};
