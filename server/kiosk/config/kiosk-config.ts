/**
 * Kiosk configuration: typed defaults (everything works with no file), profiles in
 * kiosk-config/profiles/, an optional JSON file, then environment overrides
 * (PLQ_KIOSK__section__key=value, value parsed as JSON when it parses). Validated by a JSON
 * schema; a bad config names the bad key.
 */
import type { GuidanceThresholds } from '../guidance/guidance-rules.js';
import type { GuidanceId, Language } from '../guidance/guidance-ids.js';
import { DEFAULT_WAIVABLE } from '../guidance/waivers.js';
import { BYTES_PER_MB, DEFAULT_AUDIT_ROTATION, MS_PER_DAY } from '../auth/audit-log.js';
import { DEFAULT_ISO_THRESHOLDS, type IsoThresholds } from '../capture/iso-components.js';
import { DEFAULT_SUBJECT_SELECTION } from '../pipeline/subject-selection.js';
import { defaultCaptureDir } from './data-dir.js';
import type { QuarterTurn } from '../../image/rotate-rgb.js';

/**
 * Advisory by default: the PLQ components. Q^ is gated by `capture.threshold` (a profile's own
 * level, which may sit below the calibration mean that PlqQualityScore checks), and region
 * problems are told by the occlusion rules, which combine the map with the region's appearance;
 * the report still carries both.
 */
export const PREVIEW_FILLS = ['auto', 'whole-frame', 'fill-height'] as const;
export type PreviewFill = (typeof PREVIEW_FILLS)[number];

export const DEFAULT_ADVISORY_COMPONENTS: readonly string[] = ['PlqQualityScore', 'PlqRegion.*'];

