/**
 * Runs still images through the kiosk's own guidance path: a `KioskPipeline` (the class `plq serve`
 * runs) with the kiosk's tracker and PLQ workers, fed the image as camera frames at the configured
 * frame rate until every message the frame brings has had time to pass the hysteresis. What the
 * pipeline shows is what the kiosk would show a person holding still in front of the camera.
 *
 * Each image gets a fresh pipeline (fresh hysteresis, session and PLQ state); the two workers stay
 * up between images. Captures go nowhere (the sink only records that one would have happened). With
 * `captureHoldMs` the image is held longer, until the kiosk captures it or that time has passed, as
 * a person would stand there (plq evaluate capture).
 */
import type { TransferListItem } from 'node:worker_threads';
import type { KioskConfig } from '../kiosk/config/kiosk-config.js';
import type { RgbImage } from '../detect/face-detector.js';
import { KioskPipeline } from '../kiosk/pipeline/kiosk-pipeline.js';
import { SyntheticSource } from '../kiosk/camera/synthetic-source.js';
import { WorkerClient } from '../kiosk/workers/worker-client.js';
import { plqWorker, trackerWorker } from '../kiosk/workers/kiosk-workers.js';
import type { CaptureSink, SavedCapture } from '../kiosk/pipeline/capture-sink.js';
import type { FaceMeasurements, PlqResult, RegionQuality, TrackingResult } from '../kiosk/pipeline/measurements.js';
import type { LatestAssessment } from '../kiosk/pipeline/kiosk-pipeline.js';
import type { GuidanceId } from '../kiosk/guidance/guidance-ids.js';
import { kioskDetectors, loadDetectors, type GuidanceDetectors } from '../kiosk/guidance/guidance-detectors.js';
import { StillHold } from './still-hold.js';

/** A worker client that also hands every result to a listener (the evaluation watches the frames go by). */
class WatchedWorker extends WorkerClient {
  onResult: ((method: string, result: unknown) => void) | undefined;
  override async call<R>(method: string, payload: unknown, transfer: readonly TransferListItem[] = []): Promise<R> {
    const r = await super.call<R>(method, payload, transfer);
    this.onResult?.(method, r);
    return r;
  }
}

export interface GuidanceRun {
  /** Every message the kiosk showed while the image was held (union; `ask-assistance` never comes this soon). */
  emitted: GuidanceId[];
  /** The messages shown at the end of the hold, most important first. */
  final: GuidanceId[];
  /** Tracked frames, and of them frames with a face. */
  tracked: number;
  withFace: number;
  /** Frames with a face on which the face detector ran (all of them unless it skips frames: `tracking.detectorEveryFrames`). */
  detectorFrames: number;
  /** Other faces as large as the subject (the kiosk then says only multiple-faces). */
  competingFaces: number;
  plqResults: number;
  /** The subject's measurements on the last frame the face detector ran on (for diagnostics). */
  measurements: Omit<FaceMeasurements, 'mesh' | 'landmarks5'> | null;
  /** The last PLQ result's figures; `embedding` (the FR template) is for training the detectors. */
  plq: { qualityScaled: number; regions: RegionQuality; embedding: Float32Array } | null;
  /** An automatic capture would have happened. */
  captured: boolean;
  /** When it happened, ms after the image was first shown. */
  captureAtMs: number | null;
  /** The latest PLQ result as the capture condition judged it at the end of the hold (why a face was not captured). */
  latest: LatestAssessment | null;
  holdMs: number;
}

export interface RunnerOptions {
  /** Learned detectors for the pipeline; undefined: the shipped file, as plq serve; null: rules only. */
  detectors?: GuidanceDetectors | null;
  /** Hold the image this long after the first PLQ result (default: the config's showAfterMs + 3 frame periods). */
  settleMs?: number;
  /** Give up waiting for a PLQ result after this long (default 30 s: a loaded machine is slow, not wrong). */
  timeoutMs?: number;
  /**
   * Hold a face the kiosk assesses until it is captured or this long after the image was first
   * shown, whichever comes first (never shorter than the guidance hold).
   */
  captureHoldMs?: number;
}

const NO_CAPTURE: CaptureSink = {
  save: async (): Promise<SavedCapture> => ({ id: 'evaluation', ts: Date.now(), qualityScaled: 0, failedChecks: [] }),
};

export class GuidanceRunner {
  private constructor(
    readonly config: KioskConfig,
    private readonly tracker: WatchedWorker,
    private readonly plq: WatchedWorker,
    private readonly options: RunnerOptions,
  ) {
    // as the kiosk's pipeline takes them, so that the run says which probes it used
    this.detectors = kioskDetectors(options.detectors === undefined ? loadDetectors() : options.detectors, config.engine.model, config.guidance.closedEyeProbe);
  }

