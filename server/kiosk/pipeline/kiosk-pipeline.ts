/**
 * The live pipeline (DESIGN.md section 4): camera frames -> tracking (worker, every frame it can
 * take, dropping the rest) -> guidance (rules + hysteresis) and the best-aligned frame of each
 * window -> PLQ (worker, dropping while busy) -> region rules, capture condition -> capture.
 * Everything leaves as KioskEvents; the server fans them out over Socket.IO.
 */
import type { Actor } from '../../security/roles.js';
import {
  BehaviorSubject,
  EMPTY,
  Subject,
  Subscription,
  asyncScheduler,
  catchError,
  filter,
  from,
  map,
  share,
  tap,
  throttleTime,
  withLatestFrom,
  type Observable,
} from 'rxjs';
import sharp from 'sharp';
import type { CameraSource, Frame } from '../camera/frame.js';
import type { KioskConfig } from '../config/kiosk-config.js';
import type { WorkerClient } from '../workers/worker-client.js';
import type { TrackRequest } from '../workers/tracker-worker.js';
import type { PlqRequest, PlqResponse } from '../workers/plq-worker.js';
import type { TrackingResult } from './measurements.js';
import { dropWhileBusy } from './operators/drop-while-busy.js';
import { latestWhileBusy } from './operators/latest-while-busy.js';
import { selectBestAligned } from './operators/select-best-aligned.js';
import { guidanceHysteresis, type GuidanceCandidate, type GuidanceObservation } from './operators/guidance-hysteresis.js';
import { captureCondition } from './operators/capture-condition.js';
import { alignmentScore } from './alignment-score.js';
import { trackingCandidates, occlusionCandidates, presentationAttackCandidates, candidate } from '../guidance/guidance-rules.js';
import { loadDetectors, type GuidanceDetectors } from '../guidance/guidance-detectors.js';
import { liveChecks, type LiveChecks } from '../capture/capture-checks.js';
import { messageText } from '../guidance/message-catalogue.js';
import type { GuidanceId, Language } from '../guidance/guidance-ids.js';
import type { AlignedMapEvent, CaptureEvent, FrameEvent, GuidanceMessage, KioskEvent } from './kiosk-events.js';
import type { KioskState } from './kiosk-state.js';
import type { CaptureSink, GuidanceHistoryEntry } from './capture-sink.js';
import { KioskMetrics } from './kiosk-metrics.js';

interface Tracked {
  frame: Frame;
  tracking: TrackingResult;
}
interface Assessed extends Tracked {
  plq: PlqResponse;
  /** The capture checks (ISO components) on this frame with its own PLQ result. */
  checks: LiveChecks;
}

/** A PLQ result is used for region rules only while it is this fresh. */
const PLQ_FRESH_MS = 1500;
/** With no face for this long after a capture, the next person starts a new session. */
const LEAVE_RESET_MS = 2500;

export class KioskPipeline {
  readonly events$ = new Subject<KioskEvent>();
  readonly metrics = new KioskMetrics();
  private readonly subs = new Subscription();
  private readonly observations$ = new Subject<GuidanceObservation>();
  private readonly shown$ = new BehaviorSubject<GuidanceCandidate[]>([]);
  private language: Language;
  private state: KioskState = 'searching';
  private cameraLost = false;
  private latestPlq: Assessed | undefined;
  private sessionStart: number | undefined;
  private lastFaceTs = 0;
  private capturedAt = 0;
  private goodRun = 0;
  private plqCalls = 0;
  private lastCaptureEvent: CaptureEvent | undefined;
  private persistence = new Map<string, number>();
  private history: GuidanceHistoryEntry[] = [];
  private lastShownTs = 0;
  private lastGuidanceKey = '';
  /**
   * `presentation-attack` has shown in this session (with `latch`): no auto-capture until the
   * operator resets the kiosk or captures by hand and the session ends.
   */
  private attackLatched = false;

  /** Learned occlusion detectors (models/guidance-detectors.json), or null: rules only. */
  readonly detectors: GuidanceDetectors | null;

