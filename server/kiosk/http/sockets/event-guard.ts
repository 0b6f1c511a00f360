/**
 * Per-socket command handling: a token bucket (a flooding client is throttled, told so and
 * disconnected if it keeps on) and errors turned into an `error` event for that client.
 */
import type { Socket } from 'socket.io';

class TokenBucket {
  private tokens: number;
  private last = Date.now();
  dropped = 0;
  constructor(private readonly rate: number) {
    this.tokens = rate;
  }
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.dropped++;
    return false;
  }
}

export type Guard = <A extends unknown[]>(fn: (...args: A) => void | Promise<void>) => (...args: A) => void;

export function eventGuard(socket: Socket, eventsPerSecond: number, onThrottled: () => void, precheck: () => string | null = () => null): Guard {
  const bucket = new TokenBucket(eventsPerSecond);
  return (fn) => (...args) => {
    if (!bucket.take()) {
      onThrottled();
      if (bucket.dropped === 1) socket.emit('error', { message: 'too many events: throttled' });
      if (bucket.dropped > eventsPerSecond * 20) socket.disconnect(true);
      return;
    }
    const refused = precheck();
    if (refused) {
      socket.emit('error', { message: refused });
      socket.disconnect(true);
      return;
    }
    // a handler that throws synchronously must become an error message, not an uncaught exception
    Promise.resolve()
      .then(() => fn(...args))
      .catch((err: unknown) => socket.emit('error', { message: err instanceof Error ? err.message : 'invalid request' }));
  };
}
