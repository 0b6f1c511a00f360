/**
 * The live pipeline (DESIGN.md section 4): camera frames -> tracking (worker, every frame it can
 * take, dropping the rest) -> guidance (rules + hysteresis) and the best-aligned frame of each
 * window -> PLQ (worker, dropping while busy) -> region rules, capture condition -> capture.
 * Everything leaves as KioskEvents; the server fans them out over Socket.IO.
 */
import type { Actor } from '../../security/roles.js';
import {
  EMPTY,
  Subject,
  Subscription,
  asyncScheduler,
  catchError,
  distinctUntilChanged,
  filter,
  from,
  map,
  share,
  tap,
  switchMap,
  throttleTime,
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
import { guidanceHysteresis, type GuidanceObservation } from './operators/guidance-hysteresis.js';
import { captureCondition, countsTowardsCapture, type CaptureCandidate } from './operators/capture-condition.js';
import { alignmentScore } from './alignment-score.js';
import { PlqCadence } from './plq-cadence.js';
import { trackingCandidates, occlusionCandidates, presentationAttackCandidates, candidate } from '../guidance/guidance-rules.js';
import { kioskDetectors, loadDetectors, type GuidanceDetectors } from '../guidance/guidance-detectors.js';
import { liveChecks, type LiveChecks } from '../capture/capture-checks.js';
import type { GuidanceId, Language } from '../guidance/guidance-ids.js';
import type { AlignedMapEvent, CaptureEvent, FrameEvent, GuidanceMessage, KioskEvent } from './kiosk-events.js';
import type { KioskState } from './kiosk-state.js';
import type { CaptureSink } from './capture-sink.js';
import { KioskMetrics } from './kiosk-metrics.js';
import { initialSession, type SessionEvent, type SessionOptions, type SessionState } from './session/session-state.js';
import { guidanceMessage, type SaveEffect } from './session/session-effects.js';
import { sessionLoop, type SessionLoop } from './session/session-loop.js';
import { ANOTHER_PERSON } from './session/session-reducer.js';
import { SAME_PERSON_TEMPLATES, samePersonThreshold, type SamePersonOptions } from './session/same-person.js';
import { advisoryWithWaivers, withoutWaived, type Waiver } from '../guidance/waivers.js';

interface Tracked {
  frame: Frame;
  tracking: TrackingResult;
}
interface Assessed extends Tracked {
  plq: PlqResponse;
  /** The session epoch when PLQ was asked for: results of an earlier epoch are stale. */
  epoch: number;
  /** The capture checks (ISO components) on this frame with its own PLQ result. */
  checks: LiveChecks;
  /**
   * The blocking occlusion messages (glasses, a covered cheek, ...) this frame's own PLQ result
   * brings. The shown messages lag it: they need a map, then `showAfterMs` of them.
   */
  occluded: GuidanceId[];
}

/** The latest PLQ result as the capture condition sees it (`KioskPipeline.latestAssessment`). */
export interface LatestAssessment {
  frameTs: number;
  qualityScaled: number;
  /** Q^ below `capture.threshold`. */
  belowThreshold: boolean;
  /** Required capture checks (ISO components) that fail. */
  failedChecks: string[];
  /** Blocking occlusion messages of this result's own map, less the waived ones. */
  occluded: GuidanceId[];
  /** Blocking messages shown now (the hysteresis's, less the waived ones). */
  blockingShown: GuidanceId[];
  meshConfidence: number;
  attackLatched: boolean;
}

/** With no face for this long after a capture, the next person starts a new session. */
const LEAVE_RESET_MS = 2500;

function sessionOptions(config: KioskConfig): SessionOptions {
  return {
    successive: config.capture.successive,
    resetAfterMs: config.capture.resetAfterSeconds * 1000,
    leaveResetMs: LEAVE_RESET_MS,
    hintAfterMs: config.guidance.hintAfterMs,
    assistanceAfterMs: config.guidance.assistanceAfterMs,
    latchAttack: config.guidance.presentationAttack.latch,
    samePerson: samePersonOptions(config),
  };
}

/** The same-person check as configured: its threshold is the config's or the one measured for the FR model; none, no check. */
export function samePersonOptions(config: KioskConfig): SamePersonOptions | null {
  const { enabled, minSimilarity, minBoxOverlap } = config.guidance.samePerson;
  const threshold = samePersonThreshold(config.engine.model, minSimilarity);
  return enabled && threshold !== undefined ? { minSimilarity: threshold, minBoxOverlap, templates: SAME_PERSON_TEMPLATES } : null;
}

export class KioskPipeline {
  readonly events$ = new Subject<KioskEvent>();
  readonly metrics = new KioskMetrics();
  private readonly subs = new Subscription();
  private readonly observations$ = new Subject<GuidanceObservation>();
  /** Everything the session is made of goes through the reducer (session/). */
  private readonly loop: SessionLoop<Assessed>;
  private plqCalls = 0;
  /** The pace of PLQ results: how long the latest one stands for the face (region rules, checks). */
  private readonly plqCadence: PlqCadence;

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
    this.plqCadence = new PlqCadence(config.selection.windowMs);
    this.detectors = kioskDetectors(options.detectors === undefined ? loadDetectors() : options.detectors, config.engine.model, config.guidance.closedEyeProbe);
    // running from the start: reset(), retake() etc. may come before start()
    this.loop = sessionLoop(sessionOptions(config), initialSession<Assessed>(config.guidance.language), {
      emit: (e) => this.emit(e),
      save: (e) => this.save(e),
      failed: (err) => void this.fail(err),
      cameraLost: () => this.metrics.counters.cameraLost++,
      now: () => Date.now(),
    });
    tracker.on('restart', this.trackerRestarted);
    plqWorker.on('restart', this.plqRestarted);
  }

  private dispatch(e: SessionEvent<Assessed>): void {
    this.loop.dispatch(e);
  }

  private get session(): SessionState<Assessed> {
    return this.loop.state;
  }

  private readonly trackerRestarted = (): void => this.workerRestarted('tracker');
  private readonly plqRestarted = (): void => this.workerRestarted('plq');

  private emit(e: KioskEvent): void {
    if (e.type === 'state' && e.data.detail === ANOTHER_PERSON) this.metrics.counters.anotherPerson++;
    this.events$.next(e);
  }

  private workerRestarted(name: string): void {
    this.metrics.counters.workerRestarts++;
    this.emit({ type: 'error', data: { message: `${name} worker crashed and was restarted` } });
  }

  get currentState(): KioskState {
    return this.session.phase;
  }

  get currentLanguage(): Language {
    return this.session.language;
  }

  /**
   * Frames go to PLQ and the capture condition except with the camera lost, and on the captured
   * screen only while a break in the track asks who is there now (the capture condition ignores
   * them there).
   */
  private get assessing(): boolean {
    const { phase, identityCheck } = this.session;
    return phase === 'captured' ? identityCheck : phase !== 'camera-lost';
  }

  start(): void {
    const frames$ = this.camera.frames().pipe(share());
    this.subs.add(
      this.camera.status().subscribe((s) => {
        this.metrics.cameraState = s.state;
        this.emit({ type: 'camera', data: s });
        this.dispatch({ type: 'camera', now: Date.now(), status: s.state, ...(s.detail ? { detail: s.detail } : {}) });
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
        .subscribe((shown) => {
          this.dispatch({ type: 'guidance-shown', now: Date.now(), shown });
        }),
    );

    const assessed$: Observable<Assessed> = tracked$.pipe(
      // one clear subject (faces[0]), on a frame the detector ran on; with competing faces the kiosk does not guess
      filter((t) => t.tracking.faces.length > 0 && !t.tracking.faces[0].tracked && t.tracking.competingFaces === 0 && this.assessing),
      tap(() => this.metrics.plqDemand.mark()),
      selectBestAligned((t: Tracked) => alignmentScore(t.tracking.faces[0]), this.config.selection.windowMs),
      dropWhileBusy(
        (t: Tracked) => {
          const epoch = this.session.epoch;
          return from(
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
            map((plq) => ({ ...t, plq, epoch, checks: this.checks(t.tracking, plq), occluded: this.occluded(t.tracking, plq) })),
            catchError((err: Error) => this.fail(err)),
          );
        },
        () => this.metrics.counters.droppedPlq++,
      ),
      share(),
    );

    this.subs.add(assessed$.subscribe((a) => this.onAssessed(a)));
    // a capture's successive results come from one epoch: the run starts again with each
    this.subs.add(
      this.loop.state$
        .pipe(
          map((s) => s.epoch),
          distinctUntilChanged(),
          switchMap((epoch) =>
            assessed$.pipe(
              filter((a) => a.epoch === epoch && this.assessing),
              map((a) => this.captureCandidate(a)),
              captureCondition({ ...this.captureOptions, successive: this.config.capture.successive }),
            ),
          ),
        )
        .subscribe((a) => this.dispatch({ type: 'capture-due', now: Date.now(), epoch: a.epoch, result: a, frameTs: a.frame.ts })),
    );
  }

  private get captureOptions(): { threshold: number; minMeshConfidence: number } {
    return { threshold: this.config.capture.threshold, minMeshConfidence: this.config.capture.minMeshConfidence };
  }

  /** A PLQ result as the capture condition, and the holding screen's countdown, judge it. */
  private captureCandidate(a: Assessed): CaptureCandidate<Assessed> {
    return {
      result: a,
      qualityScaled: a.plq.qualityScaled,
      // a new face is not captured before its guidance had time to show what is wrong;
      // the session's shown messages are the hysteresis's less the waived ones. Nor is a
      // frame whose own map shows an occluder: the message it brings shows only
      // `showAfterMs` after the map came
      blocked: this.session.attackLatched || this.session.shown.some((c) => c.blocking) || !this.inViewLongEnough(a.frame.ts) || this.occludedOnItsMap(a),
      // the required checks that fail, as judged when the result came (advisory ones, and
      // those of messages waived by then, are not in it)
      failed: a.checks.failed,
      meshConfidence: a.tracking.faces[0].score,
    };
  }

  private inViewLongEnough(frameTs: number): boolean {
    const since = this.session.faceSince;
    return since !== undefined && frameTs - since >= this.config.guidance.showAfterMs;
  }

  /** The blocking occlusion messages on the subject (faces[0]) of a tracked frame with its own PLQ result. */
  private occluded(tracking: TrackingResult, plq: PlqResponse): GuidanceId[] {
    return occlusionCandidates(tracking.faces[0], plq, this.config.guidance.thresholds, this.detectors)
      .filter((c) => c.blocking)
      .map((c) => c.id as GuidanceId);
  }

  /** A blocking occlusion message that the operator has not waived comes with this result's own map. */
  private occludedOnItsMap(a: Assessed): boolean {
    return this.unwaivedOcclusions(a).length > 0;
  }

  private unwaivedOcclusions(a: Assessed): GuidanceId[] {
    return a.occluded.filter((id) => !this.session.waivers.some((w) => w.id === id));
  }

  /** The capture's advisory components, with the checks of the session's waived messages. */
  private get advisory(): string[] {
    return advisoryWithWaivers(this.config.capture.advisoryComponents, this.session.waivers);
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
      this.advisory,
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
    if (faces[0]?.tracked) {
      // between two runs of the detector: the session follows the face, the guidance waits for the next run
      this.dispatch({ type: 'tracked', now, face: true, box: faces[0].box });
      return;
    }
    const candidates = trackingCandidates(faces, tracking.width, this.config.guidance.thresholds, tracking.competingFaces);
    if (faces.length > 0 && tracking.competingFaces === 0) {
      const latest = this.session.latest;
      const fresh = latest && this.plqCadence.isFresh(latest.frameTs, now) ? latest.result.plq : undefined;
      // the closed-eye probe's `open-eyes` may repeat the lids' rule's
      for (const c of occlusionCandidates(faces[0], fresh, this.config.guidance.thresholds, this.detectors)) if (!candidates.some((x) => x.id === c.id)) candidates.push(c);
      // a capture check that fails says what to do about it, at the check's own threshold
      const checks = this.checks(tracking, fresh);
      for (const id of checks.guidance) if (!candidates.some((c) => c.id === id)) candidates.push(candidate(id));
      // inside its margin a failing check is said only once it has kept the capture waiting a while
      const waitingShowAfterMs = this.config.guidance.waitingShowAfterMs;
      for (const id of checks.waiting) if (!candidates.some((c) => c.id === id)) candidates.push({ ...candidate(id), showAfterMs: waitingShowAfterMs });
      candidates.push(...presentationAttackCandidates(faces[0], this.config.guidance.presentationAttack));
    }
    // waived messages leave before the hysteresis, so that they take none of its `maxShown` places
    // (the session hides them at once, while the hysteresis still fades them out). The hysteresis
    // answers synchronously: the session sees the shown messages before the frame
    this.observations$.next({ ts: now, candidates: [...withoutWaived(candidates, this.session.waivers)] });
    this.dispatch({ type: 'tracked', now, face: faces.length > 0, ...(faces.length > 0 ? { box: faces[0].box } : {}) });
  }

  private onAssessed(a: Assessed): void {
    this.plqCadence.observe(a.frame.ts, Date.now());
    this.metrics.plq.mark();
    this.metrics.counters.plqTotal++;
    this.metrics.plqMs.add(a.plq.plqMs);
    this.metrics.frameToPlqMs.add(Date.now() - a.frame.ts);
    if (this.occludedOnItsMap(a)) this.metrics.counters.occludedResults++;
    // as the capture condition judges it, so that the holding countdown does not run for a result it will not take
    const good = countsTowardsCapture(this.captureCandidate(a), this.captureOptions);
    this.dispatch({ type: 'assessed', now: a.frame.ts, epoch: a.epoch, result: a, good, embedding: a.plq.embedding });
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

  private message(id: GuidanceId, priority: number): GuidanceMessage {
    return guidanceMessage({ id, priority }, this.session.language);
  }

  /** Writes a capture the session asked for; the session hears back through the effect runner. */
  private async save(e: SaveEffect<Assessed>): Promise<CaptureEvent> {
    const a = e.result;
    const saved = await this.captures.save({
      trigger: e.trigger,
      frame: a.frame,
      measurements: a.tracking.faces[0],
      faceCount: 1 + a.tracking.competingFaces,
      facesDetected: a.tracking.faces.length,
      plq: a.plq,
      guidanceHistory: e.guidanceHistory,
      presentationAttack: { ...this.config.guidance.presentationAttack, suspected: e.attackSuspected },
      waivers: e.waivers,
      model: this.config.engine.model,
      camera: this.camera.description,
      ...(e.actor ? { actor: e.actor } : {}),
    });
    this.metrics.counters.captures++;
    const base = `/api/captures/${saved.id}`;
    return {
      id: saved.id,
      ts: saved.ts,
      qualityScaled: saved.qualityScaled,
      trigger: e.trigger,
      failedChecks: saved.failedChecks,
      ...(saved.pending ? { pending: true } : {}),
      portraitUrl: `${base}/portrait.jpg`,
      frameUrl: `${base}/frame.jpg`,
      reportUrl: `${base}/report.json`,
    };
  }

  /**
   * Operator: capture the latest assessed frame now, whatever its checks say; its report (and the
   * capture event) lists the required checks that failed in `failedChecks`. While a capture is
   * being written, a second request waits for that one instead of making another. Resolves false
   * when there is nothing to capture (no assessed frame, or the camera is lost).
   */
  async manualCapture(actor?: Actor): Promise<boolean> {
    this.dispatch({ type: 'manual-capture', now: Date.now(), ...(actor ? { actor } : {}) });
    const pending = this.session.pending;
    if (!pending) return false;
    await this.loop.settled(pending.token);
    return true;
  }

  /**
   * Why the latest PLQ result would or would not be captured, as the capture condition judges it
   * (plq evaluate capture reads it when a face was not captured); undefined before the first result.
   */
  get latestAssessment(): LatestAssessment | undefined {
    const latest = this.session.latest;
    if (!latest) return undefined;
    const a = latest.result;
    return {
      frameTs: latest.frameTs,
      qualityScaled: a.plq.qualityScaled,
      belowThreshold: a.plq.qualityScaled < this.config.capture.threshold,
      failedChecks: [...a.checks.failed],
      occluded: this.unwaivedOcclusions(a),
      blockingShown: this.session.shown.filter((c) => c.blocking).map((c) => c.id as GuidanceId),
      meshConfidence: a.tracking.faces[0].score,
      attackLatched: this.session.attackLatched,
    };
  }

  /** The messages waived for the session in front of the kiosk. */
  get waivers(): Waiver[] {
    return this.session.waivers.map((w) => ({ ...w }));
  }

  /**
   * Operator: rule message `id` wrong for the person in front of the kiosk (`waived` false: take
   * that back). Until the session ends it is not shown and does not block the capture; the
   * capture's report lists it with `actor`'s name. Throws for a message the profile does not let
   * an operator waive (`guidance.waivable`).
   */
  waive(id: string, actor: Actor, waived = true): void {
    if (!(this.config.guidance.waivable as readonly string[]).includes(id)) {
      // the id is the client's: quoted and cut short in the answer
      throw new Error(`${JSON.stringify(id.slice(0, 64))} cannot be waived (guidance.waivable: ${this.config.guidance.waivable.join(', ') || 'none'})`);
    }
    this.dispatch({ type: 'waive', now: Date.now(), id: id as GuidanceId, waived, by: actor.user });
  }

  /** The person asks for another picture: keep the session, clear the capture. */
  retake(): void {
    this.dispatch({ type: 'retake', now: Date.now() });
  }

  /** A new person: forget the session (`accepted`: the person accepted their capture; else staff reset it). */
  reset(accepted = false): void {
    this.dispatch({ type: 'reset', now: Date.now(), ...(accepted ? { accepted } : {}) });
  }

  setLanguage(language: Language): void {
    this.dispatch({ type: 'language', now: Date.now(), language });
  }

  snapshot(): {
    state: KioskState;
    language: Language;
    guidance: GuidanceMessage[];
    captureThreshold: number;
    capture: CaptureEvent | null;
  } {
    const s = this.session;
    return {
      state: s.phase,
      language: s.language,
      guidance: [
        // a latched presentation attack stays shown (as in the guidance events)
        ...(s.attackLatched && !s.shown.some((c) => c.id === 'presentation-attack') ? [this.message('presentation-attack', candidate('presentation-attack').priority)] : []),
        ...s.shown.map((c) => this.message(c.id as GuidanceId, c.priority)),
      ],
      captureThreshold: this.config.capture.threshold,
      // a client connecting while the captured screen shows gets the capture too
      capture: s.phase === 'captured' ? (s.lastCapture ?? null) : null,
    };
  }

  /** Stops the pipeline; the workers are the caller's (they may serve a next pipeline). */
  stop(): void {
    this.tracker.off('restart', this.trackerRestarted);
    this.plqWorker.off('restart', this.plqRestarted);
    this.subs.unsubscribe();
    this.loop.close();
    this.metrics.close();
    this.events$.complete();
  }
}
