/**
 * The kiosk server's logger options (pino through Fastify): credentials never reach the log.
 * Auth headers and cookies are redacted, request URLs are masked (secret query parameters),
 * and every finished line goes through the one masking function, whatever put the secret in it
 * (a camera URL in an error message, a config value, a plugin's log call).
 */
import type { FastifyRequest } from 'fastify';
import { maskCredentials, maskSecretsDeep } from '../../security/mask-credentials.js';
import type { CameraStatus } from '../camera/frame.js';

/** Where log lines go (stdout by default; tests pass a collector). */
export interface LogSink {
  write(line: string): unknown;
}

export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["proxy-authorization"]',
  'headers.cookie',
  'headers["set-cookie"]',
];

/**
 * A camera status is a warning when something went wrong (lost, reconnecting, stopped by an
 * error); starting, streaming and a plain stop (the source's state before it starts, a replay's
 * end, shutdown) are information, so that an alert on warnings means a camera in trouble.
 */
export function cameraLogLevel(status: CameraStatus): 'info' | 'warn' {
  return status.state === 'lost' || status.state === 'reconnecting' || status.detail !== undefined ? 'warn' : 'info';
}

/** A log line with every credential masked; stays one JSON line when it was one. */
export function maskLogLine(line: string): string {
  const body = line.endsWith('\n') ? line.slice(0, -1) : line;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return maskCredentials(line);
  }
  // masked as a value, not as text, so unquoted values (numbers, booleans) keep the line valid JSON
  return JSON.stringify(maskSecretsDeep(parsed)) + (body === line ? '' : '\n');
}

export function kioskLoggerOptions(level: string, sink: LogSink = process.stdout) {
  return {
    level,
    redact: { paths: REDACTED_LOG_PATHS, censor: '***' },
    serializers: {
      // Fastify's fields; anything else logged under `req` passes as it is (then redacted and masked)
      req: (req: FastifyRequest | Record<string, unknown>) =>
        isRequest(req)
          ? { method: req.method, url: maskCredentials(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }
          : req,
    },
    stream: { write: (line: string) => sink.write(maskLogLine(line)) },
  };
}

function isRequest(v: FastifyRequest | Record<string, unknown>): v is FastifyRequest {
  return typeof v.url === 'string' && typeof v.method === 'string' && 'raw' in v;
}
