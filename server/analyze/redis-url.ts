/** `redis://` and `rediss://` (TLS) queue URLs as BullMQ connection options; messages never show the password. */
import { isIP } from 'node:net';
import type { RedisOptions } from 'bullmq';
import { maskCredentials } from '../security/mask-credentials.js';

const EXPECTED = 'expected redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or rediss:// for TLS';

export function parseRedisUrl(url: string): RedisOptions {
  const bad = (why: string): Error => new Error(`bad queue URL ${maskCredentials(url)}: ${why} (${EXPECTED})`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad(`scheme ${u.protocol.replace(/:$/, '')}`);
  if (!u.hostname) throw bad('no host');
  const dbText = u.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) throw bad(`database "${dbText}" is not a number`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  // certificates are verified against Node's CA store; SNI only for names (RFC 6066 forbids IPs)
  const tls = u.protocol === 'rediss:' ? (isIP(host) ? {} : { servername: host }) : undefined;
  return {
    host,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: dbText === '' ? 0 : Number(dbText),
    ...(tls ? { tls } : {}),
    maxRetriesPerRequest: null,
  };
}
