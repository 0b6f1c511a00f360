import { loadConfig, ConfigError } from '../kiosk/config/load-config.js';
import { startKioskServer } from '../kiosk/http/kiosk-server.js';
import { maskCredentials } from '../security/mask-credentials.js';
import { systemdNotifier } from '../kiosk/health/sd-notify.js';
import { Watchdog } from '../kiosk/health/watchdog.js';
import { FAULT_ENV, faultEnabled } from '../kiosk/fault-injection.js';
import { installFatalHandlers } from './fatal-handlers.js';

export interface ServeOptions {
  config?: string;
  profile?: string;
  camera?: string;
  port?: number;
  host?: string;
}

/** `plq serve`: runs until SIGINT/SIGTERM. Returns the exit code on a start failure. */
export async function serveCommand(opts: ServeOptions): Promise<number> {
  const overrides: Record<string, Record<string, string | number>> = {};
  if (opts.camera) overrides.camera = { source: opts.camera };
  if (opts.port !== undefined || opts.host) overrides.server = { ...(opts.port !== undefined ? { port: opts.port } : {}), ...(opts.host ? { host: opts.host } : {}) };
  let config;
  try {
    config = await loadConfig({ file: opts.config, profile: opts.profile, overrides });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`plq serve: ${maskCredentials(err.message)}\n`);
      return 2;
    }
    throw err;
  }
  // A fault nobody handled leaves the process in an unknown state: log it and exit non-zero, so
  // systemd restarts a clean kiosk (faults in one request or one frame are caught where they happen).
  installFatalHandlers('plq serve');
  if ((['workers', 'uncaught-exception', 'unhandled-rejection'] as const).some((f) => faultEnabled(f))) {
    process.stderr.write(`plq serve: FAULT INJECTION ENABLED (${FAULT_ENV}=${process.env[FAULT_ENV]}): test use only\n`);
  }
  const notifier = systemdNotifier();
  let server;
  try {
    server = await startKioskServer(config);
  } catch (err) {
    process.stderr.write(`plq serve: cannot start: ${maskCredentials((err as Error).message)}\n`);
    return 1;
  }
  process.stderr.write(`plq serve: kiosk on ${server.url} (camera ${maskCredentials(config.camera.source)}, profile ${config.profile ?? 'default'})\n`);
  if (config.server.auth.users.length === 0) {
    process.stderr.write('plq serve: no operator accounts: the operator view is disabled; create one with `plq user add NAME --config FILE` and restart with --config FILE\n');
  }
  process.stderr.write(`plq serve: audit log ${server.auditFile}\n`);
  const health = server.health;
  void notifier.notify(['READY=1', 'STATUS=serving']);
  const watchdog = new Watchdog({
    notifier,
    liveness: () => health.liveness(),
    onUnhealthy: (r) => server.app.log.error({ failing: r.checks.filter((c) => !c.ok) }, 'not alive: watchdog ping withheld'),
  });
  if (watchdog.start()) server.app.log.info('systemd watchdog enabled');
  injectFatalFault();
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  watchdog.stop();
  void notifier.notify(['STOPPING=1']);
  await server.close();
  return 0;
}

/** Fault injection (tests): an exception or rejection nobody handles, once the kiosk serves. */
function injectFatalFault(): void {
  if (faultEnabled('uncaught-exception')) setTimeout(() => {
    throw new Error('injected uncaught exception');
  }, 500);
  if (faultEnabled('unhandled-rejection')) setTimeout(() => void Promise.reject(new Error('injected unhandled rejection')), 500);
}
