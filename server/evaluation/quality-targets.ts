/** The targets the default model is judged against on the validate fold (issue "Quality that holds for people the model has never seen"). */
import type { QualityEvaluation } from './quality-evaluation.js';

export const QUALITY_TARGETS = {
  /** Share of faces whose Q falls, for 30 px squares, blur sigma 2 and 4x downscaling. */
  dropShare: 0.9,
  /** Square's mean P below the face's median P. */
  pointingBelowMedian: 0.8,
  /** Relative FNMR reduction at FMR 1 % with the lowest 20 % rejected. */
  ercReductionAt20: 0.25,
  cleanMedian: [0.5, 0.8] as [number, number],
  cleanAtThreshold: 0.7,
  /** AUC clean vs sunglasses, mask and blur. */
  auc: 0.75,
  msPerMap: 50,
} as const;

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;

export function checkTargets(r: QualityEvaluation): TargetCheck[] {
  const t = QUALITY_TARGETS;
  const out: TargetCheck[] = [];
  for (const d of r.drops.filter((x) => /square|blur|downscale/.test(x.label))) {
    out.push({ target: `Q drops for >= ${pct(t.dropShare)} (${d.label})`, measured: pct(d.quality), met: d.quality >= t.dropShare });
  }
  for (const l of r.ladders) out.push({ target: `ladder ${l.label} falls monotonically`, measured: l.meanQualityScaled.map((v) => v.toFixed(2)).join(' '), met: l.monotone });
  out.push({ target: `pointing game >= ${pct(t.pointingBelowMedian)}`, measured: pct(r.pointing.belowMedian), met: r.pointing.belowMedian >= t.pointingBelowMedian });
  if (r.erc) {
    const q = r.erc.reductionAt20['Q^'];
    const best = Math.max(...Object.entries(r.erc.reductionAt20).filter(([k]) => k !== 'Q^' && k !== 'random').map(([, v]) => v));
    out.push({ target: `ERC: FNMR down >= ${pct(t.ercReductionAt20)} at 20 % rejected, and more than the plain baselines`, measured: `${pct(q)} (best baseline ${pct(best)})`, met: q >= t.ercReductionAt20 && q > best });
  }
  out.push({
    target: `clean median Q^ in [${t.cleanMedian.join(', ')}]`,
    measured: r.clean.p50.toFixed(2),
    met: r.clean.p50 >= t.cleanMedian[0] && r.clean.p50 <= t.cleanMedian[1],
  });
  out.push({ target: `clean at or above ${r.clean.threshold} >= ${pct(t.cleanAtThreshold)}`, measured: pct(r.clean.atThreshold), met: r.clean.atThreshold >= t.cleanAtThreshold });
  for (const a of r.auc.filter((x) => ['sunglasses', 'mask', 'blur'].includes(x.condition))) {
    out.push({ target: `AUC clean vs ${a.condition} >= ${t.auc}`, measured: `${a.auc.toFixed(2)} (${a.positives} faces)`, met: a.auc >= t.auc });
  }
  out.push({ target: `<= ${t.msPerMap} ms per map`, measured: `${r.msPerMap.toFixed(1)} ms`, met: r.msPerMap <= t.msPerMap });
  return out;
}
