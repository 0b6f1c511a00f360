/**
 * The kiosk server: Fastify (UI, REST) + Socket.IO (/kiosk, /operator) + the live pipeline with
 * its model workers. Binds to loopback unless the config says otherwise (then only with TLS and
 * operator accounts). Every request passes, in this order: the Host/Origin guard, the
 * authentication (session cookie, bearer token, device cookie, loopback), the route's declared role.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Server as IoServer } from 'socket.io';
import type { KioskConfig } from '../config/kiosk-config.js';
import type { CameraSource } from '../camera/frame.js';
import { createCameraSource } from '../camera/camera-spec.js';
import { rotatedSource } from '../camera/rotated-source.js';
import { DEMO_GAP_SECONDS, DEMO_SPEC, ensureDemoFrames } from '../camera/demo-frames.js';
import { HumanFaceDetector } from '../../detect/human-detector.js';
import { initBackend } from '../../tf/backend.js';
import type { WorkerClient } from '../workers/worker-client.js';
import { assessWorker, plqWorker, trackerWorker } from '../workers/kiosk-workers.js';
import { KioskPipeline } from '../pipeline/kiosk-pipeline.js';
import { CaptureStore } from '../capture/capture-store.js';
import { CaptureService } from '../capture/capture-service.js';
import { readManifest } from '../../plq/model-manifest.js';
import { healthRoutes } from './plugins/health-routes.js';
import { KioskHealth } from '../health/kiosk-health.js';
import { openCvThreadHealth } from '../camera/opencv-thread.js';
import { metricsRoute } from './plugins/metrics-route.js';
import { capturesRoutes } from './plugins/captures-routes.js';
import { assessRoute } from './plugins/assess-route.js';
import { storageRoute } from './plugins/storage-route.js';
import { uiStatic } from './plugins/ui-static.js';
import { cameraLogLevel, kioskLoggerOptions, type LogSink } from './kiosk-logger.js';
import { originGuard } from './plugins/origin-guard.js';
import { authSession } from './plugins/auth-session.js';
import { roleGuard } from './plugins/role-guard.js';
import { loginRoutes } from './plugins/login-routes.js';
import { kioskPortraitRoute } from './plugins/kiosk-portrait-route.js';
import { attachSockets } from './sockets/socket-server.js';
import { recordEndedWaivers } from '../auth/waiver-audit.js';
import { exposureProblem } from '../config/exposure.js';
import { SessionStore } from '../auth/session-store.js';
import { Authenticator } from '../auth/authenticator.js';
import { OriginPolicy } from '../auth/origin-policy.js';
import { AUDIT_PRUNE_EVERY_MS, AuditLog, BYTES_PER_MB, MS_PER_DAY, auditFilePath } from '../auth/audit-log.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
/** ui/dist at the repository root, from server/kiosk/http or dist/server/kiosk/http. */
export const UI_DIST = path.resolve(here, ext === '.ts' ? '../../../ui/dist' : '../../../../ui/dist');

/** One-off detector on the main thread, only to cut the demo frames the first time. */
async function demoDetector(config: KioskConfig): Promise<HumanFaceDetector> {
  await initBackend(config.engine.backend);
  return HumanFaceDetector.create();
}

export interface KioskServer {
  url: string;
  app: FastifyInstance;
  io: IoServer;
  pipeline: KioskPipeline;
  health: KioskHealth;
  workers: { tracker: WorkerClient; plq: WorkerClient; assess: WorkerClient };
  authenticator: Authenticator;
  /** The append-only audit log (JSON lines). */
  auditFile: string;
  close(): Promise<void>;
}

export interface KioskServerOptions {
  /** Injected camera (tests); otherwise made from config.camera.source. */
  camera?: CameraSource;
  /** false: no logging. Otherwise pino at PLQ_LOG_LEVEL (info), credentials masked (never logs image data). */
  logger?: boolean;
  /** Where log lines go (default stdout). */
  logSink?: LogSink;
}