export interface KioskConfig {
  /** Profile this config was built from, if any. */
  profile: string | null;
  server: {
    /** Loopback by default: biometric data stays on the box unless an operator opens it. */
    host: string;
    port: number;
    /** Largest upload accepted by POST /api/assess. */
    maxUploadBytes: number;
    /** Largest image (pixels) decoded anywhere. */
    maxImagePixels: number;
    /** Socket.IO events a client may send per second before it is throttled. */
    clientEventsPerSecond: number;
    /** Concurrent Socket.IO connections (all namespaces); more are refused. */
    maxSockets: number;
    /** Least time between two manual captures by one operator. */
    manualCaptureIntervalMs: number;
    /**
     * Host headers accepted besides the defaults (localhost, 127.0.0.1, [::1] and the bind address,
     * each with the port): `name:port`. Anything else is refused (DNS rebinding).
     */
    allowedHosts: string[];
    /** Origins accepted besides those of the allowed hosts (scheme://host:port). */
    allowedOrigins: string[];
    /** PEM files; both set = HTTPS. Required (with operator accounts) off loopback. */
    tls: { cert: string | null; key: string | null };
    auth: AuthConfig;
  };
  audit: {
    /** Append-only JSON-lines audit log; null = `<capture.dir>.audit.jsonl` (beside the capture folder). */
    file: string | null;
    /** Rotated before a line would take it past this size (MB). */
    maxMB: number;
    /** Rotated files kept (`<file>.1` newest ... `<file>.<keepFiles>`); older ones are deleted. 0 = none kept. */
    keepFiles: number;
    /** Lines older than this many days are deleted (checked hourly); null = kept until rotated out by size. */
    maxAgeDays: number | null;
  };
  /** POST /api/assess limits: per client address, and how many requests may wait for the assess worker. */
  assess: {
    /** Requests per minute per client address; more are answered 429 with Retry-After. */
    perMinute: number;
    /** Requests waiting behind the one being assessed; more are answered 503 with Retry-After. */
    maxQueued: number;
  };
  camera: {
    /**
     * `replay:PATH`, `opencv:INDEX`, `opencv:URL-OR-PIPELINE-OR-FILE` or `synthetic`;
     * `replay:samples` = single-face frames cut from the photos shipped in npm packages (the demo).
     */
    source: string;
    fps: number;
    /** Replay of images: seconds each image is shown. */
    holdSeconds: number;
    /**
     * Replay of images: seconds of an empty booth (a uniform dark frame) between two images, so
     * that each person in a folder of different people gets a session of their own; null = the
     * demo's 0.3 s for `replay:samples` and none for a folder of yours (a sequence of one person's
     * frames must not be broken up).
     */
    gapSeconds: number | null;
    /** Frames are downscaled to this width (never upscaled), the camera's own width, before `rotate`. */
    width: number;
    /**
     * Degrees (clockwise) the camera's frames are turned before anything reads them: 90 or 270
     * for a camera mounted on its side (portrait frames), 180 for one mounted upside down.
     */
    rotate: QuarterTurn;
    reconnectMinDelayMs: number;
    reconnectMaxDelayMs: number;
  };
  engine: {
    model: string;
    backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  };
  tracking: {
    /**
     * Run the face detector (BlazeFace) on every Nth frame only (default 3), the mesh on the
     * previous frame's face boxes in between (a new scene, or a face the mesh loses, re-runs it at
     * once). The guidance and PLQ read only the frames it ran on, so that a face gets what it
     * would get with the detector on every frame (0 or 1), at fewer judgements a second.
     */
    detectorEveryFrames: number;
    /**
     * When the whole frame shows no face, look again (server/detect/second-look.ts) at most once
     * per this many milliseconds: the face detector on the letterboxed frame, then the SSD face
     * finder and the face detector on crops around its box; a face found so is followed where it
     * was found. 0: off.
     */
    secondLookMs: number;
    iris: boolean;
    /**
     * Measure eye openness with the attention mesh's lids (human-models' facemesh-attention), which
     * follow closed eyes where the plain mesh does not; `guidance.thresholds.minLidOpen` applies.
     */
    eyelids: boolean;
    maxFaces: number;
    /**
     * The face detector's box confidence (BlazeFace) a face needs to be tracked, and the face
     * mesh's own confidence. The mesh's is lower: it doubts faces half hidden by a mask or a hand
     * that the box still finds, and those faces must be tracked to be told what to uncover. A face
     * whose mesh confidence is below `capture.minMeshConfidence` is guided but never captured.
     */
    minBoxConfidence: number;
    minMeshConfidence: number;
  };
  selection: {
    /** The best-aligned frame of each window goes to the PLQ worker. */
    windowMs: number;
    /**
     * The subject is the face with the highest size x centre weight; the weight is a Gaussian of
     * the distance to the frame centre with this sigma, in frame heights.
     */
    centreSigma: number;
    /**
     * Another face at least this share of the subject's size (box height) competes with it:
     * `multiple-faces`, SingleFacePresent fails, no capture. Smaller faces are ignored.
     */
    multipleFacesRatio: number;
  };
  guidance: {
    language: Language;
    showAfterMs: number;
    hideAfterMs: number;
    maxShown: number;
    /** With no capture for this long, the most persistent problem is repeated as a hint. */
    hintAfterMs: number;
    /** ...and after this long, "please ask for assistance". */
    assistanceAfterMs: number;
    /**
     * A capture check failing inside its guidance margin is not said at once (measurement noise
     * on a good face), but once it has kept the capture waiting this long it is.
     */
    waitingShowAfterMs: number;
    thresholds: GuidanceThresholds;
    /** Presentation-attack detection (a photo or a screen held up to the camera). */
    presentationAttack: PresentationAttackConfig;
    /**
     * Messages an operator may waive for the session in front of the kiosk (`operator:waive`):
     * judged wrong for this person, they are no longer shown and no longer block the capture.
     * A subset of `WAIVABLE_IDS`; [] = none.
     */
    waivable: GuidanceId[];
    /**
     * The learned closed-eye probe (`open-eyes` beside the lids' rule). Off by default: on the
     * validate fold it told 0.80 of closed eyes instead of 0.42, but 18 % of clean frontal faces
     * (narrowed eyes) instead of 5 % (README, "Closed eyes: the eyes' gradient histograms").
     */
    closedEyeProbe: boolean;
    /**
     * A session is one person's (its waivers, guidance history, escalation, capture countdown).
     * When the subject's track breaks (a frame without a face, a box that jumped: less than
     * `minBoxOverlap` of the previous frame's) and the next PLQ result's FR embedding is below
     * `minSimilarity` against the person's recent ones, another person stepped in: the session
     * starts again (pipeline/session/same-person.ts). `minSimilarity` null: the value measured
     * for `engine.model` (SAME_PERSON_MIN_SIMILARITY); no check for a model without one.
     */
    samePerson: { enabled: boolean; minSimilarity: number | null; minBoxOverlap: number };
  };
  capture: {
    /** Q^ that counts as good. */
    threshold: number;
    /** Successive good PLQ results before the capture. */
    successive: number;
    /** Default: `<data dir>/captures`, outside the source tree (data-dir.ts). */
    dir: string;
    /** Captures older than this are deleted, approved ones too (0 = never kept beyond the process: deleted at start). */
    retentionHours: number;
    /** At most this many unapproved captures are kept (oldest deleted first); approved captures are never deleted by count. */
    maxCount: number;
    /** No capture is written while the capture folder's filesystem has less free space than this (MB); it waits in memory and the operator is told. */
    minFreeMB: number;
    /** Captures kept in memory while the disk is full or failing; beyond this a capture is refused. */
    maxPendingCaptures: number;
    /** The captured screen returns to searching after this long without accept/retake. */
    resetAfterSeconds: number;
    /**
     * An automatic capture needs the face mesh this sure of the face (Human's mesh confidence):
     * a face tracked below it (`tracking.minMeshConfidence`, half hidden) is guided, never captured.
     */
    minMeshConfidence: number;
    /**
     * Pass/fail thresholds of the ISO/IEC 29794-5-named components: checked live before an
     * automatic capture, and in the capture report.
     */
    iso: IsoThresholds;
    /**
     * Components that are reported but do not block an automatic capture (names as in the
     * report, or `PlqRegion.*`). Every other component must pass.
     */
    advisoryComponents: string[];
  };
  xai: {
    /**
     * A stored MAM_H (`<method>.mam-h.json` from `plq analyze`) for the live AD-MAM_H overlay:
     * where this face's activation map deviates from high-quality faces. null = off.
     */
    mamFile: string | null;
    /** AD-MAM_H costs one Score-CAM (~0.5 s): computed on every Nth PLQ map only. */
    everyNthPlq: number;
  };
  /** Model worker threads: call timeouts (a hang is terminated and restarted) and restart back-off. */
  workers: {
    tracker: WorkerSettings;
    plq: WorkerSettings;
    assess: WorkerSettings;
    /** First delay before restarting a crashed or hung worker, or retrying a failed init; doubles on each failure in a row. */
    restartMinDelayMs: number;
    restartMaxDelayMs: number;
  };
  /** /healthz, /readyz and the systemd watchdog. */
  health: {
    /** Every worker is pinged this often; /readyz reports the latest answers. */
    heartbeatIntervalMs: number;
    /** A ping not answered this fast: the worker's thread is not turning. */
    heartbeatTimeoutMs: number;
    /** Not ready while a face is in front of the camera and no PLQ map came for this long. */
    maxPlqAgeMs: number;
    /** Not alive (503 on /healthz, no watchdog ping) when a worker has been down this long. */
    maxWorkerDownMs: number;
    /** Not alive when the event loop was held up this long in the last few seconds. */
    maxEventLoopStallMs: number;
  };
  ui: {
    plqOverlay: boolean;
    speech: boolean;
    /**
     * How the live picture fills the kiosk screen's preview area: `whole-frame` shows all of the
     * camera's frame (bars where the area's shape differs); `fill-height` fills the area's height
     * and crops the frame's sides where the area is narrower than the frame; `auto` fills the
     * height on a screen held upright (an area taller than wide), where the whole frame would
     * leave the face small between two black bars, and shows the whole frame otherwise.
     */
    previewFill: PreviewFill;
    previewWidth: number;
    previewFps: number;
    jpegQuality: number;
  };
}