  constructor(
    private readonly config: KioskConfig,
    private readonly camera: CameraSource,
    private readonly tracker: WorkerClient,
    private readonly plqWorker: WorkerClient,
    private readonly captures: CaptureSink,
    options: { detectors?: GuidanceDetectors | null } = {},
  ) {
    this.detectors = options.detectors === undefined ? loadDetectors() : options.detectors;
    this.language = config.guidance.language;
    tracker.on('restart', this.trackerRestarted);
    plqWorker.on('restart', this.plqRestarted);
  }

  private readonly trackerRestarted = (): void => this.workerRestarted('tracker');
  private readonly plqRestarted = (): void => this.workerRestarted('plq');

  private emit(e: KioskEvent): void {
    this.events$.next(e);
  }

  private workerRestarted(name: string): void {
    this.metrics.counters.workerRestarts++;
    this.emit({ type: 'error', data: { message: `${name} worker crashed and was restarted` } });
  }

  get currentState(): KioskState {
    return this.state;
  }

  get currentLanguage(): Language {
    return this.language;
  }

  start(): void {
    const frames$ = this.camera.frames().pipe(share());
    this.subs.add(
      this.camera.status().subscribe((s) => {
        this.metrics.cameraState = s.state;
        this.emit({ type: 'camera', data: s });
        if (s.state === 'lost' || s.state === 'reconnecting') {
          if (!this.cameraLost) this.metrics.counters.cameraLost++;
          this.cameraLost = true;
          this.setState('camera-lost', s.detail);
        } else if (s.state === 'streaming' && this.cameraLost) {
          this.cameraLost = false;
          this.setState('searching');
        }
      }),
    );

    const tracked$: Observable<Tracked> = frames$.pipe(
      map((f) => {
        this.metrics.framesIn.mark();
        this.metrics.counters.framesTotal++;
        return f;
      }),
      latestWhileBusy(
        (frame: Frame) =>
          from(
            // the pixels are transferred to the worker and back, not copied
            this.tracker.call<TrackingResult & { data: Uint8Array }>(
              'track',
              { seq: frame.seq, ts: frame.ts, width: frame.image.width, height: frame.image.height, data: frame.image.data } satisfies TrackRequest,
              [frame.image.data.buffer as ArrayBuffer],
            ),
          ).pipe(
            map(({ data, ...tracking }) => ({ frame: { ...frame, image: { ...frame.image, data } }, tracking })),
            catchError((err: Error) => this.fail(err)),
          ),
        () => this.metrics.counters.droppedTracking++,
      ),
      share(),
    );

    // preview frames, downscaled JPEG, with the latest face boxes
    this.subs.add(
      tracked$
        .pipe(
          throttleTime(1000 / this.config.ui.previewFps, asyncScheduler, { leading: true, trailing: false }),
          dropWhileBusy((t: Tracked) => from(this.preview(t)).pipe(catchError((err: Error) => this.fail(err)))),
        )
        .subscribe((data) => this.emit({ type: 'frame', data })),
    );

    this.subs.add(tracked$.subscribe((t) => this.onTracked(t)));
    this.subs.add(
      this.observations$
        .pipe(
          guidanceHysteresis({
            showAfterMs: this.config.guidance.showAfterMs,
            hideAfterMs: this.config.guidance.hideAfterMs,
            maxShown: this.config.guidance.maxShown,
          }),
        )
        .subscribe((shown) => this.shown$.next(shown)),
    );
    this.subs.add(
      this.shown$.subscribe((shown) => {
        if (this.config.guidance.presentationAttack.latch && shown.some((c) => c.id === 'presentation-attack')) this.attackLatched = true;
        this.publishGuidance();
      }),
    );

    const assessed$: Observable<Assessed> = tracked$.pipe(
      // one clear subject (faces[0]); with competing faces the kiosk does not guess
      filter((t) => t.tracking.faces.length > 0 && t.tracking.competingFaces === 0 && this.state !== 'captured' && !this.cameraLost),
      tap(() => this.metrics.plqDemand.mark()),
      selectBestAligned((t: Tracked) => alignmentScore(t.tracking.faces[0]), this.config.selection.windowMs),
      dropWhileBusy(
        (t: Tracked) =>
          from(
            this.plqWorker.call<PlqResponse>('plq', {
              seq: t.frame.seq,
              ts: t.frame.ts,
              width: t.frame.image.width,
              height: t.frame.image.height,
              data: t.frame.image.data,
              landmarks5: t.tracking.faces[0].landmarks5,
              adMam: this.config.xai.mamFile !== null && this.plqCalls++ % this.config.xai.everyNthPlq === 0,
            } satisfies PlqRequest),
          ).pipe(
            map((plq) => ({ ...t, plq, checks: this.checks(t.tracking, plq) })),
            catchError((err: Error) => this.fail(err)),
          ),
        () => this.metrics.counters.droppedPlq++,
      ),
      share(),
    );

    this.subs.add(assessed$.subscribe((a) => this.onAssessed(a)));
    this.subs.add(
      assessed$
        .pipe(
          withLatestFrom(this.shown$),
          filter(() => this.state !== 'captured' && !this.cameraLost),
          map(([a, shown]) => ({
            result: a,
            qualityScaled: a.plq.qualityScaled,
            blocked: this.attackLatched || shown.some((c) => c.blocking),
            failed: a.checks.assessment.failed,
          })),
          captureCondition({
            threshold: this.config.capture.threshold,
            successive: this.config.capture.successive,
            advisory: this.config.capture.advisoryComponents,
          }),
        )
        .subscribe((a) => void this.capture(a, 'auto')),
    );
  }

