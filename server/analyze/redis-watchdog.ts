/**
 * Notices a Redis that has stopped answering. The queue's clients retry for ever (commands wait
 * in ioredis's offline queue), so a run would hang on a stopped server: this pings on its own and
 * calls `onDown` once no ping has been answered for `timeoutMs`.
 */
export interface Watchdog {
  stop(): void;
}

export function watchRedis(ping: () => Promise<unknown>, timeoutMs: number, onDown: (silentMs: number) => void): Watchdog {
  let lastAnswer = Date.now();
  let inFlight = false;
  const timer = setInterval(
    () => {
      const silent = Date.now() - lastAnswer;
      if (silent >= timeoutMs) {
        clearInterval(timer);
        onDown(silent);
        return;
      }
      if (inFlight) return;
      inFlight = true;
      ping().then(
        () => {
          lastAnswer = Date.now();
          inFlight = false;
        },
        () => {
          inFlight = false;
        },
      );
    },
    Math.max(50, Math.min(1000, timeoutMs / 4)),
  );
  return { stop: () => clearInterval(timer) };
}
