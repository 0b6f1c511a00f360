/**
 * Off loopback the kiosk serves biometric data to a network: it must speak TLS and have operator
 * accounts. This names what is missing, exactly, or returns null.
 */
import type { KioskConfig } from './kiosk-config.js';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export function exposureProblem(config: KioskConfig): string | null {
  const { host, tls, auth } = config.server;
  if (isLoopbackHost(host)) return null;
  const missing: string[] = [];
  if (!tls.cert || !tls.key) missing.push('server.tls.cert and server.tls.key (PEM files of the certificate and its key)');
  if (auth.users.length === 0) missing.push('at least one operator account in server.auth.users (`plq user add NAME --config FILE`)');
  if (missing.length === 0) return null;
  return `server.host "${host}" is not loopback: serving biometric data to the network needs ${missing.join(' and ')}; or bind 127.0.0.1`;
}
