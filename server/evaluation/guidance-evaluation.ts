/**
 * Guidance accuracy per message: what the kiosk said for each labelled face (guidance-runner.ts)
 * against what the label says must and must not appear (guidance-labels.ts), per guidance id:
 * recall (must cases that got the message), precision (among cases where the message is a must or a
 * must-not: how many of its emissions were musts), the false-alarm rate on clean frontal real faces,
 * support, and a confusion table (label vs emitted).
 */
import { GUIDANCE_IDS, type GuidanceId } from '../kiosk/guidance/guidance-ids.js';
import { ANY_UNCOVER, BLOCKING_IDS, tokenMatches, type LabelToken } from '../faceset/guidance-labels.js';
import type { Fold } from '../faceset/face-split.js';
import type { GuidanceRun } from './guidance-runner.js';
import type { SyntheticKind } from './synthetic-occluders.js';

/** Targets of the issue "Guidance that is right for real people" (recall on real and synthetic cases together). */
export const GUIDANCE_TARGETS: { recall: Partial<Record<LabelToken, number>>; falseAlarm: number } = {
  recall: {
    'remove-sunglasses': 0.9,
    'uncover-mouth': 0.9,
    'open-eyes': 0.9,
    'look-straight': 0.9,
    'remove-glasses': 0.8,
    'remove-headgear': 0.8,
  },
  /** Per id, on clean frontal real faces. */
  falseAlarm: 0.05,
};

export interface GuidanceCase {
  /** `<file>#<face>` for real faces (`/mirrored` seen in a mirror), `<file>#<face>/<kind>` for synthetic ones (`/seed-N` when drawn with another seed than 1). */
  id: string;
  source: 'real' | 'synthetic';
  kind?: SyntheticKind;
  /** The seed a synthetic case was drawn with. */
  seed?: number;
  variant?: string;
  fold: Fold;
  clean: boolean;
  must: LabelToken[];
  mustNot: GuidanceId[];
}

export interface CaseResult extends GuidanceCase {
  run: GuidanceRun;
}

export interface Ratio {
  k: number;
  n: number;
}

export interface IdStats {
  id: LabelToken;
  recallReal: Ratio;
  recallSynthetic: Ratio;
  recall: Ratio;
  /** Wilson 95 % interval of the recall (all cases). */
  recallInterval: [number, number] | null;
  /** Emissions where it is a must / where it is a must or a must-not. */
  precision: Ratio;
  /** Clean frontal real faces where it is a must-not and was emitted. */
  falseAlarm: Ratio;
  target: number | undefined;
  /** null: no support for a recall target. */
  recallMet: boolean | null;
  falseAlarmMet: boolean | null;
}

export const ratio = (r: Ratio): number => (r.n ? r.k / r.n : Number.NaN);

export function wilson(r: Ratio, z = 1.96): [number, number] | null {
  if (!r.n) return null;
  const p = r.k / r.n, n = r.n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

const emits = (r: CaseResult, token: LabelToken): boolean => r.run.emitted.some((id) => tokenMatches(token, id));

/** The ids the table reports: every id that is a must somewhere or a must-not on a clean face, in catalogue order, plus uncover-*. */
export function reportedIds(results: CaseResult[]): LabelToken[] {
  const seen = new Set<LabelToken>();
  for (const r of results) {
    for (const t of r.must) seen.add(t);
    if (r.clean) for (const id of r.mustNot) seen.add(id);
  }
  const ids: LabelToken[] = GUIDANCE_IDS.filter((id) => seen.has(id));
  if (seen.has(ANY_UNCOVER)) ids.push(ANY_UNCOVER);
  return ids;
}

export function idStats(results: CaseResult[], id: LabelToken): IdStats {
  const recallReal: Ratio = { k: 0, n: 0 }, recallSynthetic: Ratio = { k: 0, n: 0 };
  const precision: Ratio = { k: 0, n: 0 }, falseAlarm: Ratio = { k: 0, n: 0 };
  for (const r of results) {
    const hit = emits(r, id);
    if (r.must.includes(id)) {
      const rec = r.source === 'real' ? recallReal : recallSynthetic;
      rec.n++;
      if (hit) {
        rec.k++;
        precision.k++;
        precision.n++;
      }
    } else if (id !== ANY_UNCOVER && r.mustNot.includes(id as GuidanceId)) {
      if (hit) precision.n++;
      if (r.source === 'real' && r.clean) {
        falseAlarm.n++;
        if (hit) falseAlarm.k++;
      }
    }
  }
  const recall = { k: recallReal.k + recallSynthetic.k, n: recallReal.n + recallSynthetic.n };
  const target = GUIDANCE_TARGETS.recall[id];
  const blocking = id !== ANY_UNCOVER && BLOCKING_IDS.includes(id as GuidanceId);
  return {
    id,
    recallReal,
    recallSynthetic,
    recall,
    recallInterval: wilson(recall),
    precision,
    falseAlarm,
    target,
    recallMet: target === undefined || !recall.n ? null : ratio(recall) >= target,
    falseAlarmMet: blocking && falseAlarm.n ? ratio(falseAlarm) <= GUIDANCE_TARGETS.falseAlarm : null,
  };
}

/** Confusion rows: one per must token, one for clean frontal real faces, one for each synthetic kind. */
export interface ConfusionRow {
  label: string;
  cases: number;
  /** How many of the row's cases emitted each id (only ids that were emitted anywhere). */
  emitted: Partial<Record<GuidanceId, number>>;
  /** Cases with no blocking message at all. */
  none: number;
}

export function confusion(results: CaseResult[]): { columns: GuidanceId[]; rows: ConfusionRow[] } {
  const used = new Set<GuidanceId>();
  for (const r of results) for (const id of r.run.emitted) used.add(id);
  const columns = GUIDANCE_IDS.filter((id) => used.has(id));
  const groups = new Map<string, CaseResult[]>();
  const put = (label: string, r: CaseResult): void => void groups.set(label, [...(groups.get(label) ?? []), r]);
  for (const r of results) {
    if (r.source === 'synthetic') put(`synthetic ${r.kind}${r.kind === 'hand' ? ` (${r.must.join(';')})` : ''}`, r);
    else {
      if (r.clean) put('real clean frontal', r);
      for (const t of r.must) put(`real must ${t}`, r);
      if (!r.clean && r.must.length === 0 && r.mustNot.length) put('real other (no must)', r);
    }
  }
  const order = (label: string): number => (label.startsWith('real clean') ? 0 : label.startsWith('real must') ? 1 : label.startsWith('real other') ? 2 : 3);
  const rows = [...groups.entries()]
    .sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0]))
    .map(([label, rs]) => {
      const emitted: ConfusionRow['emitted'] = {};
      for (const id of columns) {
        const n = rs.filter((r) => r.run.emitted.includes(id)).length;
        if (n) emitted[id] = n;
      }
      return { label, cases: rs.length, emitted, none: rs.filter((r) => !r.run.emitted.some((id) => BLOCKING_IDS.includes(id))).length };
    });
  return { columns, rows };
}