export interface OperatorAccount {
  name: string;
  /** `scrypt$N=..,r=..,p=..$<salt base64>$<hash base64>` from `plq user add`. */
  passwordHash: string;
}

export interface AuthConfig {
  /** Operator accounts. None: the operator view and API are disabled (run `plq user add`). */
  users: OperatorAccount[];
  /** Tokens of kiosk screens off loopback (cookie from /api/device/pair, `Authorization: Bearer`, Socket.IO auth.token). */
  deviceTokens: string[];
  /** Bearer tokens for `/metrics` and `/api/status` (Prometheus). */
  monitorTokens: string[];
  /** A client on loopback is the kiosk screen without a token. */
  kioskFromLoopback: boolean;
  /** Signs the session cookie; null = random per start (sessions live in memory and end with the process anyway). */
  cookieSecret: string | null;
  /** A session unused this long ends. */
  sessionIdleSeconds: number;
  /** A session ends this long after login, used or not. */
  sessionMaxSeconds: number;
  /** Failed logins (per user name and per address) before a lock-out. */
  maxFailedLogins: number;
  lockoutSeconds: number;
  /** `POST /api/login` requests per minute and address (429 beyond). */
  loginRateLimitPerMinute: number;
}

export const DEFAULT_AUTH: AuthConfig = {
  users: [],
  deviceTokens: [],
  monitorTokens: [],
  kioskFromLoopback: true,
  cookieSecret: null,
  sessionIdleSeconds: 8 * 3600,
  sessionMaxSeconds: 24 * 3600,
  maxFailedLogins: 5,
  lockoutSeconds: 300,
  loginRateLimitPerMinute: 20,
};

