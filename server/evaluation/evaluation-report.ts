/** The evaluation table, as the README shows it (markdown). */
import type { QualityEvaluation } from './quality-evaluation.js';
import { checkTargets } from './quality-targets.js';

export interface CandidateResult {
  name: string;
  description: string;
  calibration: string;
  result: QualityEvaluation;
}

const pct = (v: number): string => (Number.isFinite(v) ? `${Math.round(v * 100)} %` : 'n/a');
const f2 = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');

export function formatEvaluation(rows: CandidateResult[], header: string): string {
  const out: string[] = [header, ''];
  const table = (title: string, cols: string[], cells: (r: CandidateResult) => string[]): void => {
    out.push(`${title}`, '', `| candidate | ${cols.join(' | ')} |`, `|---|${cols.map(() => '---').join('|')}|`);
    for (const r of rows) out.push(`| ${r.name} | ${cells(r).join(' | ')} |`);
    out.push('');
  };
  const first = rows[0]?.result;
  if (!first) return out.join('\n');
  table(
    `Drop shares (Q falls / mean P inside the damaged area falls), ${first.pointing.faces} clean faces`,
    first.drops.map((d) => d.label),
    (r) => r.result.drops.map((d) => `${pct(d.quality)} / ${pct(d.map)}`),
  );
  table(
    'Severity ladders: mean Q^ per level (monotone fall?)',
    first.ladders.map((l) => `${l.label} (${l.levels.join(', ')})`),
    (r) => r.result.ladders.map((l) => `${l.meanQualityScaled.map(f2).join(' ')} ${l.monotone ? 'yes' : 'NO'}`),
  );
  table(
    'Natural conditions: AUC of Q^, clean frontal vs condition (positives)',
    first.auc.map((a) => `${a.condition} (${a.positives})`),
    (r) => r.result.auc.map((a) => f2(a.auc)),
  );
  const erc = first.erc;
  if (erc) {
    const methods = Object.keys(erc.fnmr);
    table(
      `ERC: FNMR at FMR 1 % (mobileface embeddings, ${erc.images} images of ${erc.identities} identities, ${erc.genuinePairs} genuine / ${erc.impostorPairs} impostor pairs) at ${erc.fractions.map(pct).join(', ')} rejected; reduction at 20 %`,
      methods,
      (r) => methods.map((k) => `${r.result.erc!.fnmr[k].map(f2).join(' ')} (${pct(r.result.erc!.reductionAt20[k])})`),
    );
  }
  table(
    'The map: pointing game (30 px squares on forehead, eyes, nose, cheeks, mouth), deletion/insertion AUCs (10 steps), and clean frontal Q^',
    ['square below face median P', 'covered region lowest', 'deletion AUC P / random', 'insertion AUC P / random', 'clean Q^ p10 / p50 / p90', `clean >= ${first.clean.threshold}`, 'ms per map'],
    (r) => [
      pct(r.result.pointing.belowMedian),
      pct(r.result.pointing.lowestRegion),
      `${r.result.deletionInsertion.plqDeletion.toFixed(3)} / ${r.result.deletionInsertion.randomDeletion.toFixed(3)}`,
      `${r.result.deletionInsertion.plqInsertion.toFixed(3)} / ${r.result.deletionInsertion.randomInsertion.toFixed(3)}`,
      `${f2(r.result.clean.p10)} / ${f2(r.result.clean.p50)} / ${f2(r.result.clean.p90)}`,
      pct(r.result.clean.atThreshold),
      r.result.msPerMap.toFixed(1),
    ],
  );
  out.push('Candidates:', ...rows.map((r) => `- ${r.name}: ${r.description}; calibration: ${r.calibration}`), '');
  for (const r of rows) {
    const checks = checkTargets(r.result);
    out.push(`Targets, ${r.name}: ${checks.filter((c) => c.met).length} of ${checks.length} met`);
    for (const c of checks) out.push(`  ${c.met ? 'met    ' : 'NOT MET'} ${c.target}: ${c.measured}`);
  }
  return out.join('\n');
}
