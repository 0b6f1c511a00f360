/**
 * Process-wide last resort: an uncaught exception or unhandled rejection is logged with its
 * stack and the process exits with code 70 (EX_SOFTWARE), at once and synchronously, so a
 * supervisor (systemd Restart=on-failure) starts a clean process. Replaces the earlier handlers
 * that logged and carried on in an unknown state.
 */
import { maskCredentials } from '../security/mask-credentials.js';

export const FATAL_EXIT_CODE = 70;

export function installFatalHandlers(prefix: string): void {
  const die = (what: string, err: unknown): never => {
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`${prefix}: ${what}: ${maskCredentials(text)}\n${prefix}: exiting with code ${FATAL_EXIT_CODE}\n`);
    process.exit(FATAL_EXIT_CODE);
  };
  process.on('uncaughtException', (err) => die('uncaught exception', err));
  process.on('unhandledRejection', (reason) => die('unhandled rejection', reason));
}
