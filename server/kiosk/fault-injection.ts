/**
 * Test-only fault injection, off unless the environment variable PLQ_FAULT_INJECTION names the
 * fault (comma-separated): `workers` lets model workers serve the `__fault` request (crash, hang,
 * poisoned init); `uncaught-exception` / `unhandled-rejection` make `plq serve` raise one once
 * it is serving. Nothing reachable over HTTP or Socket.IO can turn it on, and it is refused
 * outright under NODE_ENV=production (which the systemd unit sets).
 */
export type FaultName = 'workers' | 'uncaught-exception' | 'unhandled-rejection';

export const FAULT_ENV = 'PLQ_FAULT_INJECTION';

export function faultEnabled(name: FaultName, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NODE_ENV === 'production') return false;
  return (env[FAULT_ENV] ?? '')
    .split(',')
    .map((s) => s.trim())
    .includes(name);
}
