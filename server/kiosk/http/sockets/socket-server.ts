/**
 * Socket.IO on the kiosk's HTTP(S) server: two namespaces, `/kiosk` (role kiosk) and
 * `/operator` (role operator), both fed the pipeline's events. Engine requests pass the
 * Host/Origin policy and the connection cap first (`allowRequest`).
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { KioskPipeline } from '../../pipeline/kiosk-pipeline.js';
import type { KioskConfig } from '../../config/kiosk-config.js';
import type { CaptureStorePort } from '../capture-store-port.js';
import type { Authenticator } from '../../auth/authenticator.js';
import type { OriginPolicy } from '../../auth/origin-policy.js';
import { allowRequest, requireRole } from './socket-auth.js';
import { kioskCaptureEvent, wireKioskNamespace } from './kiosk-namespace.js';
import { wireOperatorNamespace } from './operator-namespace.js';
import type { AuditSink } from '../../auth/audit-log.js';

export interface SocketDeps {
  pipeline: KioskPipeline;
  store: CaptureStorePort;
  config: KioskConfig;
  authenticator: Authenticator;
  policy: OriginPolicy;
  /** Where operator waivers are recorded (approvals and deletions are recorded by the store). */
  audit?: AuditSink;
}

export function attachSockets(server: HttpServer, deps: SocketDeps): Server {
  const { pipeline, store, config, authenticator, policy, audit } = deps;
  const io: Server = new Server(server, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    cors: { origin: false },
    allowRequest: allowRequest(() => io, policy, config.server.maxSockets),
  });
  // the default namespace serves nothing: nobody may connect to it
  io.of('/').use((_socket, next) => next(new Error('unauthorized')));
  const kiosk = io.of('/kiosk');
  const operator = io.of('/operator');
  kiosk.use(requireRole('kiosk', authenticator));
  operator.use(requireRole('operator', authenticator));
  wireKioskNamespace(kiosk, pipeline, config);
  const stopOperator = wireOperatorNamespace(operator, pipeline, store, config, authenticator, audit);
  const sub = pipeline.events$.subscribe((e) => {
    // previews are volatile (a slow client skips frames instead of queueing them); the few, small
    // PLQ maps are delivered
    if (e.type === 'frame') {
      kiosk.volatile.emit(e.type, e.data);
      operator.volatile.emit(e.type, e.data);
    } else if (e.type === 'waivers') {
      // who waived what is for staff, not for the screen
      operator.emit(e.type, e.data);
    } else if (e.type === 'capture') {
      kiosk.emit('capture', kioskCaptureEvent(e.data));
      operator.emit('capture', e.data);
    } else {
      kiosk.emit(e.type, e.data);
      operator.emit(e.type, e.data);
    }
  });
  io.engine.on('close', () => {
    sub.unsubscribe();
    stopOperator();
  });
  return io;
}
