/**
 * Failed-login lock-out: after `maxFailures` failures within `lockoutMs`, a user name (and,
 * separately, a client address) is locked for `lockoutMs` from the last failure. Locked
 * attempts are refused before the password is checked, so guessing gains nothing.
 */
export interface LoginThrottleOptions {
  maxFailures: number;
  lockoutMs: number;
  now?: () => number;
}

interface Failures {
  count: number;
  last: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();
  private readonly now: () => number;

  constructor(private readonly options: LoginThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until these keys may try again (0 = now). */
  retryAfterMs(keys: readonly string[]): number {
    const t = this.now();
    let wait = 0;
    for (const k of keys) {
      const f = this.failures.get(k);
      if (!f) continue;
      const until = f.last + this.options.lockoutMs;
      if (until <= t) this.failures.delete(k);
      else if (f.count >= this.options.maxFailures) wait = Math.max(wait, until - t);
    }
    return wait;
  }

  fail(keys: readonly string[]): void {
    const t = this.now();
    for (const k of keys) {
      const f = this.failures.get(k);
      const fresh = !f || t - f.last > this.options.lockoutMs;
      this.failures.set(k, { count: fresh ? 1 : f.count + 1, last: t });
    }
    if (this.failures.size > 10_000) for (const k of [...this.failures.keys()].slice(0, 5000)) this.failures.delete(k);
  }

  succeed(keys: readonly string[]): void {
    for (const k of keys) this.failures.delete(k);
  }
}