export async function startKioskServer(config: KioskConfig, options: KioskServerOptions = {}): Promise<KioskServer> {
  const exposure = exposureProblem(config);
  if (exposure) throw new Error(exposure);
  const { tls } = config.server;
  const https = tls.cert && tls.key ? { cert: await readFile(tls.cert), key: await readFile(tls.key) } : null;
  const manifest = await readManifest(config.engine.model);
  const demo = config.camera.source === DEMO_SPEC;
  const spec = demo ? `replay:${await ensureDemoFrames(() => demoDetector(config))}` : config.camera.source;
  const camera = rotatedSource(
    options.camera ??
      createCameraSource(spec, {
        fps: config.camera.fps,
        maxWidth: config.camera.width,
        holdFrames: Math.round(config.camera.holdSeconds * config.camera.fps),
        gapFrames: Math.round((config.camera.gapSeconds ?? (demo ? DEMO_GAP_SECONDS : 0)) * config.camera.fps),
        reconnect: { minDelayMs: config.camera.reconnectMinDelayMs, maxDelayMs: config.camera.reconnectMaxDelayMs },
      }),
    config.camera.rotate,
  );
  const store = await CaptureStore.open({
    dir: path.resolve(config.capture.dir),
    retentionMs: config.capture.retentionHours * 3600_000,
    maxCount: config.capture.maxCount,
    minFreeBytes: Math.round(config.capture.minFreeMB * 1024 * 1024),
    maxPending: config.capture.maxPendingCaptures,
  });
  const auditFile = auditFilePath(config.audit.file, config.capture.dir);
  const audit = new AuditLog(auditFile, (err) => console.error(`[audit] cannot write ${auditFile}: ${err.message}`), {
    maxBytes: Math.round(config.audit.maxMB * BYTES_PER_MB),
    keepFiles: config.audit.keepFiles,
    ...(config.audit.maxAgeDays === null ? {} : { maxAgeMs: config.audit.maxAgeDays * MS_PER_DAY }),
  });
  // lines past audit.maxAgeDays go even while nothing is written
  const auditPruning = setInterval(() => void audit.prune(), AUDIT_PRUNE_EVERY_MS).unref();
  const captures = new CaptureService(store, manifest, config.capture.iso, config.capture.advisoryComponents, audit);
  const tracker = trackerWorker(config);
  const plq = plqWorker(config);
  const assess = assessWorker(config);
  const workers = [tracker, plq, assess];
  try {
    await Promise.all([tracker.start(), plq.start()]);
  } catch (err) {
    clearInterval(auditPruning);
    await Promise.all(workers.map((w) => w.close()));
    await store.close();
    throw err;
  }

  const pipeline = new KioskPipeline(config, camera, tracker, plq, captures);
  const fastifyOptions = {
    logger: options.logger === false ? false : kioskLoggerOptions(process.env.PLQ_LOG_LEVEL ?? 'info', options.logSink),
    bodyLimit: config.server.maxUploadBytes,
  };
  // the HTTPS instance differs from the HTTP one only in its server's type
  const app = (https ? Fastify({ ...fastifyOptions, https }) : Fastify(fastifyOptions)) as unknown as FastifyInstance;
  const auth = config.server.auth;
  const sessions = new SessionStore({ idleMs: auth.sessionIdleSeconds * 1000, maxMs: auth.sessionMaxSeconds * 1000 });
  const authenticator = new Authenticator(auth, sessions);
  const policy = new OriginPolicy(config.server);
  policy.bind(config.server.port);
  for (const w of workers) {
    w.on('restart', (reason: string) => app.log.warn({ worker: reason }, 'model worker restarted'));
    w.on('error', (err: Error) => app.log.error({ err: err.message }, 'model worker error'));
  }
  const health = new KioskHealth({ config, metrics: pipeline.metrics, workers: [tracker, plq], store: () => captures.storeHealth(), probes: [openCvThreadHealth] });
  await app.register(originGuard, { policy });
  await app.register(authSession, { authenticator });
  await app.register(roleGuard);
  await app.register(loginRoutes, { authenticator, auth, audit, secure: https !== null });
  await app.register(healthRoutes, { pipeline, health });
  await app.register(kioskPortraitRoute, { pipeline, store: captures });
  await app.register(metricsRoute, { pipeline });
  await app.register(capturesRoutes, { store: captures });
  await app.register(storageRoute, { health: () => captures.storeHealth() });
  await app.register(assessRoute, { worker: assess, maxUploadBytes: config.server.maxUploadBytes, ...config.assess });
  await app.register(uiStatic, { root: UI_DIST });
  const io = attachSockets(app.server, { pipeline, store: captures, config, authenticator, policy, audit });
  pipeline.events$.subscribe((e) => {
    if (e.type === 'error') app.log.warn({ pipeline: e.data.message }, 'pipeline error');
    else if (e.type === 'camera') app.log[cameraLogLevel(e.data)]({ camera: e.data }, 'camera');
    else if (e.type === 'capture') app.log.info({ capture: e.data.id, qualityScaled: e.data.qualityScaled, trigger: e.data.trigger }, 'captured');
    else if (e.type === 'waivers' && e.data.ended) void recordEndedWaivers(audit, e.data.ended);
  });
  // the operator must know when captures cannot be written (disk full or failing)
  const stopStorageAlerts = captures.onStoreHealth((h) => {
    if (h.writable) app.log.info({ storage: h }, 'capture storage writable');
    else app.log.error({ storage: h }, 'capture storage NOT writable: captures wait in memory');
    io.of('/operator').emit('storage', h);
  });
  const address = await app.listen({ host: config.server.host, port: config.server.port });
  const bound = app.server.address();
  if (bound && typeof bound === 'object') policy.bind(bound.port);
  pipeline.start();
  health.start();
  app.log.info({ camera: camera.description, model: config.engine.model, profile: config.profile }, 'kiosk running');

  let closed = false;
  return {
    url: address,
    app,
    io,
    pipeline,
    health,
    workers: { tracker, plq, assess },
    authenticator,
    auditFile,
    async close() {
      if (closed) return;
      closed = true;
      health.stop();
      pipeline.stop();
      stopStorageAlerts();
      io.close();
      await app.close();
      sessions.close();
      clearInterval(auditPruning);
      await Promise.all(workers.map((w) => w.close()));
      await store.close();
    },
  };
}