export interface GuidanceEvaluation {
  fold: Fold;
  cases: { real: number; clean: number; synthetic: number };
  /** Real faces the tracker did not find in their booth frame (the kiosk said no-face). */
  notFound: number;
  stats: IdStats[];
  confusion: ReturnType<typeof confusion>;
}

export function evaluateGuidance(results: CaseResult[], fold: Fold): GuidanceEvaluation {
  const real = results.filter((r) => r.source === 'real');
  return {
    fold,
    cases: { real: real.length, clean: real.filter((r) => r.clean).length, synthetic: results.length - real.length },
    notFound: real.filter((r) => r.run.withFace === 0).length,
    stats: reportedIds(results).map((id) => idStats(results, id)),
    confusion: confusion(results),
  };
}

// ---- report ----

const pct = (r: Ratio): string => (r.n ? `${Math.round((100 * r.k) / r.n)} % (${r.k}/${r.n})` : '-');
const mark = (m: boolean | null): string => (m === null ? '' : m ? 'met' : 'NOT MET');

/** Short column names for the confusion table. */
const SHORT: Partial<Record<GuidanceId, string>> = {
  'no-face': 'noface',
  'multiple-faces': 'multi',
  'move-closer': 'closer',
  'step-back': 'back',
  'center-face': 'centre',
  'look-straight': 'look',
  'head-level': 'level',
  'remove-sunglasses': 'sungl',
  'remove-glasses': 'glass',
  'remove-headgear': 'head',
  'uncover-left-eye': 'uLeye',
  'uncover-right-eye': 'uReye',
  'uncover-left-cheek': 'uLchk',
  'uncover-right-cheek': 'uRchk',
  'uncover-mouth': 'mouth',
  'open-eyes': 'eyes',
  'close-mouth': 'close',
  'too-dark': 'dark',
  'too-bright': 'bright',
  'uneven-lighting': 'uneven',
  'hold-still': 'still',
};

export function formatGuidanceEvaluation(e: GuidanceEvaluation, header: string): string {
  const out: string[] = [header, ''];
  out.push(
    `${e.cases.real} labelled real faces (${e.cases.clean} clean frontal), ${e.cases.synthetic} synthetic occluders on clean faces; ${e.notFound} real faces not found by the tracker in their booth frame`,
    '',
    '| message | target | recall real | recall synthetic | recall all (95 % CI) | precision | false alarms, clean real | |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const s of e.stats) {
    const ci = s.recallInterval ? ` [${s.recallInterval.map((v) => v.toFixed(2)).join(', ')}]` : '';
    const verdict = [s.recallMet === null ? '' : `recall ${mark(s.recallMet)}`, s.falseAlarmMet === null ? '' : `FA ${mark(s.falseAlarmMet)}`].filter(Boolean).join(', ');
    out.push(
      `| ${s.id} | ${s.target !== undefined ? `>= ${s.target}` : ''} | ${pct(s.recallReal)} | ${pct(s.recallSynthetic)} | ${pct(s.recall)}${ci} | ${pct(s.precision)} | ${pct(s.falseAlarm)} | ${verdict} |`,
    );
  }
  const { columns, rows } = e.confusion;
  out.push('', 'Confusion: cases of each label (rows) that got each message (columns); "none" = no blocking message', '');
  out.push(`| label | cases | ${columns.map((c) => SHORT[c] ?? c).join(' | ')} | none |`, `|---|---|${columns.map(() => '---').join('|')}|---|`);
  for (const r of rows) out.push(`| ${r.label} | ${r.cases} | ${columns.map((c) => r.emitted[c] ?? '.').join(' | ')} | ${r.none} |`);
  out.push('', `columns: ${columns.map((c) => `${SHORT[c] ?? c} = ${c}`).join(', ')}`);
  return out.join('\n');
}
