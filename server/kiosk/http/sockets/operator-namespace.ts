/**
 * Socket.IO namespace /operator: the live stream out, the operator's commands in (manual
 * capture, approve, delete, reset, retake, waive), each recorded with the operator's name. Every
 * command re-checks the session (a logged-out or expired session's socket is closed), and
 * manual captures are limited to one per `server.manualCaptureIntervalMs` per operator.
 */
import type { Namespace, Socket } from 'socket.io';
import type { KioskPipeline } from '../../pipeline/kiosk-pipeline.js';
import type { KioskConfig } from '../../config/kiosk-config.js';
import type { CaptureStorePort } from '../capture-store-port.js';
import type { Authenticator, Principal } from '../../auth/authenticator.js';
import { SYSTEM_ACTOR } from '../../../security/roles.js';
import { eventGuard } from './event-guard.js';
import { helloPayload } from './kiosk-namespace.js';
import type { AuditSink } from '../../auth/audit-log.js';

/** What `operator:waive` takes: a message id, and `waived: false` to take the waiver back. */
function waiveRequest(body: unknown): { id: string; waived: boolean } {
  const b = body as { id?: unknown; waived?: unknown } | null;
  if (!b || typeof b !== 'object' || typeof b.id !== 'string' || (b.waived !== undefined && typeof b.waived !== 'boolean')) {
    throw new Error('operator:waive takes { id: message id, waived?: boolean }');
  }
  return { id: b.id, waived: b.waived ?? true };
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function wireOperatorNamespace(
  ns: Namespace,
  pipeline: KioskPipeline,
  store: CaptureStorePort,
  config: KioskConfig,
  authenticator: Authenticator,
  audit?: AuditSink,
): () => void {
  const lastManual = new Map<string, number>();
  const stopListening = authenticator.sessions.onEnd((session) => {
    for (const s of ns.sockets.values()) {
      if ((s.data.principal as Principal | undefined)?.session?.id === session.id) {
        s.emit('error', { message: 'session ended: log in again' });
        s.disconnect(true);
      }
    }
  });
  ns.on('connection', (socket: Socket) => {
    const principal = socket.data.principal as Principal;
    const actor = principal.actor ?? SYSTEM_ACTOR;
    socket.emit('hello', { ...helloPayload(pipeline, config), waivable: config.guidance.waivable, waivers: pipeline.waivers });
    socket.onAny(() => undefined);
    const sessionAlive = (): string | null =>
      principal.session && authenticator.sessions.get(principal.session.id) ? null : 'session ended: log in again';
    const guard = eventGuard(socket, config.server.clientEventsPerSecond, () => pipeline.metrics.counters.clientThrottled++, sessionAlive);
    // recorded before the session hears it, so that the lines of what it ends (waivers) come after
    const audited = (action: 'reset' | 'retake', act: () => void) =>
      guard(async () => {
        const recorded = audit?.record({ action, actor, ok: true });
        act();
        await recorded;
      });
    socket.on('reset', audited('reset', () => pipeline.reset()));
    socket.on('retake', audited('retake', () => pipeline.retake()));
    socket.on('operator:capture', guard(async () => {
      const now = Date.now();
      const last = lastManual.get(actor.user) ?? -Infinity;
      if (now - last < config.server.manualCaptureIntervalMs) {
        throw new Error(`manual captures: at most one every ${config.server.manualCaptureIntervalMs / 1000} s`);
      }
      lastManual.set(actor.user, now);
      if (!(await pipeline.manualCapture(actor))) throw new Error('no assessed face to capture yet');
    }));
    socket.on('operator:approve', guard(async (id: unknown) => {
      if (typeof id !== 'string' || !ID.test(id) || !(await store.approve(id, actor))) throw new Error('no such capture');
    }));
    socket.on('operator:waive', guard(async (body: unknown) => {
      const { id, waived } = waiveRequest(body);
      try {
        pipeline.waive(id, actor, waived);
      } catch (err) {
        await audit?.record({ action: waived ? 'waive' : 'unwaive', actor, ok: false, detail: id.slice(0, 64) });
        throw err;
      }
      await audit?.record({ action: waived ? 'waive' : 'unwaive', actor, ok: true, detail: id });
    }));
    socket.on('operator:delete', guard(async (id: unknown) => {
      if (typeof id !== 'string' || !ID.test(id) || !(await store.delete(id, actor))) throw new Error('no such capture');
    }));
  });
  return () => stopListening();
}
