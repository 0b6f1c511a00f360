import { loadConfig, ConfigError } from '../kiosk/config/load-config.js';
import { startKioskServer } from '../kiosk/http/kiosk-server.js';
import { maskCredentials } from '../security/mask-credentials.js';

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
  // Faults in one request or one frame must not take the kiosk down: log and go on.
  process.on('unhandledRejection', (reason) =>
    process.stderr.write(`plq serve: unhandled rejection: ${maskCredentials(String((reason as Error)?.message ?? reason))}\n`),
  );
  process.on('uncaughtException', (err) => process.stderr.write(`plq serve: uncaught exception: ${maskCredentials(err.message)}\n`));
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
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
