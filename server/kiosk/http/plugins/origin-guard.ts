/** Refuses (403) any request whose Host or Origin the OriginPolicy does not allow: DNS rebinding, cross-site pages. */
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { OriginPolicy } from '../../auth/origin-policy.js';

const originGuardPlugin: FastifyPluginAsync<{ policy: OriginPolicy }> = async (app, { policy }) => {
  app.addHook('onRequest', async (req, reply) => {
    const problem = policy.problem(req.headers);
    if (problem) {
      req.log.warn({ host: req.headers.host, origin: req.headers.origin, url: req.routeOptions.url }, problem);
      return reply.code(403).send({ error: 'forbidden', message: problem });
    }
  });
};

export const originGuard = fp(originGuardPlugin, { name: 'origin-guard', fastify: '5.x' });
