/**
 * Turns a capture decision into stored files (portrait crop, report with ISO components, images)
 * and exposes the store to the HTTP routes.
 */
import type { CaptureInput, CaptureSink, SavedCapture } from '../pipeline/capture-sink.js';
import type { CaptureStorePort, CaptureSummaryView, CaptureFileName } from '../http/capture-store-port.js';
import type { ModelManifest } from '../../plq/model-manifest.js';
import { portraitCrop } from './portrait-crop.js';
import { buildCaptureReport } from './capture-report.js';
import { renderCaptureImages } from './capture-images.js';
import type { CaptureStore, StoreHealth, StoreHealthListener } from './capture-store.js';
import type { IsoThresholds } from './iso-components.js';
import { SYSTEM_ACTOR, type Actor } from '../../security/roles.js';
import { advisoryWithWaivers } from '../guidance/waivers.js';
import type { AuditSink } from '../auth/audit-log.js';

export class CaptureService implements CaptureSink, CaptureStorePort {
  private readonly triggers = new Map<string, string>();

  constructor(
    private readonly store: CaptureStore,
    private readonly manifest: ModelManifest,
    private readonly thresholds: IsoThresholds,
    /** `capture.advisoryComponents`: reported, not required. */
    private readonly advisory: readonly string[] = [],
    /** Where approvals, deletions and manual captures are recorded, with who did them. */
    private readonly audit?: AuditSink,
  ) {}

  async save(input: CaptureInput): Promise<SavedCapture> {
    const { frame, measurements, plq } = input;
    const portrait = await portraitCrop(frame.image, measurements);
    const cal = this.manifest.calibration;
    const report = buildCaptureReport({
      capturedAt: Date.now(),
      frame: { seq: frame.seq, ts: frame.ts, width: frame.image.width, height: frame.image.height },
      face: measurements,
      faceCount: input.faceCount,
      facesDetected: input.facesDetected,
      plq,
      portrait: { ...portrait, width: portrait.image.width, height: portrait.image.height },
      guidance: input.guidanceHistory,
      model: { name: input.model, inputSize: this.manifest.inputSize, alpha: cal.alpha, r: cal.r, gamma: cal.gamma, clip: cal.gradClip },
      camera: { description: input.camera, width: frame.image.width, height: frame.image.height, trigger: input.trigger },
      thresholds: this.thresholds,
      advisory: advisoryWithWaivers(this.advisory, input.waivers ?? []),
      waivers: input.waivers ?? [],
      presentationAttack: input.presentationAttack,
      ...(input.trigger === 'manual' && input.actor ? { capturedBy: input.actor.user } : {}),
    });
    const images = await renderCaptureImages(frame.image, portrait.image, plq);
    const summary = await this.store.save({ report, images });
    this.triggers.set(summary.id, input.trigger);
    if (input.trigger === 'manual') await this.audit?.record({ action: 'manual-capture', actor: input.actor ?? SYSTEM_ACTOR, captureId: summary.id, ok: true });
    return { id: summary.id, ts: summary.capturedAt, qualityScaled: summary.qualityScaled, failedChecks: [...report.failedChecks], pending: summary.pending };
  }

  /** Whether captures can be written now, free space, captures waiting in memory. */
  storeHealth(): StoreHealth {
    return this.store.storeHealth();
  }

  onStoreHealth(listener: StoreHealthListener): () => void {
    return this.store.onHealth(listener);
  }

  async list(): Promise<CaptureSummaryView[]> {
    return this.store.list().map((s) => ({
      id: s.id,
      ts: s.capturedAt,
      qualityScaled: s.qualityScaled,
      approved: s.approved,
      pending: s.pending,
      trigger: this.triggers.get(s.id) ?? 'auto',
    }));
  }

  report(id: string): Promise<unknown | undefined> {
    return this.store.get(id);
  }

  async file(id: string, name: CaptureFileName): Promise<Buffer | undefined> {
    return (await this.store.file(id, name))?.data;
  }

  async delete(id: string, actor: Actor = SYSTEM_ACTOR): Promise<boolean> {
    const ok = await this.store.delete(id);
    await this.audit?.record({ action: 'delete', actor, captureId: id, ok });
    return ok;
  }

  async approve(id: string, actor: Actor = SYSTEM_ACTOR): Promise<boolean> {
    const ok = (await this.store.approve(id, true, actor.user)) !== undefined;
    await this.audit?.record({ action: 'approve', actor, captureId: id, ok });
    return ok;
  }
}
