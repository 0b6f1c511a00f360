/** Resolves who is asking (session cookie, bearer token, device cookie, loopback) into `request.principal`. */
import fp from 'fastify-plugin';
import fastifyCookie from '@fastify/cookie';
import type { FastifyPluginAsync } from 'fastify';
import { bearerFrom, type Authenticator, type Principal } from '../../auth/authenticator.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

const authSessionPlugin: FastifyPluginAsync<{ authenticator: Authenticator }> = async (app, { authenticator }) => {
  await app.register(fastifyCookie, { secret: authenticator.cookieSecret, hook: 'onRequest' });
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (req) => {
    req.principal = authenticator.resolve({ cookies: req.cookies, bearer: bearerFrom(req.headers.authorization), address: req.ip });
  });
};

export const authSession = fp(authSessionPlugin, { name: 'auth-session', fastify: '5.x' });
