/**
 * Every route declares who may call it (`config: { role: 'operator' }`, a list of roles, or
 * 'public'); one onRequest hook checks it. A route that declares nothing fails the server's
 * start (onReady), and is refused (403) if it somehow runs, so a route added later cannot be
 * forgotten. 401 = no identity at all, 403 = an identity without the role.
 * State-changing requests authenticated by something the browser sends on its own (cookie,
 * loopback address) also need an allowed Origin, and with a session its CSRF token
 * (`x-csrf-token`, from `GET /api/session`).
 */
import { timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest, RouteOptions } from 'fastify';
import type { Role } from '../../../security/roles.js';

export type RouteAccess = 'public' | Role | readonly Role[];

export interface RouteAccessEntry {
  method: string;
  url: string;
  role: RouteAccess | undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    role?: RouteAccess;
  }
  interface FastifyInstance {
    /** Every registered route with its declared access (for the access-control tests and docs). */
    routeAccess(): RouteAccessEntry[];
  }
}

export const CSRF_HEADER = 'x-csrf-token';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function allowedRoles(access: RouteAccess): readonly Role[] | 'public' {
  if (access === 'public') return 'public';
  return typeof access === 'string' ? [access] : access;
}

function csrfOk(req: FastifyRequest): boolean {
  const session = req.principal.session;
  if (!session) return req.headers.origin !== undefined; // ambient without a session: the Origin (already checked) must be there
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

const roleGuardPlugin: FastifyPluginAsync = async (app) => {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (r) => {
    routes.push(r);
  });
  const entries = (): RouteAccessEntry[] =>
    routes.flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).map((m) => ({ method: String(m), url: r.url, role: r.config?.role })));
  app.decorate('routeAccess', entries);
  app.addHook('onReady', async () => {
    const missing = entries().filter((e) => e.role === undefined);
    if (missing.length) throw new Error(`routes without a declared role: ${missing.map((e) => `${e.method} ${e.url}`).join(', ')}`);
  });
  app.addHook('onRequest', async (req, reply) => {
    if (req.is404) return;
    const access = req.routeOptions.config.role;
    if (access === undefined) {
      req.log.error({ url: req.routeOptions.url }, 'route without a declared role refused');
      return reply.code(403).send({ error: 'forbidden', message: 'route declares no role' });
    }
    const allowed = allowedRoles(access);
    if (allowed === 'public') return;
    const p = req.principal;
    const granted = allowed.filter((r) => p.roles.has(r));
    if (granted.length === 0) {
      const code = p.roles.size === 0 ? 401 : 403;
      return reply.code(code).send({ error: code === 401 ? 'unauthorized' : 'forbidden', message: `needs role ${allowed.join(' or ')}` });
    }
    const explicit = granted.some((r) => p.bearerRoles.has(r));
    if (!SAFE.has(req.method) && !explicit && !csrfOk(req)) {
      return reply.code(403).send({ error: 'forbidden', message: `missing or wrong ${CSRF_HEADER}` });
    }
  });
};

export const roleGuard = fp(roleGuardPlugin, { name: 'role-guard', fastify: '5.x' });