  /** The capture checks on the subject (faces[0]) of a tracked frame, with a PLQ result when there is one. */
  private checks(tracking: TrackingResult, plq: PlqResponse | undefined): LiveChecks {
    return liveChecks(
      {
        face: tracking.faces[0],
        faceCount: 1 + tracking.competingFaces,
        frame: { width: tracking.width, height: tracking.height },
        plq,
      },
      this.config.capture.iso,
      this.config.capture.advisoryComponents,
    );
  }

  private fail(err: Error): Observable<never> {
    this.metrics.counters.errors++;
    this.emit({ type: 'error', data: { message: err.message } });
    return EMPTY;
  }

  private async preview(t: Tracked): Promise<FrameEvent> {
    const { image } = t.frame;
    const w = Math.min(this.config.ui.previewWidth, image.width);
    const scale = w / image.width;
    const jpeg = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
      raw: { width: image.width, height: image.height, channels: 3 },
    })
      .resize(w)
      .jpeg({ quality: this.config.ui.jpegQuality })
      .toBuffer();
    return {
      seq: t.frame.seq,
      ts: t.frame.ts,
      width: w,
      height: Math.round(image.height * scale),
      jpeg,
      faces: t.tracking.faces.map((f) => ({
        box: f.box.map((v) => v * scale) as [number, number, number, number],
        ...(f.antispoof !== undefined ? { antispoof: f.antispoof } : {}),
        ...(f.liveness !== undefined ? { liveness: f.liveness } : {}),
      })),
    };
  }

  private onTracked({ frame, tracking }: Tracked): void {
    this.metrics.tracked.mark();
    this.metrics.counters.trackedTotal++;
    this.metrics.trackMs.add(tracking.trackMs);
    const now = frame.ts;
    const faces = tracking.faces;
    if (faces.length > 0) {
      this.lastFaceTs = now;
      this.sessionStart ??= now;
    } else if (this.state === 'captured' && now - this.lastFaceTs > LEAVE_RESET_MS) {
      this.reset();
    }
    if (this.state === 'captured' && now - this.capturedAt > this.config.capture.resetAfterSeconds * 1000) this.reset();
    const candidates = trackingCandidates(faces, tracking.width, this.config.guidance.thresholds, tracking.competingFaces);
    if (faces.length > 0 && tracking.competingFaces === 0) {
      const fresh = this.latestPlq && now - this.latestPlq.frame.ts < PLQ_FRESH_MS ? this.latestPlq.plq : undefined;
      candidates.push(...occlusionCandidates(faces[0], fresh, this.config.guidance.thresholds, this.detectors));
      // a capture check that fails says what to do about it, at the check's own threshold
      for (const id of this.checks(tracking, fresh).guidance) if (!candidates.some((c) => c.id === id)) candidates.push(candidate(id));
      candidates.push(...presentationAttackCandidates(faces[0], this.config.guidance.presentationAttack));
    }
    this.observations$.next({ ts: now, candidates });
    this.updatePersistence(now);
    if (this.cameraLost || this.state === 'captured') return;
    if (faces.length === 0) this.setState('searching');
    else if (this.attackLatched || this.shown$.value.some((c) => c.blocking)) this.setState('adjusting');
    else if (this.state !== 'holding') this.setState('holding', undefined, Math.max(0, this.config.capture.successive - this.goodRun));
    this.publishGuidance();
  }

  private onAssessed(a: Assessed): void {
    this.latestPlq = a;
    this.metrics.plq.mark();
    this.metrics.counters.plqTotal++;
    this.metrics.plqMs.add(a.plq.plqMs);
    this.metrics.frameToPlqMs.add(Date.now() - a.frame.ts);
    if (this.state === 'holding' || this.state === 'adjusting') {
      this.goodRun = a.plq.qualityScaled >= this.config.capture.threshold && a.checks.failed.length === 0 ? this.goodRun + 1 : 0;
      if (this.state === 'holding') this.setState('holding', undefined, Math.max(0, this.config.capture.successive - this.goodRun));
    }
    const placed = (png: Uint8Array, width: number, height: number): AlignedMapEvent => ({
      seq: a.plq.seq,
      frameTs: a.plq.frameTs,
      transform: a.plq.transform,
      frameWidth: a.frame.image.width,
      frameHeight: a.frame.image.height,
      width,
      height,
      png: Buffer.from(png),
    });
    const { plq } = a;
    this.emit({
      type: 'plq',
      data: {
        ...placed(plq.overlayPng, plq.width, plq.height),
        quality: plq.quality,
        qualityScaled: plq.qualityScaled,
        regions: plq.regions,
        plqMs: plq.plqMs,
      },
    });
    const ad = plq.adMam;
    if (ad) this.emit({ type: 'admam', data: { ...placed(ad.png, ad.width, ad.height), mean: ad.mean, camMs: ad.camMs } });
  }

  private updatePersistence(now: number): void {
    const dt = this.lastShownTs ? Math.min(now - this.lastShownTs, 1000) : 0;
    this.lastShownTs = now;
    for (const c of this.shown$.value) this.persistence.set(c.id, (this.persistence.get(c.id) ?? 0) + dt);
  }

  private message(id: GuidanceId, priority: number): GuidanceMessage {
    return { id, priority, text: messageText(id, this.language) };
  }

  /** Sends the guidance event when the messages, hint or language changed. */
  private publishGuidance(force = false): void {
    const shown = this.shown$.value;
    const messages = shown.map((c) => this.message(c.id as GuidanceId, c.priority));
    let hint: GuidanceMessage | null = null;
    const elapsed = this.sessionStart !== undefined && this.state !== 'captured' ? this.lastShownTs - this.sessionStart : 0;
    if (elapsed > this.config.guidance.hintAfterMs && this.persistence.size) {
      const [id] = [...this.persistence.entries()].sort((a, b) => b[1] - a[1])[0];
      hint = this.message(id as GuidanceId, candidate(id as GuidanceId).priority);
    }
    // a presentation attack calls staff at once (its message says so) and, latched, stays shown
    const attack = this.attackLatched || messages.some((m) => m.id === 'presentation-attack');
    if (this.attackLatched && !messages.some((m) => m.id === 'presentation-attack')) {
      messages.unshift(this.message('presentation-attack', candidate('presentation-attack').priority));
    }
    if (!attack && elapsed > this.config.guidance.assistanceAfterMs && !messages.some((m) => m.id === 'ask-assistance')) {
      messages.push(this.message('ask-assistance', candidate('ask-assistance').priority));
    }
    const key = JSON.stringify([messages.map((m) => m.id), hint?.id, this.language]);
    if (!force && key === this.lastGuidanceKey) return;
    this.lastGuidanceKey = key;
    if (messages.length) this.history.push({ ts: this.lastShownTs || Date.now(), ids: messages.map((m) => m.id) });
    if (this.history.length > 500) this.history.shift();
    this.emit({ type: 'guidance', data: { messages, language: this.language, hint } });
  }

  private lastRemaining: number | undefined;

  private setState(state: KioskState, detail?: string, remaining?: number): void {
    if (state === this.state && state !== 'camera-lost' && (state !== 'holding' || remaining === this.lastRemaining)) return;
    if (state !== 'holding') this.goodRun = 0;
    this.lastRemaining = remaining;
    this.state = state;
    this.emit({ type: 'state', data: { state, ...(detail ? { detail } : {}), ...(remaining !== undefined ? { remaining } : {}) } });
  }

  private async capture(a: Assessed, trigger: 'auto' | 'manual', actor?: Actor): Promise<void> {
    this.capturedAt = a.frame.ts;
    this.setState('captured');
    try {
      const saved = await this.captures.save({
        trigger,
        frame: a.frame,
        measurements: a.tracking.faces[0],
        faceCount: 1 + a.tracking.competingFaces,
        facesDetected: a.tracking.faces.length,
        plq: a.plq,
        guidanceHistory: [...this.history],
        presentationAttack: {
          ...this.config.guidance.presentationAttack,
          suspected: this.attackLatched || this.shown$.value.some((c) => c.id === 'presentation-attack'),
        },
        model: this.config.engine.model,
        camera: this.camera.description,
        ...(actor ? { actor } : {}),
      });
      this.metrics.counters.captures++;
      const base = `/api/captures/${saved.id}`;
      this.lastCaptureEvent = {
        id: saved.id,
        ts: saved.ts,
        qualityScaled: saved.qualityScaled,
        trigger,
        failedChecks: saved.failedChecks,
        portraitUrl: `${base}/portrait.jpg`,
        frameUrl: `${base}/frame.jpg`,
        reportUrl: `${base}/report.json`,
      };
      this.emit({ type: 'capture', data: this.lastCaptureEvent });
    } catch (err) {
      this.fail(err as Error);
      this.setState('adjusting', `capture failed: ${(err as Error).message}`);
    }
  }

  /**
   * Operator: capture the latest assessed frame now, whatever its checks say; its report (and the
   * capture event) lists the required checks that failed in `failedChecks`.
   */
  async manualCapture(actor?: Actor): Promise<boolean> {
    if (!this.latestPlq) return false;
    await this.capture(this.latestPlq, 'manual', actor);
    return true;
  }

  /** The person asks for another picture: keep the session, clear the capture. */
  retake(): void {
    this.latestPlq = undefined;
    this.state = 'searching';
    this.setState('adjusting');
  }

  /** A new person: forget the session. */
  reset(): void {
    this.latestPlq = undefined;
    this.attackLatched = false;
    this.sessionStart = undefined;
    this.persistence.clear();
    this.history = [];
    this.state = 'adjusting';
    this.setState('searching');
    this.publishGuidance(true);
  }

  setLanguage(language: Language): void {
    this.language = language;
    this.publishGuidance(true);
  }

  snapshot(): {
    state: KioskState;
    language: Language;
    guidance: GuidanceMessage[];
    captureThreshold: number;
    capture: CaptureEvent | null;
  } {
    return {
      state: this.state,
      language: this.language,
      guidance: [
        // a latched presentation attack stays shown (as in publishGuidance)
        ...(this.attackLatched && !this.shown$.value.some((c) => c.id === 'presentation-attack')
          ? [this.message('presentation-attack', candidate('presentation-attack').priority)]
          : []),
        ...this.shown$.value.map((c) => this.message(c.id as GuidanceId, c.priority)),
      ],
      captureThreshold: this.config.capture.threshold,
      // a client connecting while the captured screen shows gets the capture too
      capture: this.state === 'captured' ? (this.lastCaptureEvent ?? null) : null,
    };
  }

  /** Stops the pipeline; the workers are the caller's (they may serve a next pipeline). */
  stop(): void {
    this.tracker.off('restart', this.trackerRestarted);
    this.plqWorker.off('restart', this.plqRestarted);
    this.subs.unsubscribe();
    this.metrics.close();
    this.events$.complete();
  }
}
