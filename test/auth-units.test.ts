/**
 * The access-control parts that need no models: password hashes, the lock-out, sessions, the
 * Host/Origin policy, the role guard's refusal of undeclared routes, the exposure check and
 * `plq user add`.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { hashPassword, verifyPassword, isPasswordHash } from '../server/security/password-hash.js';
import { LoginThrottle } from '../server/kiosk/auth/login-throttle.js';
import { SessionStore } from '../server/kiosk/auth/session-store.js';
import { OriginPolicy } from '../server/kiosk/auth/origin-policy.js';
import { Authenticator } from '../server/kiosk/auth/authenticator.js';
import { roleGuard } from '../server/kiosk/http/plugins/role-guard.js';
import { authSession } from '../server/kiosk/http/plugins/auth-session.js';
import { loginRoutes } from '../server/kiosk/http/plugins/login-routes.js';
import { DEFAULT_AUTH, DEFAULT_CONFIG, type KioskConfig } from '../server/kiosk/config/kiosk-config.js';
import { ConfigError, loadConfig } from '../server/kiosk/config/load-config.js';
import { addUser } from '../server/cli/user-command.js';

const run = promisify(execFile);

describe('password hashes', () => {
  it('scrypt with salt and parameters in the string; right password only', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(isPasswordHash(h)).toBe(true);
    expect(await hashPassword('correct horse battery')).not.toBe(h); // salted
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$N=3,r=8,p=1$AAAA$AAAA')).toBe(false);
    expect(await verifyPassword('x', 'plain')).toBe(false);
  });
});

describe('login lock-out', () => {
  it('locks a key after maxFailures within the window, for the window, and forgets on success', () => {
    let t = 0;
    const th = new LoginThrottle({ maxFailures: 3, lockoutMs: 1000, now: () => t });
    const k = ['user:a', 'addr:1'];
    th.fail(k);
    th.fail(k);
    expect(th.retryAfterMs(k)).toBe(0);
    th.fail(k);
    expect(th.retryAfterMs(['user:a'])).toBe(1000);
    expect(th.retryAfterMs(['user:b', 'addr:1'])).toBe(1000); // the address is locked too
    t = 999;
    expect(th.retryAfterMs(k)).toBe(1);
    t = 1001;
    expect(th.retryAfterMs(k)).toBe(0);
    th.fail(k);
    th.succeed(k);
    expect(th.retryAfterMs(k)).toBe(0);
  });
});

describe('sessions', () => {
  it('end after the idle time, after the absolute time, and on logout; listeners hear of it', () => {
    let t = 0;
    const s = new SessionStore({ idleMs: 100, maxMs: 250, now: () => t });
    const ended: string[] = [];
    s.onEnd((x, why) => ended.push(`${x.user}:${why}`));
    const a = s.create('alice');
    t = 90;
    expect(s.get(a.id)?.user).toBe('alice');
    t = 180;
    expect(s.get(a.id)?.user).toBe('alice'); // touched at 90
    t = 260;
    expect(s.get(a.id)).toBeUndefined(); // max age
    const b = s.create('bob');
    t = 400;
    expect(s.get(b.id)).toBeUndefined(); // idle
    const c = s.create('carol');
    s.destroy(c.id);
    expect(s.get(c.id)).toBeUndefined();
    expect(ended).toEqual(['alice:expired', 'bob:expired', 'carol:logout']);
    expect(a.csrfToken.length).toBeGreaterThanOrEqual(40);
    s.close();
  });
});

describe('Host and Origin policy', () => {
  const server = (o: Partial<KioskConfig['server']> = {}): KioskConfig['server'] => ({ ...DEFAULT_CONFIG.server, ...o });
  it('defaults: loopback names with the bound port; everything else refused', () => {
    const p = new OriginPolicy(server());
    p.bind(8123);
    for (const h of ['127.0.0.1:8123', 'localhost:8123', '[::1]:8123']) expect(p.problem({ host: h })).toBeNull();
    expect(p.problem({ host: 'attacker.example:8123' })).toBe('host not allowed');
    expect(p.problem({ host: '127.0.0.1:8124' })).toBe('host not allowed');
    expect(p.problem({})).toBe('host not allowed');
    expect(p.problem({ host: '127.0.0.1:8123', origin: 'http://127.0.0.1:8123' })).toBeNull();
    expect(p.problem({ host: '127.0.0.1:8123', origin: 'http://attacker.example' })).toBe('origin not allowed');
    expect(p.problem({ host: '127.0.0.1:8123', origin: 'https://127.0.0.1:8123' })).toBe('origin not allowed');
  });
  it('configured hosts and origins; https with TLS', () => {
    const p = new OriginPolicy(server({ host: '10.0.0.5', allowedHosts: ['kiosk.example:8443'], allowedOrigins: ['https://desk.example'], tls: { cert: 'c', key: 'k' } }));
    p.bind(8443);
    expect(p.problem({ host: '10.0.0.5:8443', origin: 'https://10.0.0.5:8443' })).toBeNull();
    expect(p.problem({ host: 'kiosk.example:8443', origin: 'https://kiosk.example:8443' })).toBeNull();
    expect(p.problem({ host: 'kiosk.example:8443', origin: 'https://desk.example' })).toBeNull();
    expect(p.problem({ host: 'kiosk.example:8443', origin: 'http://kiosk.example:8443' })).toBe('origin not allowed');
  });
});

describe('role guard', () => {
  async function app(register: (a: ReturnType<typeof Fastify>) => void) {
    const a = Fastify();
    const auth = new Authenticator({ ...DEFAULT_AUTH, kioskFromLoopback: false, monitorTokens: ['m'.repeat(32)] }, new SessionStore({ idleMs: 1000, maxMs: 1000 }));
    await a.register(authSession, { authenticator: auth });
    await a.register(roleGuard);
    register(a);
    return a;
  }
  it('a route that declares no role stops the server from starting', async () => {
    const a = await app((x) => x.get('/forgotten', async () => 'data'));
    await expect(a.ready()).rejects.toThrow(/routes without a declared role: GET \/forgotten/);
  });
  it('401 without identity, 403 with the wrong role, 200 with the right one; lists every route', async () => {
    const a = await app((x) => {
      x.get('/m', { config: { role: 'monitor' } }, async () => 'm');
      x.get('/o', { config: { role: 'operator' } }, async () => 'o');
      x.get('/p', { config: { role: 'public' } }, async () => 'p');
    });
    const bearer = { authorization: `Bearer ${'m'.repeat(32)}` };
    expect((await a.inject({ url: '/m' })).statusCode).toBe(401);
    expect((await a.inject({ url: '/m', headers: bearer })).statusCode).toBe(200);
    expect((await a.inject({ url: '/o', headers: bearer })).statusCode).toBe(403);
    expect((await a.inject({ url: '/p' })).statusCode).toBe(200);
    expect((await a.inject({ url: '/nothing-here' })).statusCode).toBe(404);
    expect(a.routeAccess().map((r) => `${r.method} ${r.url} ${String(r.role)}`)).toEqual(
      expect.arrayContaining(['GET /m monitor', 'HEAD /m monitor', 'GET /o operator', 'GET /p public']),
    );
    await a.close();
  });
});

describe('no operator accounts (the loopback default)', () => {
  it('the session probe says so and login answers 503 telling to run plq user add; the loopback kiosk still has its role', async () => {
    const a = Fastify();
    const auth = new Authenticator(DEFAULT_AUTH, new SessionStore({ idleMs: 1000, maxMs: 1000 }));
    await a.register(authSession, { authenticator: auth });
    await a.register(roleGuard);
    await a.register(loginRoutes, { authenticator: auth, auth: DEFAULT_AUTH, audit: { record: async () => undefined }, secure: false });
    const session = await a.inject({ url: '/api/session', remoteAddress: '127.0.0.1' });
    expect(session.json()).toEqual({ user: null, csrfToken: null, operatorsConfigured: false, roles: ['kiosk'] });
    const login = await a.inject({ method: 'POST', url: '/api/login', payload: { user: 'admin', password: 'admin' } });
    expect(login.statusCode).toBe(503);
    expect(login.json().message).toMatch(/plq user add NAME --config FILE/);
    await a.close();
  });
});

describe('unsafe exposure', () => {
  it('a non-loopback bind without TLS and operators is a config error that says what to set', async () => {
    const err = await loadConfig({ env: {}, overrides: { server: { host: '0.0.0.0' } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/server\.host "0\.0\.0\.0" is not loopback/);
    expect((err as Error).message).toMatch(/server\.tls\.cert and server\.tls\.key/);
    expect((err as Error).message).toMatch(/server\.auth\.users \(`plq user add NAME --config FILE`\)/);
    const users = [{ name: 'a', passwordHash: await hashPassword('0123456789') }];
    const half = await loadConfig({ env: {}, overrides: { server: { host: '0.0.0.0', auth: { users } } } }).catch((e: Error) => e.message);
    expect(half).toMatch(/server\.tls\.cert/);
    expect(half).not.toMatch(/server\.auth\.users/);
    const ok = await loadConfig({ env: {}, overrides: { server: { host: '0.0.0.0', auth: { users }, tls: { cert: '/c.pem', key: '/k.pem' } } } });
    expect(ok.server.host).toBe('0.0.0.0');
    // loopback needs neither
    expect((await loadConfig({ env: {} })).server.auth.users).toEqual([]);
  });

  it('plq serve --host 0.0.0.0 refuses to start with that message', async () => {
    const r = await run('npx', ['tsx', 'server/cli/main.ts', 'serve', '--host', '0.0.0.0'], { timeout: 60_000 }).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).toBe(2);
    expect((r as { stderr: string }).stderr).toMatch(/plq serve: unsafe config: server\.host "0\.0\.0\.0" is not loopback.*server\.tls\.cert/);
  }, 60_000);
});

describe('plq user add', () => {
  it('writes a scrypt hash into a new 0600 config file, updates it, and the config loads with it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plq-user-'));
    const file = path.join(dir, 'kiosk.json');
    await writeFile(file, JSON.stringify({ profile: 'enrolment-desk', server: { port: 9000 } }), { mode: 0o600 });
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      const child = execFile('npx', ['tsx', 'server/cli/main.ts', 'user', 'add', 'desk-1', '--config', file], { timeout: 60_000 }, (err, o, e) =>
        err ? reject(err) : resolve({ stdout: o, stderr: e }),
      );
      child.stdin?.end('a long enough password\n');
    });
    expect(stdout).toBe('');
    expect(stderr).toMatch(/added desk-1/);
    expect(stderr).not.toMatch(/a long enough password/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const c = await loadConfig({ file, env: {} });
    expect(c.server.port).toBe(9000);
    expect(c.server.auth.users.map((u) => u.name)).toEqual(['desk-1']);
    expect(await verifyPassword('a long enough password', c.server.auth.users[0].passwordHash)).toBe(true);
    expect(await readFile(file, 'utf8')).not.toMatch(/a long enough password/);
    expect(await addUser(file, 'desk-1', 'another password!')).toBe('updated');
    expect((await loadConfig({ file, env: {} })).server.auth.users).toHaveLength(1);
  }, 60_000);

  it.runIf(process.getuid?.() === 0)('run as root on a 0640 root:group file, keeps its group and mode (the service must still read it)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plq-user-'));
    const file = path.join(dir, 'kiosk.json');
    await writeFile(file, '{}', { mode: 0o640 });
    await chown(file, 0, 65534);
    expect(await addUser(file, 'desk-1', 'a long enough password')).toBe('added');
    const st = await stat(file);
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([0, 65534, 0o640]);
  });

  it('refuses a config file others can read, short passwords and bad names', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plq-user-'));
    const file = path.join(dir, 'kiosk.json');
    await writeFile(file, '{}');
    await chmod(file, 0o644);
    await expect(addUser(file, 'desk-1', 'a long enough password')).rejects.toThrow(/accessible to all users \(mode 644\).*chmod 600/);
    await chmod(file, 0o600);
    await expect(addUser(file, 'desk-1', 'short')).rejects.toThrow(/at least 10 characters/);
    await expect(addUser(file, '../x', 'a long enough password')).rejects.toThrow(/invalid user name/);
  });
});
