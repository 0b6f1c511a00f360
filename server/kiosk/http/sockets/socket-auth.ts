/**
 * Socket.IO admission: `allowRequest` checks every engine request (polling and WebSocket
 * upgrade) against the Host/Origin policy and the connection cap before anything else; each
 * namespace's middleware (`ns.use`) then asks the Authenticator for the role it needs.
 */
import type { IncomingMessage } from 'node:http';
import { fastifyCookie } from '@fastify/cookie';
import type { Server, Socket } from 'socket.io';
import type { Role } from '../../../security/roles.js';
import { bearerFrom, type Authenticator, type Principal } from '../../auth/authenticator.js';
import type { OriginPolicy } from '../../auth/origin-policy.js';

export function allowRequest(io: () => Server, policy: OriginPolicy, maxSockets: number) {
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void => {
    const problem = policy.problem(req.headers);
    if (problem) return callback(problem, false);
    // only a new engine connection counts (polling requests of a connected client carry its sid)
    const isNew = !new URL(req.url ?? '/', 'http://x').searchParams.has('sid');
    if (isNew && io().engine.clientsCount >= maxSockets) return callback('too many connections', false);
    callback(null, true);
  };
}

export function principalOf(socket: Socket, authenticator: Authenticator): Principal {
  const h = socket.handshake;
  const authToken = typeof h.auth?.token === 'string' ? (h.auth.token as string) : undefined;
  return authenticator.resolve({
    cookies: h.headers.cookie ? fastifyCookie.parse(h.headers.cookie) : {},
    bearer: authToken ?? bearerFrom(h.headers.authorization),
    address: h.address,
  });
}

/** Namespace middleware: admits sockets whose principal holds `role` (data.principal set), refuses others with 'unauthorized'. */
export function requireRole(role: Role, authenticator: Authenticator) {
  return (socket: Socket, next: (err?: Error) => void): void => {
    const principal = principalOf(socket, authenticator);
    if (!principal.roles.has(role)) {
      const err = new Error('unauthorized') as Error & { data?: unknown };
      err.data = { role, message: `needs role ${role}` };
      return next(err);
    }
    socket.data.principal = principal;
    next();
  };
}
