/**
 * Presentation-attack scores of Human's `antispoof` and `liveness` models on the bona fide
 * development photos (../shared/faces, largest face of each) and on attack-like images made
 * from a subset of them (pad-attacks.ts): medians, BPCER and APCER at the configured
 * thresholds (profile border-gate by default), and a threshold sweep.
 *   npm run bench:pad [-- --attacks 60] [--profile border-gate] [--limit N] [--samples DIR]
 * PLQ_FACES_DIR overrides the photo folder. Writes nothing unless --samples is given.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { tf, initBackend } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import type { DetectedFace, RgbImage } from '../detect/face-detector.js';
import { decodeImage } from '../image/decode-image.js';
import { fitWithin, padEdges } from '../image/resample.js';
import { defaultFacesDir, readFacePhotos, type FacePhoto } from '../faceset/shared-faces.js';
import { isClean } from '../faceset/face-conditions.js';
import { splitPhotos, type Fold } from '../faceset/face-split.js';
import { loadConfig } from '../kiosk/config/load-config.js';
import { ATTACKS, FACE_SHARE, FRAME_H, FRAME_W, kioskFrame, rectAround, type AttackKind, type Box } from './pad-attacks.js';

const DETECT_MAX_SIDE = 1600;
const MIN_EYE_DISTANCE = 12;
/** Attack sources: a face large and clear enough to be re-photographed... */
const ATTACK_MIN_EYE_DISTANCE = 28;
/** ...in a photo that holds a good part of the 640x480 kiosk framing (the rest is edge padding). */
const ATTACK_MIN_FRAMING = 0.4;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Scored {
  real: number;
  live: number;
}
interface BonaFide extends Scored {
  photo: FacePhoto;
  fold: Fold;
  clean: boolean;
  box: Box;
  eyeDistance: number;
  /** Share of the kiosk framing rectangle that lies inside the photo. */
  framing: number;
  score: number;
  dominant: boolean;
  scale: number;
  pad: number;
}

const eyeDist = (f: DetectedFace): number => Math.hypot(f.landmarks5[1][0] - f.landmarks5[0][0], f.landmarks5[1][1] - f.landmarks5[0][1]);
const area = (f: DetectedFace): number => f.box[2] * f.box[3];
const median = (xs: number[]): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (k: number, n: number): string => (n ? `${((100 * k) / n).toFixed(1)} %` : '-');
const hash32 = (s: string): number => createHash('sha256').update(s).digest().readUInt32BE(0);

async function decodeScaled(file: string): Promise<{ image: RgbImage; scale: number }> {
  return fitWithin(await decodeImage(await readFile(file)), DETECT_MAX_SIDE);
}

/** Faces of a photo, largest first (a tight crop is padded once, as the face-set loader does). */
async function detectPhoto(det: HumanFaceDetector, image: RgbImage): Promise<{ faces: DetectedFace[]; pad: number; input: RgbImage }> {
  const usable = (fs: DetectedFace[]): DetectedFace[] => fs.filter((f) => f.score >= 0.5 && eyeDist(f) >= MIN_EYE_DISTANCE).sort((a, b) => area(b) - area(a));
  let faces = usable(await det.detect(image));
  if (faces.length === 0 && Math.max(image.width, image.height) <= 400) {
    const pad = Math.round(Math.max(image.width, image.height) * 0.4);
    const input = await padEdges(image, pad);
    faces = usable(await det.detect(input));
    return { faces, pad, input };
  }
  return { faces, pad: 0, input: image };
}

async function largestFace(det: HumanFaceDetector, image: RgbImage): Promise<Scored | null> {
  const faces = (await det.detect(image)).filter((f) => f.score >= 0.5).sort((a, b) => area(b) - area(a));
  return faces.length ? { real: faces[0].antispoof ?? 0, live: faces[0].liveness ?? 0 } : null;
}

