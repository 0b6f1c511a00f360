/**
 * Operator login and logout, the session probe the UI starts from, and pairing a kiosk screen
 * (off loopback) with a device token. Failed logins lock the user name and the address out
 * (LoginThrottle) and the routes are rate-limited per address; both answer 429.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { DEVICE_COOKIE, SESSION_COOKIE, type Authenticator } from '../../auth/authenticator.js';
import { LoginThrottle } from '../../auth/login-throttle.js';
import type { AuditSink } from '../../auth/audit-log.js';
import type { AuthConfig } from '../../config/kiosk-config.js';
import { dummyHash, verifyPassword } from '../../../security/password-hash.js';

export interface LoginRoutesOptions {
  authenticator: Authenticator;
  auth: AuthConfig;
  audit: AuditSink;
  secure: boolean;
}

const sessionReply = {
  type: 'object',
  required: ['user', 'csrfToken', 'operatorsConfigured', 'roles'],
  properties: {
    user: { type: ['string', 'null'] },
    csrfToken: { type: ['string', 'null'] },
    operatorsConfigured: { type: 'boolean' },
    roles: { type: 'array', items: { type: 'string' } },
  },
};
const errorReply = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } };

export const loginRoutes: FastifyPluginAsync<LoginRoutesOptions> = async (app, { authenticator, auth, audit, secure }) => {
  const throttle = new LoginThrottle({ maxFailures: auth.maxFailedLogins, lockoutMs: auth.lockoutSeconds * 1000 });
  await app.register(rateLimit, { global: false });
  const limited = { max: auth.loginRateLimitPerMinute, timeWindow: 60_000 };
  const cookieBase = { path: '/', httpOnly: true, sameSite: 'strict', secure } as const;

  const locked = (reply: FastifyReply, ms: number) =>
    reply.code(429).header('retry-after', String(Math.ceil(ms / 1000))).send({ error: 'locked', message: `too many failed attempts: try again in ${Math.ceil(ms / 1000)} s` });

  app.get('/api/session', { config: { role: 'public' }, schema: { response: { 200: sessionReply } } }, async (req) => ({
    user: req.principal.session?.user ?? null,
    csrfToken: req.principal.session?.csrfToken ?? null,
    operatorsConfigured: authenticator.operatorsConfigured,
    roles: [...req.principal.roles],
  }));

  app.post<{ Body: { user: string; password: string } }>(
    '/api/login',
    {
      config: { role: 'public', rateLimit: limited },
      schema: {
        body: {
          type: 'object',
          required: ['user', 'password'],
          additionalProperties: false,
          properties: { user: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 1024 } },
        },
        response: { 200: sessionReply, 401: errorReply, 429: errorReply, 503: errorReply },
      },
    },
    async (req, reply) => {
      if (!authenticator.operatorsConfigured) {
        return reply.code(503).send({ error: 'no-operators', message: 'no operator accounts: run `plq user add NAME --config FILE` and restart' });
      }
      const { user, password } = req.body;
      const keys = [`user:${user.toLowerCase()}`, `addr:${req.ip}`];
      const wait = throttle.retryAfterMs(keys);
      if (wait > 0) return locked(reply, wait);
      const account = auth.users.find((u) => u.name === user);
      const ok = await verifyPassword(password, account?.passwordHash ?? (await dummyHash()));
      if (!account || !ok) {
        throttle.fail(keys);
        // a mistyped password must not land in the log as a user name: unknown names are not recorded
        await audit.record({ action: 'login-failed', actor: { user: account ? account.name : '(unknown)', role: 'operator', address: req.ip }, ok: false });
        return reply.code(401).send({ error: 'unauthorized', message: 'wrong user name or password' });
      }
      throttle.succeed([keys[0]]);
      const session = authenticator.sessions.create(account.name);
      await audit.record({ action: 'login', actor: { user: account.name, role: 'operator', address: req.ip }, ok: true });
      reply.setCookie(SESSION_COOKIE, authenticator.signSessionId(session.id), { ...cookieBase, maxAge: auth.sessionMaxSeconds });
      return { user: account.name, csrfToken: session.csrfToken, operatorsConfigured: true, roles: ['operator'] };
    },
  );

  app.post('/api/logout', { config: { role: 'operator' }, schema: { response: { 204: { type: 'null' } } } }, async (req, reply) => {
    const session = req.principal.session;
    if (session) {
      authenticator.sessions.destroy(session.id);
      await audit.record({ action: 'logout', actor: { user: session.user, role: 'operator', address: req.ip }, ok: true });
    }
    reply.clearCookie(SESSION_COOKIE, cookieBase);
    return reply.code(204).send();
  });

  app.post<{ Body: { token: string } }>(
    '/api/device/pair',
    {
      config: { role: 'public', rateLimit: limited },
      schema: {
        body: { type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string', minLength: 1, maxLength: 512 } } },
        response: { 204: { type: 'null' }, 401: errorReply, 429: errorReply },
      },
    },
    async (req, reply) => {
      const keys = [`addr:${req.ip}`];
      const wait = throttle.retryAfterMs(keys);
      if (wait > 0) return locked(reply, wait);
      if (!authenticator.isDeviceToken(req.body.token)) {
        throttle.fail(keys);
        return reply.code(401).send({ error: 'unauthorized', message: 'unknown device token' });
      }
      reply.setCookie(DEVICE_COOKIE, req.body.token, { ...cookieBase, maxAge: 365 * 24 * 3600 });
      return reply.code(204).send();
    },
  );
};
