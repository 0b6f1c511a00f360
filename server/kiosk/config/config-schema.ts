/** JSON schema of KioskConfig (strict: unknown keys are errors, so typos are caught). */
const num = (minimum: number, maximum?: number): object => ({ type: 'number', minimum, ...(maximum !== undefined ? { maximum } : {}) });
const int = (minimum: number, maximum?: number): object => ({ type: 'integer', minimum, ...(maximum !== undefined ? { maximum } : {}) });
const obj = (properties: Record<string, object>): object => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
});

export const KIOSK_CONFIG_SCHEMA = obj({
  profile: { type: ['string', 'null'] },
  server: obj({
    host: { type: 'string', minLength: 1 },
    port: int(0, 65535),
    maxUploadBytes: int(1024),
    maxImagePixels: int(10_000),
    clientEventsPerSecond: int(1, 1000),
  }),
  camera: obj({
    source: { type: 'string', pattern: '^(replay:.*|opencv:.+|synthetic)$' },
    fps: num(1, 120),
    width: int(64, 4096),
    reconnectMinDelayMs: int(10),
    reconnectMaxDelayMs: int(10),
  }),
  engine: obj({
    model: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
    backend: { enum: ['auto', 'tensorflow', 'wasm', 'cpu'] },
  }),
  tracking: obj({ detectorEveryFrames: int(0, 300), iris: { type: 'boolean' }, maxFaces: int(1, 20) }),
  selection: obj({ windowMs: int(1, 5000) }),
  guidance: obj({
    language: { enum: ['en', 'de', 'fr'] },
    showAfterMs: int(0),
    hideAfterMs: int(0),
    maxShown: int(1, 5),
    hintAfterMs: int(0),
    assistanceAfterMs: int(0),
    thresholds: obj({
      minInterEyeRatio: num(0, 1),
      maxInterEyeRatio: num(0, 1),
      maxOffsetX: num(0, 1),
      maxOffsetY: num(0, 1),
      maxYawDeg: num(0, 90),
      maxPitchDeg: num(0, 90),
      maxRollDeg: num(0, 90),
      minEyeOpen: num(0, 1),
      maxMouthOpen: num(0, 2),
      minLuminance: num(0, 255),
      maxLuminance: num(0, 255),
      maxIlluminationImbalance: num(0, 1),
      maxMotion: num(0),
      occludedRegionRatio: num(0, 1),
      cheekAsymmetryRatio: num(0, 1),
      darkEyeRatio: num(0, 2),
      darkCheekRatio: num(0, 2),
      uniformMouthRatio: num(0, 2),
      glassesRegionRatio: num(0, 1),
    }),
  }),
  capture: obj({
    threshold: num(0, 1),
    successive: int(1, 100),
    dir: { type: 'string', minLength: 1 },
    retentionHours: num(0),
    maxCount: int(1),
  }),
  ui: obj({
    plqOverlay: { type: 'boolean' },
    speech: { type: 'boolean' },
    previewWidth: int(64, 1920),
    previewFps: num(1, 60),
    jpegQuality: int(10, 100),
  }),
});
