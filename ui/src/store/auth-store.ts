/**
 * The operator's session as the browser knows it: whether someone is logged in, the session's
 * CSRF token (sent as `x-csrf-token` on every state-changing request), and login/logout. The
 * session itself is an HttpOnly cookie the page never sees.
 */
import { CSRF_HEADER, type SessionInfo } from '../protocol.js';
import { Store } from './store.js';

export type AuthStatus = 'checking' | 'anonymous' | 'authenticated' | 'no-operators' | 'unreachable';

export interface AuthState {
  status: AuthStatus;
  user: string | null;
  csrfToken: string | null;
  /** Why the login form shows (wrong password, locked, session ended). */
  message: string | null;
  busy: boolean;
}

export type AuthStore = Store<AuthState>;

export const createAuthStore = (): AuthStore => new Store<AuthState>({ status: 'checking', user: null, csrfToken: null, message: null, busy: false });

export class AuthApi {
  /** Set while a logout is under way: the ended session's 401s and socket refusals are its own doing. */
  #loggingOut = false;

  constructor(private readonly store: AuthStore, private readonly origin = '') {}

  #apply(info: SessionInfo, message: string | null = null): void {
    this.store.update({
      status: !info.operatorsConfigured ? 'no-operators' : info.user ? 'authenticated' : 'anonymous',
      user: info.user,
      csrfToken: info.csrfToken,
      message,
      busy: false,
    });
  }

  async check(message: string | null = null): Promise<void> {
    try {
      const res = await fetch(`${this.origin}/api/session`, { cache: 'no-store', headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this.#apply((await res.json()) as SessionInfo, message);
    } catch (err) {
      this.store.update({ status: 'unreachable', message: `kiosk server unreachable (${(err as Error).message})`, busy: false });
    }
  }

  /** The server said 401 to a request of this session: it ended (expired or logged out elsewhere). */
  async sessionEnded(): Promise<void> {
    if (this.store.state.status !== 'authenticated' || this.#loggingOut) return;
    await this.check('Your session has ended: please log in again.');
  }

  async login(user: string, password: string): Promise<void> {
    this.store.update({ busy: true, message: null });
    let res: Response;
    try {
      res = await fetch(`${this.origin}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ user, password }),
      });
    } catch (err) {
      this.store.update({ busy: false, message: `kiosk server unreachable (${(err as Error).message})` });
      return;
    }
    if (res.ok) {
      this.#apply((await res.json()) as SessionInfo);
      return;
    }
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    const message =
      res.status === 401 ? 'Wrong user name or password.'
      : res.status === 429 ? `Too many attempts: ${body.message ?? 'wait and try again'}.`
      : body.message ?? `Login failed (HTTP ${res.status}).`;
    this.store.update({ busy: false, message });
  }

  async logout(): Promise<void> {
    this.#loggingOut = true;
    try {
      await fetch(`${this.origin}/api/logout`, { method: 'POST', headers: this.csrfHeaders() });
    } finally {
      await this.check('Logged out.');
      this.#loggingOut = false;
    }
  }

  csrfHeaders(): Record<string, string> {
    const token = this.store.state.csrfToken;
    return token ? { [CSRF_HEADER]: token } : {};
  }
}
