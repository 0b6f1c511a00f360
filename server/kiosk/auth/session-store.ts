/**
 * Operator sessions, in memory: a random id (the signed cookie carries it), the user, a CSRF
 * token, and two expiries (idle and absolute). A restart ends every session. Listeners learn of
 * ended sessions (logout, expiry) so sockets opened with them are closed.
 */
import { randomBytes } from 'node:crypto';

export interface Session {
  readonly id: string;
  readonly user: string;
  readonly csrfToken: string;
  readonly createdAt: number;
  lastSeen: number;
}

export interface SessionStoreOptions {
  idleMs: number;
  maxMs: number;
  now?: () => number;
}

export type SessionEndListener = (session: Session, reason: 'logout' | 'expired') => void;

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly listeners = new Set<SessionEndListener>();
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: SessionStoreOptions) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1000, options.idleMs / 4)));
    this.timer.unref();
  }

  create(user: string): Session {
    const t = this.now();
    const s: Session = { id: randomBytes(32).toString('base64url'), user, csrfToken: randomBytes(32).toString('base64url'), createdAt: t, lastSeen: t };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session with this id (its idle clock restarted when `touch`), or undefined. */
  get(id: string, touch = true): Session | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (this.expired(s)) {
      this.end(s, 'expired');
      return undefined;
    }
    if (touch) s.lastSeen = this.now();
    return s;
  }

  destroy(id: string): void {
    const s = this.sessions.get(id);
    if (s) this.end(s, 'logout');
  }

  /** Ends every session of a user (account removed or password changed). */
  destroyUser(user: string): void {
    for (const s of [...this.sessions.values()]) if (s.user === user) this.end(s, 'logout');
  }

  onEnd(listener: SessionEndListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    clearInterval(this.timer);
    this.sessions.clear();
  }

  private expired(s: Session): boolean {
    const t = this.now();
    return t - s.lastSeen > this.options.idleMs || t - s.createdAt > this.options.maxMs;
  }

  private sweep(): void {
    for (const s of [...this.sessions.values()]) if (this.expired(s)) this.end(s, 'expired');
  }

  private end(s: Session, reason: 'logout' | 'expired'): void {
    this.sessions.delete(s.id);
    for (const l of this.listeners) l(s, reason);
  }
}