async function main(): Promise<void> {
  const profile = arg('profile') ?? 'border-gate';
  const config = await loadConfig({ profile, env: process.env });
  const { minReal, minLive } = config.guidance.presentationAttack;
  const nAttacks = Number(arg('attacks') ?? 60);
  const limit = arg('limit') ? Number(arg('limit')) : Infinity;
  const samplesDir = arg('samples');
  const backend = await initBackend();
  const det = await HumanFaceDetector.create({ antispoof: true, liveness: true });
  const facesDir = defaultFacesDir();
  const photos = (await readFacePhotos(facesDir)).slice(0, limit);
  const folds = new Map(splitPhotos(photos).map((e) => [e.file, e.fold]));
  console.log(`pad bench: backend ${backend.name}, ${photos.length} photos from ${facesDir}, profile ${profile} (minReal ${minReal}, minLive ${minLive})`);

  const bona: BonaFide[] = [];
  let noFace = 0;
  for (const photo of photos) {
    let image: RgbImage, scale: number;
    try {
      ({ image, scale } = await decodeScaled(photo.path));
    } catch {
      noFace++;
      continue;
    }
    const { faces, pad } = await detectPhoto(det, image);
    if (!faces.length) {
      noFace++;
      continue;
    }
    const f = faces[0];
    const dominant = faces.length === 1 || f.box[2] >= 1.5 * faces[1].box[2];
    const box: Box = [f.box[0] - pad, f.box[1] - pad, f.box[2], f.box[3]];
    const [rx, ry, rw, rh] = rectAround(box, FRAME_W / FRAME_H, FACE_SHARE);
    const inside = Math.max(0, Math.min(rx + rw, image.width) - Math.max(rx, 0)) * Math.max(0, Math.min(ry + rh, image.height) - Math.max(ry, 0));
    bona.push({
      photo,
      fold: folds.get(photo.file) ?? 'fit',
      clean: isClean(photo.conditions) && dominant,
      box,
      eyeDistance: eyeDist(f),
      framing: inside / (rw * rh),
      score: f.score,
      dominant,
      scale,
      pad,
      real: f.antispoof ?? 0,
      live: f.liveness ?? 0,
    });
  }
  console.log(`bona fide: ${bona.length} faces (largest per photo), ${bona.filter((b) => b.clean).length} clean frontal; ${noFace} photos without a usable face`);

  // the attack subset: large, dominant faces, chosen by a hash of the file name (no score looked at)
  const sources = bona
    .filter((b) => b.dominant && b.eyeDistance >= ATTACK_MIN_EYE_DISTANCE && b.framing >= ATTACK_MIN_FRAMING && b.score >= 0.7)
    .sort((a, b) => hash32(a.photo.file) - hash32(b.photo.file))
    .slice(0, nAttacks);
  const kinds = Object.keys(ATTACKS) as AttackKind[];
  const sets: Record<'framed' | AttackKind, Array<Scored | null>> = { framed: [], phone: [], moire: [], print: [] };
  const framedTimes: RgbImage[] = [];
  if (samplesDir) await mkdir(samplesDir, { recursive: true });
  for (const [i, s] of sources.entries()) {
    const { image } = await decodeScaled(s.photo.path);
    const seed = hash32(`pad:${s.photo.file}`);
    const framed = await kioskFrame(image, s.box);
    if (framedTimes.length < 20) framedTimes.push(framed);
    sets.framed.push(await largestFace(det, framed));
    for (const k of kinds) {
      const attack = await ATTACKS[k](image, s.box, seed);
      sets[k].push(await largestFace(det, attack));
      if (samplesDir && i < 6) {
        await writeFile(path.join(samplesDir, `${i}-${k}.jpg`), await sharp(Buffer.from(attack.data), { raw: { width: attack.width, height: attack.height, channels: 3 } }).jpeg().toBuffer());
      }
    }
    if (samplesDir && i < 6) {
      await writeFile(path.join(samplesDir, `${i}-framed.jpg`), await sharp(Buffer.from(framed.data), { raw: { width: framed.width, height: framed.height, channels: 3 } }).jpeg().toBuffer());
    }
  }

  type Row = { name: string; scores: Array<Scored | null>; attack: boolean };
  const rows: Row[] = [
    { name: 'bona fide, all photos', scores: bona, attack: false },
    { name: 'bona fide, clean frontal', scores: bona.filter((b) => b.clean), attack: false },
    { name: 'bona fide, validate fold', scores: bona.filter((b) => b.fold === 'validate'), attack: false },
    { name: `bona fide, the ${sources.length} sources framed 640x480`, scores: sets.framed, attack: false },
    { name: '(a) phone / frame with bezel', scores: sets.phone, attack: true },
    { name: '(b) screen moire', scores: sets.moire, attack: true },
    { name: '(c) paper print', scores: sets.print, attack: true },
  ];
  const suspected = (s: Scored, r: number, l: number): boolean => s.real < r || s.live < l;

  console.log(
    `\nattack sources: ${sources.length} photos (largest face dominant, eye distance >= ${ATTACK_MIN_EYE_DISTANCE} px, >= ${ATTACK_MIN_FRAMING * 100} % of the kiosk framing inside the photo; ` +
      `chosen by a hash of the file name), each framed as a 640x480 kiosk frame and made into three attacks`,
  );
  console.log(`\nmedian scores and rates at minReal ${minReal}, minLive ${minLive}`);
  console.log('(bona fide rows: BPCER = share of faces rejected; attack rows: APCER = share of presentations accepted, an attack image where no face is found counts as not accepted)\n');
  console.log('set                                          n  faces  med real  med live  antispoof  liveness  kiosk rule (either)');
  for (const row of rows) {
    const found = row.scores.filter((s): s is Scored => s !== null);
    const n = row.scores.length;
    // BPCER over the bona fide faces; APCER over all attack presentations (and over faces found)
    const rate = (reject: (s: Scored) => boolean): string =>
      row.attack ? pct(found.filter((s) => !reject(s)).length, n) : pct(found.filter(reject).length, found.length);
    const either = rate((s) => suspected(s, minReal, minLive));
    const ofFound = row.attack ? ` (${pct(found.filter((s) => !suspected(s, minReal, minLive)).length, found.length)} of faces found)` : '';
    console.log(
      `${row.name.padEnd(42)} ${String(n).padStart(4)} ${String(found.length).padStart(6)} ${median(found.map((s) => s.real)).toFixed(2).padStart(9)} ${median(found.map((s) => s.live)).toFixed(2).padStart(9)}` +
        `  ${rate((s) => s.real < minReal).padStart(9)} ${rate((s) => s.live < minLive).padStart(9)}  ${either.padStart(9)}${ofFound}`,
    );
  }

  // where the bona fide faces score low: by visible condition, and the lowest ones
  console.log(`
bona fide by condition (photo notes): n, median real / live, BPCER of the kiosk rule`);
  const conds = ['grayscale', 'dark', 'blur', 'small', 'profile', 'sunglasses', 'mask', 'multiFace'] as const;
  for (const c of conds) {
    const xs = bona.filter((b) => b.photo.conditions.all.has(c));
    if (!xs.length) continue;
    console.log(
      `  ${c.padEnd(11)} ${String(xs.length).padStart(4)}   ${median(xs.map((x) => x.real)).toFixed(2)} / ${median(xs.map((x) => x.live)).toFixed(2)}   ${pct(xs.filter((x) => suspected(x, minReal, minLive)).length, xs.length)}`,
    );
  }
  const rejected = bona.filter((b) => suspected(b, minReal, minLive)).sort((a, b) => a.live - b.live);
  console.log(`bona fide faces the kiosk rule rejects (${rejected.length}):`);
  for (const b of rejected) console.log(`  real ${b.real.toFixed(2)} live ${b.live.toFixed(2)}  eye distance ${b.eyeDistance.toFixed(0)} px  ${b.photo.file}  (${b.photo.notes.slice(0, 70)})`);

  // threshold sweep: each model alone; BPCER on clean frontal bona fide, APCER per attack
  const clean = bona.filter((b) => b.clean);
  const allBona = bona as Scored[];
  const attackSets = kinds.map((k) => sets[k]);
  const sweep = (label: string, key: keyof Scored, ts: number[]): void => {
    console.log(`\n${label}: threshold sweep (BPCER all / clean bona fide; APCER phone / moire / print / pooled)`);
    for (const t of ts) {
      const b = (xs: Scored[]): string => pct(xs.filter((s) => s[key] < t).length, xs.length);
      const a = (xs: Array<Scored | null>): number => xs.filter((s) => s !== null && s[key] >= t).length;
      const pooled = attackSets.reduce((s, xs) => s + a(xs), 0);
      const total = attackSets.reduce((s, xs) => s + xs.length, 0);
      console.log(
        `  ${t.toFixed(2)}   BPCER ${b(allBona).padStart(7)} / ${b(clean).padStart(7)}   APCER ${attackSets.map((xs) => pct(a(xs), xs.length).padStart(7)).join(' / ')} / ${pct(pooled, total).padStart(7)}`,
      );
    }
  };
  sweep('antispoof (real)', 'real', [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  sweep('liveness (live)', 'live', [0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98]);

  // cost of the two models per frame (640x480 frames, still-photo detection): the two detectors
  // alternate frame by frame, so load from elsewhere on the machine hits both alike
  const plain = await HumanFaceDetector.create({});
  const off: number[] = [], on: number[] = [];
  const timed = async (d: HumanFaceDetector, f: RgbImage, into: number[]): Promise<void> => {
    const t0 = performance.now();
    await d.detect(f);
    into.push(performance.now() - t0);
  };
  for (const f of framedTimes.slice(0, 3)) await timed(plain, f, []);
  for (let round = 0; round < 3; round++) {
    for (const f of framedTimes) {
      await timed(plain, f, off);
      await timed(det, f, on);
    }
  }
  const extra = median(on.map((t, i) => t - off[i]));
  console.log(
    `\ndetect on 640x480 frames (${off.length} alternating runs, medians): ${median(off).toFixed(1)} ms without, ${median(on).toFixed(1)} ms with antispoof + liveness ` +
      `(+${extra.toFixed(1)} ms a run); tensors ${tf.memory().numTensors}`,
  );
}

await main();
