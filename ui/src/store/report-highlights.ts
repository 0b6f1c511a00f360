/**
 * "The measurements that mattered" for a capture report: the weakest face regions of the PLQ
 * map (relative to the whole face), pose and light, any failed ISO component, and the messages an
 * operator waived. Pure: no DOM.
 */
import { REGION_KEYS, type CaptureReport, type RegionKey } from '../protocol.js';

export type Level = 'ok' | 'warn' | 'bad';

export interface Highlight {
  key: string;
  label: string;
  value: string;
  level: Level;
}

const REGION_LABEL: Record<RegionKey, string> = {
  forehead: 'Forehead P', leftEye: 'Left eye P', rightEye: 'Right eye P', nose: 'Nose P',
  leftCheek: 'Left cheek P', rightCheek: 'Right cheek P', mouth: 'Mouth P', chin: 'Chin P', face: 'Face P',
};

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function regionHighlights(report: CaptureReport): Highlight[] {
  const r = report.plq?.regions;
  if (!r) return [];
  const face = num(r.face);
  const parts = REGION_KEYS.filter((k) => k !== 'face' && num(r[k]) !== null).map((k) => ({ k, v: r[k] as number }));
  parts.sort((a, b) => a.v - b.v);
  const out: Highlight[] = [];
  if (face !== null) out.push({ key: 'region:face', label: REGION_LABEL.face, value: face.toFixed(2), level: 'ok' });
  for (const { k, v } of parts.slice(0, 3)) {
    const ratio = face ? v / face : 1;
    out.push({ key: `region:${k}`, label: REGION_LABEL[k], value: v.toFixed(2), level: ratio < 0.4 ? 'bad' : ratio < 0.7 ? 'warn' : 'ok' });
  }
  return out;
}

function measurementHighlights(m: Record<string, unknown> | undefined): Highlight[] {
  if (!m) return [];
  const out: Highlight[] = [];
  const deg = (v: number) => `${v.toFixed(0)}°`; // the kiosk measures pose in degrees
  const yaw = num(m.yaw), pitch = num(m.pitch), roll = num(m.roll);
  if (yaw !== null && pitch !== null && roll !== null) {
    const worst = Math.max(Math.abs(yaw), Math.abs(pitch), Math.abs(roll));
    out.push({ key: 'pose', label: 'Pose (yaw / pitch / roll)', value: `${deg(yaw)} / ${deg(pitch)} / ${deg(roll)}`, level: worst > 12 ? 'warn' : 'ok' });
  }
  const lum = num(m.luminance);
  if (lum !== null) out.push({ key: 'luminance', label: 'Face luminance', value: lum.toFixed(0), level: lum < 55 || lum > 215 ? 'warn' : 'ok' });
  const bal = num(m.illuminationBalance);
  if (bal !== null) out.push({ key: 'balance', label: 'Light balance', value: bal.toFixed(2), level: Math.abs(bal) > 0.3 ? 'warn' : 'ok' });
  const ied = num(m.interEyeDistance);
  if (ied !== null) out.push({ key: 'ied', label: 'Inter-eye distance', value: `${ied.toFixed(0)} px`, level: 'ok' });
  const sharp = num(m.sharpness);
  if (sharp !== null) out.push({ key: 'sharpness', label: 'Sharpness', value: sharp.toFixed(0), level: 'ok' });
  return out;
}

/** "HeadPoseYaw" -> "Head pose yaw". */
export const humanise = (name: string): string =>
  name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase()).replace(/ ([A-Z])(?=[a-z])/g, (_m, c: string) => ' ' + c.toLowerCase());

const UNIT_SUFFIX: Record<string, string> = { degrees: '°', 'frame pixels': ' px', pixels: ' px', percent: ' %', '%': ' %', '1': '', '': '' };
const unitSuffix = (unit: string): string => UNIT_SUFFIX[unit] ?? ` ${unit}`;

function isoHighlights(iso: CaptureReport['iso']): Highlight[] {
  const failed = (iso?.components ?? []).filter((c) => c.assessed && !c.pass);
  return failed.map((c) => ({
    key: `iso:${c.name}`,
    label: humanise(c.name),
    value: c.native === null ? 'fail' : `${Number.isInteger(c.native) ? c.native : c.native.toFixed(1)}${unitSuffix(c.unit)}`,
    level: 'bad' as const,
  }));
}

/** Guidance shown before the capture (ids, most recent first, unique). */
export function guidanceIds(report: CaptureReport): string[] {
  const seen = new Set<string>();
  for (const g of [...(report.guidance ?? [])].reverse()) for (const id of g.ids) seen.add(id);
  return [...seen];
}

/** The presentation-attack scores (antispoof real / liveness), bad when the session was flagged. */
function presentationAttackHighlights(report: CaptureReport): Highlight[] {
  const pa = report.presentationAttack;
  const real = num(pa?.antispoof ?? report.measurements?.antispoof), live = num(pa?.liveness ?? report.measurements?.liveness);
  if (real === null && live === null) return [];
  const show = (v: number | null): string => (v === null ? '-' : v.toFixed(2));
  const low = (real !== null && real < (pa?.minReal ?? 0)) || (live !== null && live < (pa?.minLive ?? 0));
  return [{ key: 'pad', label: 'Presentation attack (real / live)', value: `${show(real)} / ${show(live)}`, level: pa?.suspected ? 'bad' : low ? 'warn' : 'ok' }];
}

/** Messages an operator waived for the session: the reviewer should know the kiosk was overruled, and by whom. */
function waiverHighlights(report: CaptureReport): Highlight[] {
  return (Array.isArray(report.waivers) ? report.waivers : []).map((w) => ({ key: `waiver:${w.id}`, label: `Waived by ${w.by}`, value: w.id, level: 'warn' as const }));
}

export function reportHighlights(report: CaptureReport): Highlight[] {
  const m = report.measurements && typeof report.measurements === 'object' ? report.measurements : undefined;
  const pad = presentationAttackHighlights(report);
  const flagged = pad.some((h) => h.level === 'bad');
  return [...(flagged ? pad : []), ...waiverHighlights(report), ...isoHighlights(report.iso), ...regionHighlights(report), ...measurementHighlights(m), ...(flagged ? [] : pad)];
}