/**
 * Presentation-attack detection with the `antispoof` and `liveness` models of human-models, run
 * by the tracker on each tracked face. Below a threshold the guidance says `presentation-attack`:
 * auto-capture is blocked and the operator is called. Measured limits: README, "Presentation
 * attacks" (`npm run bench:pad`).
 */
export interface PresentationAttackConfig {
  /** Run both models in the tracker and judge their scores. */
  enabled: boolean;
  /** Antispoof score (Human's `face.real`, 0..1) below this: suspected attack. 0 = not judged. */
  minReal: number;
  /** Liveness score (Human's `face.live`, 0..1) below this: suspected attack. 0 = not judged. */
  minLive: number;
  /**
   * Once `presentation-attack` has shown, auto-capture stays off for the rest of the session
   * (the operator captures by hand or resets), so wiggling until one frame passes does not help.
   */
  latch: boolean;
}

export interface WorkerSettings {
  /** A call not answered within this is a hang: the worker is terminated and restarted. */
  callTimeoutMs: number;
  /** The first call after each (re)start (kernel compilation, weight upload). */
  firstCallTimeoutMs: number;
  /** Loading the models. */
  initTimeoutMs: number;
  /**
   * Keep a second worker with its models loaded, switched to at once when the first fails (a
   * restart takes 1-4 s of model loading; the standby costs that worker's memory once more).
   */
  standby: boolean;
}

export const DEFAULT_PRESENTATION_ATTACK: PresentationAttackConfig = { enabled: false, minReal: 0.3, minLive: 0.5, latch: true };

export const DEFAULT_THRESHOLDS: GuidanceThresholds = {
  minInterEyeRatio: 0.065,
  maxInterEyeRatio: 0.3,
  maxOffsetX: 0.15,
  maxOffsetY: 0.18,
  // pose, eyes, mouth, illumination: the capture limits (capture.iso) plus the guidance margins of
  // capture-checks.ts (DEFAULT_GUIDANCE_MARGINS, set on the calibrate fold)
  maxYawDeg: 10,
  maxPitchDeg: 14,
  maxRollDeg: 10,
  minEyeOpen: 0.14,
  minLidOpen: 0.17,
  maxMouthOpen: 0.16,
  minLuminance: 55,
  maxLuminance: 215,
  maxIlluminationImbalance: 0.25,
  maxMotion: 0.25,
  occludedRegionRatio: 0.25,
  cheekAsymmetryRatio: 0.55,
  darkEyeRatio: 0.5,
  darkCheekRatio: 0.6,
  uniformMouthRatio: 0.4,
  glassesRegionRatio: 0.12,
  darkMouthRatio: 0.7,
  darkForeheadRatio: 0.45,
  minQualityForRegionRules: 0.15,
};

