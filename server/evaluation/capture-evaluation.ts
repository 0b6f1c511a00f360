/**
 * Automatic capture on labelled faces: of the clean frontal faces, how many the kiosk captured by
 * itself while the face was held in front of it, and how soon; of the faces with a condition that
 * must block the capture (glasses, a mask, closed eyes, a turned head...), how many it captured
 * anyway; and, for every face it did not capture, what held it back at the end of the hold.
 */
import { ANY_UNCOVER, BLOCKING_IDS, type LabelToken } from '../faceset/guidance-labels.js';
import type { GuidanceId } from '../kiosk/guidance/guidance-ids.js';
import type { Fold } from '../faceset/face-split.js';
import { wilson, type CaseResult, type Ratio } from './guidance-evaluation.js';

export type CaptureGroupKind =
  /** Clean frontal real faces: a capture is what the kiosk is for. */
  | 'clean'
  /** Faces whose condition brings a blocking message: a capture is wrong. */
  | 'blocked'
  /** Labelled real faces with neither (mild turns, smiles...): shown for completeness. */
  | 'other';

export interface CaptureGroup {
  label: string;
  kind: CaptureGroupKind;
  captured: Ratio;
  interval: [number, number] | null;
  /** Median time from the image's first frame to its capture, ms (null: none captured). */
  medianCaptureMs: number | null;
  /** Faces not captured, by what held them back at the end of the hold (a face may have several reasons). */
  heldBack: Record<string, number>;
  /** The captured cases' ids (for a group where a capture is wrong: the faces to look at). */
  capturedIds: string[];
}

export interface CaptureEvaluation {
  fold: Fold;
  holdMs: number;
  groups: CaptureGroup[];
}

const blocks = (t: LabelToken): boolean => t === ANY_UNCOVER || BLOCKING_IDS.includes(t as GuidanceId);

/** What kept a face that was not captured from being captured, as the capture condition saw its latest PLQ result. */
export function heldBackBy(r: CaseResult): string[] {
  const latest = r.run.latest;
  if (!latest) return [r.run.withFace === 0 ? 'no face found' : r.run.competingFaces > 0 ? 'several faces' : 'no PLQ result'];
  const why: string[] = [];
  for (const id of latest.blockingShown) why.push(`shown: ${id}`);
  for (const id of latest.occluded) if (!latest.blockingShown.includes(id)) why.push(`on its map: ${id}`);
  if (latest.belowThreshold) why.push('Q^ below threshold');
  for (const c of latest.failedChecks) why.push(`check: ${c}`);
  if (latest.attackLatched) why.push('presentation attack');
  // the mesh-confidence minimum is the remaining reason the capture condition has
  if (!why.length) why.push('mesh confidence or a run too short');
  return why;
}

function group(label: string, kind: CaptureGroupKind, cases: CaseResult[]): CaptureGroup {
  const captured = cases.filter((r) => r.run.captured);
  const times = captured.map((r) => r.run.captureAtMs ?? 0).sort((a, b) => a - b);
  const heldBack: Record<string, number> = {};
  for (const r of cases) if (!r.run.captured) for (const why of heldBackBy(r)) heldBack[why] = (heldBack[why] ?? 0) + 1;
  const ratioCaptured = { k: captured.length, n: cases.length };
  return {
    label,
    kind,
    captured: ratioCaptured,
    interval: wilson(ratioCaptured),
    medianCaptureMs: times.length ? times[Math.floor((times.length - 1) / 2)] : null,
    heldBack,
    capturedIds: captured.map((r) => r.id),
  };
}

/**
 * Groups: clean frontal real faces; real faces per blocking label token (a face in several); each
 * synthetic kind (every drawn occluder blocks); the other labelled real faces.
 */
export function evaluateCapture(results: CaseResult[], fold: Fold, holdMs: number): CaptureEvaluation {
  const real = results.filter((r) => r.source === 'real');
  const groups: CaptureGroup[] = [group('clean frontal faces (real)', 'clean', real.filter((r) => r.clean))];
  const tokens = [...new Set(real.flatMap((r) => r.must))].filter(blocks);
  for (const t of tokens) groups.push(group(`${t} (real)`, 'blocked', real.filter((r) => r.must.includes(t))));
  const kinds = [...new Set(results.flatMap((r) => (r.source === 'synthetic' && r.kind ? [r.kind] : [])))];
  for (const k of kinds) groups.push(group(`${k} (drawn)`, 'blocked', results.filter((r) => r.source === 'synthetic' && r.kind === k)));
  const other = real.filter((r) => !r.clean && !r.must.some(blocks));
  if (other.length) groups.push(group('other labelled faces (real)', 'other', other));
  return { fold, holdMs, groups };
}

const pct = (r: Ratio): string => (r.n ? `${Math.round((100 * r.k) / r.n)} % (${r.k}/${r.n})` : '-');

export function formatCaptureEvaluation(e: CaptureEvaluation, header: string, topReasons = 4): string {
  const out = [
    header,
    '',
    '| faces | a capture is | captured (95 % CI) | median time to capture | not captured: held back by (at the end of the hold) |',
    '|---|---|---|---|---|',
  ];
  for (const g of e.groups) {
    const ci = g.interval ? ` [${g.interval.map((v) => v.toFixed(2)).join(', ')}]` : '';
    const reasons = Object.entries(g.heldBack)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, topReasons)
      .map(([why, n]) => `${why} ${n}`)
      .join(', ');
    const wanted = g.kind === 'clean' ? 'wanted' : g.kind === 'blocked' ? 'wrong' : '-';
    out.push(`| ${g.label} | ${wanted} | ${pct(g.captured)}${ci} | ${g.medianCaptureMs === null ? '-' : `${(g.medianCaptureMs / 1000).toFixed(1)} s`} | ${reasons} |`);
  }
  const wrong = e.groups.filter((g) => g.kind === 'blocked' && g.capturedIds.length);
  if (wrong.length) {
    out.push('', 'Captured although a condition should have blocked it:');
    for (const g of wrong) out.push(`- ${g.label}: ${g.capturedIds.join(', ')}`);
  }
  return out.join('\n');
}
