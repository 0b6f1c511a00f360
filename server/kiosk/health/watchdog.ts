/**
 * The systemd watchdog: while the kiosk is alive (liveness passes), WATCHDOG=1 goes out four
 * times per WatchdogSec; when it is not, the pings stop and systemd restarts the service after
 * WatchdogSec. Enabled only when systemd asked for it (WATCHDOG_USEC, and WATCHDOG_PID if set is
 * this process).
 */
import type { HealthReport } from './kiosk-health.js';
import type { Notifier } from './sd-notify.js';

export interface WatchdogOptions {
  notifier: Notifier;
  liveness: () => HealthReport;
  env?: NodeJS.ProcessEnv;
  /** Called when a ping is withheld, with the failing checks. */
  onUnhealthy?: (report: HealthReport) => void;
}

/** The ping period systemd asks for (a quarter of WatchdogSec), or undefined when there is no watchdog. */
export function watchdogPeriodMs(env: NodeJS.ProcessEnv): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.NOTIFY_SOCKET || !(usec > 0)) return undefined;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== process.pid) return undefined;
  return Math.max(50, usec / 1000 / 4);
}

export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  pings = 0;
  withheld = 0;

  constructor(private readonly options: WatchdogOptions) {}

  /** Starts pinging; false when systemd did not ask for a watchdog. */
  start(): boolean {
    const period = watchdogPeriodMs(this.options.env ?? process.env);
    if (period === undefined) return false;
    this.tick();
    this.timer = setInterval(() => this.tick(), period);
    this.timer.unref();
    return true;
  }

  private tick(): void {
    const r = this.options.liveness();
    if (r.status !== 'ok') {
      this.withheld++;
      this.options.onUnhealthy?.(r);
      const failing = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.reason ?? 'failing'}`);
      void this.options.notifier.notify([`STATUS=unhealthy: ${failing.join('; ')}`]);
      return;
    }
    this.pings++;
    void this.options.notifier.notify(['READY=1', 'WATCHDOG=1', 'STATUS=serving']);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