export const DEFAULT_CONFIG: KioskConfig = {
  profile: null,
  server: {
    host: '127.0.0.1',
    port: 8080,
    maxUploadBytes: 15 * 1024 * 1024,
    maxImagePixels: 40_000_000,
    clientEventsPerSecond: 20,
    maxSockets: 32,
    manualCaptureIntervalMs: 2000,
    allowedHosts: [],
    allowedOrigins: [],
    tls: { cert: null, key: null },
    auth: DEFAULT_AUTH,
  },
  audit: { file: null, maxMB: DEFAULT_AUDIT_ROTATION.maxBytes / BYTES_PER_MB, keepFiles: DEFAULT_AUDIT_ROTATION.keepFiles, maxAgeDays: DEFAULT_AUDIT_ROTATION.maxAgeMs! / MS_PER_DAY },
  assess: { perMinute: 30, maxQueued: 4 },
  camera: { source: 'replay:samples', fps: 30, holdSeconds: 6, gapSeconds: null, width: 640, rotate: 0, reconnectMinDelayMs: 500, reconnectMaxDelayMs: 15_000 },
  engine: { model: 'mobileface', backend: 'auto' },
  tracking: { detectorEveryFrames: 3, secondLookMs: 1000, iris: false, eyelids: true, maxFaces: 3, minBoxConfidence: 0.5, minMeshConfidence: 0.1 },
  selection: { windowMs: 100, ...DEFAULT_SUBJECT_SELECTION },
  guidance: {
    language: 'en',
    showAfterMs: 400,
    hideAfterMs: 800,
    maxShown: 2,
    hintAfterMs: 20_000,
    assistanceAfterMs: 45_000,
    waitingShowAfterMs: 3000,
    thresholds: DEFAULT_THRESHOLDS,
    presentationAttack: DEFAULT_PRESENTATION_ATTACK,
    waivable: [...DEFAULT_WAIVABLE],
    closedEyeProbe: false,
    samePerson: { enabled: true, minSimilarity: null, minBoxOverlap: 0.3 },
  },
  capture: { threshold: 0.5, successive: 3, dir: defaultCaptureDir(process.env), retentionHours: 24, maxCount: 500, minFreeMB: 100, maxPendingCaptures: 20, resetAfterSeconds: 20, minMeshConfidence: 0.5, iso: { ...DEFAULT_ISO_THRESHOLDS }, advisoryComponents: [...DEFAULT_ADVISORY_COMPONENTS] },
  xai: { mamFile: null, everyNthPlq: 6 },
  workers: {
    tracker: { callTimeoutMs: 2000, firstCallTimeoutMs: 20_000, initTimeoutMs: 120_000, standby: true },
    plq: { callTimeoutMs: 5000, firstCallTimeoutMs: 20_000, initTimeoutMs: 120_000, standby: true },
    assess: { callTimeoutMs: 60_000, firstCallTimeoutMs: 120_000, initTimeoutMs: 120_000, standby: false },
    restartMinDelayMs: 100,
    restartMaxDelayMs: 10_000,
  },
  health: { heartbeatIntervalMs: 2000, heartbeatTimeoutMs: 2000, maxPlqAgeMs: 5000, maxWorkerDownMs: 60_000, maxEventLoopStallMs: 2000 },
  ui: { plqOverlay: false, speech: false, previewFill: 'auto', previewWidth: 480, previewFps: 15, jpegQuality: 70 },
};