  readonly detectors: GuidanceDetectors | null;

  /** Starts the tracker and PLQ workers the kiosk would start for `config`. */
  static async start(config: KioskConfig, options: RunnerOptions = {}): Promise<GuidanceRunner> {
    // an offline run needs no standby workers (they would only take CPU and memory)
    const { workers } = config;
    const offline: KioskConfig = { ...config, workers: { ...workers, tracker: { ...workers.tracker, standby: false }, plq: { ...workers.plq, standby: false } } };
    const tracker = trackerWorker(offline, WatchedWorker) as WatchedWorker;
    const plq = plqWorker(offline, WatchedWorker) as WatchedWorker;
    try {
      await Promise.all([tracker.start(), plq.start()]);
    } catch (err) {
      await Promise.all([tracker.close(), plq.close()]);
      throw err;
    }
    return new GuidanceRunner(config, tracker, plq, options);
  }

  /** Holds `image` in front of the kiosk and returns what it said. */
  async run(image: RgbImage): Promise<GuidanceRun> {
    const { config } = this;
    const period = 1000 / config.camera.fps;
    // the guidance reads the frames the face detector ran on: every Nth while it skips frames
    const detectorPeriod = Math.max(1, config.tracking.detectorEveryFrames) * period;
    const settleMs = this.options.settleMs ?? config.guidance.showAfterMs + 2 * period + detectorPeriod;
    const holdUntil = this.options.captureHoldMs === undefined ? undefined : Date.now() + this.options.captureHoldMs;
    const timeoutMs = Math.max(this.options.timeoutMs ?? 30_000, (this.options.captureHoldMs ?? 0) + 10_000);
    const camera = new SyntheticSource({ images: [image], fps: config.camera.fps });
    const pipeline = new KioskPipeline(config, camera, this.tracker, this.plq, NO_CAPTURE, { detectors: this.detectors });
    const emitted = new Set<GuidanceId>();
    let final: GuidanceId[] = [];
    let plqResults = 0;
    let plq: GuidanceRun['plq'] = null;
    let captureAtMs: number | null = null;
    let tracked = 0, withFace = 0, detectorFrames = 0, competing = 0;
    let measurements: GuidanceRun['measurements'] = null;
    const start = Date.now();
    const hold = new StillHold(
      {
        periodMs: period,
        settleMs,
        showAfterMs: config.guidance.showAfterMs,
        // a face the whole frame does not show is looked for again at most once per secondLookMs, and the
        // workers' last look may have been for the previous image: a person standing there would get the next one
        lookMs: config.tracking.secondLookMs,
        ...(holdUntil !== undefined ? { holdUntil } : {}),
      },
      start,
    );
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    pipeline.events$.subscribe((e) => {
      if (e.type === 'guidance') {
        final = e.data.messages.map((m) => m.id as GuidanceId).filter((id) => id !== 'ask-assistance');
        for (const id of final) emitted.add(id);
      } else if (e.type === 'plq') {
        plqResults++;
        hold.plqArrived(Date.now());
      } else if (e.type === 'capture' && e.data.trigger === 'auto') captureAtMs ??= Date.now() - start;
    });
    this.plq.onResult = (method, result) => {
      if (method !== 'plq') return;
      const r = result as PlqResult;
      plq = { qualityScaled: r.qualityScaled, regions: r.regions, embedding: r.embedding };
    };
    this.tracker.onResult = (method, result) => {
      if (method !== 'track') return;
      const t = result as TrackingResult;
      const subject = t.faces[0];
      // a frame's candidates are observed right after this result; the stop is decided one frame later
      if (hold.over({ ts: t.ts, detector: !subject?.tracked, plqExpected: subject !== undefined && t.competingFaces === 0, captured: captureAtMs !== null })) return done();
      tracked++;
      if (subject) withFace++;
      if (subject && !subject.tracked) {
        detectorFrames++;
        const { mesh: _m, landmarks5: _l, ...rest } = subject;
        measurements = rest;
      }
      competing = t.competingFaces;
    };
    const timer = setTimeout(() => done(), timeoutMs);
    pipeline.start();
    await finished;
    clearTimeout(timer);
    this.tracker.onResult = undefined;
    this.plq.onResult = undefined;
    const latest = pipeline.latestAssessment ?? null;
    pipeline.stop();
    return {
      emitted: [...emitted],
      final,
      tracked,
      withFace,
      detectorFrames,
      competingFaces: competing,
      plqResults,
      measurements,
      plq,
      captured: captureAtMs !== null,
      captureAtMs,
      latest,
      holdMs: Date.now() - start,
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.tracker.close(), this.plq.close()]);
  }
}
