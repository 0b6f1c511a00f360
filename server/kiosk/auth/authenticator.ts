/**
 * Who is asking, from what a request or a Socket.IO handshake carries: the signed session
 * cookie (operator), a bearer token (monitor or kiosk device), the device cookie (kiosk), or a
 * loopback address (kiosk, when allowed). One function for HTTP and sockets, so both agree.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { Actor, Role } from '../../security/roles.js';
import type { AuthConfig } from '../config/kiosk-config.js';
import { isLoopbackHost } from '../config/exposure.js';
import type { Session, SessionStore } from './session-store.js';

export const SESSION_COOKIE = 'plq_session';
export const DEVICE_COOKIE = 'plq_device';

export interface Principal {
  roles: ReadonlySet<Role>;
  /** The most privileged identity, for the audit trail; null for nobody. */
  actor: Actor | null;
  session?: Session;
  /**
   * Roles proven by an explicit token (`Authorization`, Socket.IO auth), which a browser never
   * sends on its own. The others come from a cookie or the loopback address: state-changing
   * requests resting on those need the CSRF token (or, without a session, an allowed Origin).
   */
  bearerRoles: ReadonlySet<Role>;
}

export interface Credentials {
  /** Cookies as sent (unsigned values are checked here). */
  cookies: Readonly<Record<string, string | undefined>>;
  /** `Authorization` header or Socket.IO `auth.token`. */
  bearer?: string;
  address?: string;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time membership of a secret in a list (hashes compared, so lengths do not leak). */
function tokenIn(token: string, list: readonly string[]): boolean {
  const d = digest(token);
  let found = false;
  for (const t of list) found = timingSafeEqual(d, digest(t)) || found;
  return found;
}

export function bearerFrom(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return isLoopbackHost(address.replace(/^::ffff:/, ''));
}

export class Authenticator {
  readonly cookieSecret: string;

  constructor(
    private readonly auth: AuthConfig,
    readonly sessions: SessionStore,
  ) {
    this.cookieSecret = auth.cookieSecret ?? randomBytes(32).toString('base64url');
  }

  get operatorsConfigured(): boolean {
    return this.auth.users.length > 0;
  }

  signSessionId(id: string): string {
    return fastifyCookie.sign(id, this.cookieSecret);
  }

  sessionFromCookie(value: string | undefined, touch = true): Session | undefined {
    if (!value) return undefined;
    const u = fastifyCookie.unsign(value, this.cookieSecret);
    return u.valid && u.value ? this.sessions.get(u.value, touch) : undefined;
  }

  isDeviceToken(token: string): boolean {
    return tokenIn(token, this.auth.deviceTokens);
  }

  resolve(c: Credentials): Principal {
    const roles = new Set<Role>();
    let actor: Actor | undefined;
    const bearerRoles = new Set<Role>();
    const session = this.operatorsConfigured ? this.sessionFromCookie(c.cookies[SESSION_COOKIE]) : undefined;
    if (session && this.auth.users.some((u) => u.name === session.user)) {
      roles.add('operator');
      actor = { user: session.user, role: 'operator', address: c.address };
    }
    if (c.bearer) {
      if (tokenIn(c.bearer, this.auth.monitorTokens)) {
        roles.add('monitor');
        bearerRoles.add('monitor');
        actor ??= { user: 'monitor', role: 'monitor', address: c.address };
      }
      if (tokenIn(c.bearer, this.auth.deviceTokens)) {
        roles.add('kiosk');
        bearerRoles.add('kiosk');
        actor ??= { user: 'kiosk', role: 'kiosk', address: c.address };
      }
    }
    const device = c.cookies[DEVICE_COOKIE];
    const kioskByCookie = device !== undefined && this.isDeviceToken(device);
    const kioskByAddress = this.auth.kioskFromLoopback && isLoopbackAddress(c.address);
    if (kioskByCookie || kioskByAddress) {
      roles.add('kiosk');
      actor ??= { user: 'kiosk', role: 'kiosk', address: c.address };
    }
    return { roles, actor: actor ?? null, session: roles.has('operator') ? session : undefined, bearerRoles };
  }
}
