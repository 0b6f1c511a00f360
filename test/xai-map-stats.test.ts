import { describe, expect, it } from 'vitest';
import { absDiff, adMam, median, stackStats, type Map2D } from '../server/xai/map-stats.js';
import { overlapRatio, splitHighLow } from '../server/xai/quality-split.js';
import { histogram } from '../server/xai/histogram.js';
import { errorVersusReject, thresholdAtFmr } from '../server/xai/error-reject.js';
import { parseMam, serialiseMam } from '../server/xai/mam-file.js';

const map = (w: number, h: number, values: number[]): Map2D => ({ width: w, height: h, data: Float32Array.from(values) });

describe('AMVA statistics on hand-made stacks (DESIGN.md section 3)', () => {
  // Three 2x1 maps; pixel 0 takes 1, 2, 6 and pixel 1 takes 0, 0, 3.
  const stack = [map(2, 1, [1, 0]), map(2, 1, [2, 0]), map(2, 1, [6, 3])];
  const s = stackStats(stack);

  it('MAM is the pixel-wise mean, MDAM the pixel-wise median', () => {
    expect(Array.from(s.mam.data)).toEqual([3, 1]);
    expect(Array.from(s.mdam.data)).toEqual([2, 0]);
    expect(s.count).toBe(3);
  });

  it('AM-V is the population standard deviation around the mean', () => {
    // pixel 0: ((1-3)^2 + (2-3)^2 + (6-3)^2) / 3 = 14/3; pixel 1: (1 + 1 + 4) / 3 = 2.
    expect(s.amV.data[0]).toBeCloseTo(Math.sqrt(14 / 3), 6);
    expect(s.amV.data[1]).toBeCloseTo(Math.sqrt(2), 6);
  });

  it('AM-MV is sqrt(mean((a - median)^2)), not the spread around the mean', () => {
    // pixel 0: ((1-2)^2 + 0 + (6-2)^2) / 3 = 17/3; pixel 1: (0 + 0 + 9) / 3 = 3.
    expect(s.amMV.data[0]).toBeCloseTo(Math.sqrt(17 / 3), 6);
    expect(s.amMV.data[1]).toBeCloseTo(Math.sqrt(3), 6);
    expect(s.amMV.data[0]).toBeGreaterThan(s.amV.data[0]);
  });

  it('uses n, not n - 1, and the mean of the middle pair for an even median', () => {
    const two = stackStats([map(1, 1, [0]), map(1, 1, [2])]);
    expect(two.amV.data[0]).toBeCloseTo(1, 6);
    expect(two.mdam.data[0]).toBeCloseTo(1, 6);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('a single map has zero variation and is its own mean and median', () => {
    const one = stackStats([map(2, 1, [0.3, 0.7])]);
    expect(Array.from(one.amV.data)).toEqual([0, 0]);
    expect(Array.from(one.mdam.data)).toEqual(Array.from(Float32Array.from([0.3, 0.7])));
  });

  it('D-AM-V and AD-MAM_H are absolute pixel-wise differences', () => {
    expect(Array.from(absDiff(map(2, 1, [1, 5]), map(2, 1, [3, 2])).data)).toEqual([2, 3]);
    expect(Array.from(adMam(map(2, 1, [0.25, 1]), s.mam).data)).toEqual([2.75, 0]);
  });

  it('refuses stacks of different sizes and empty stacks', () => {
    expect(() => stackStats([map(2, 1, [0, 0]), map(1, 2, [0, 0])])).toThrow(/differ in size/);
    expect(() => stackStats([])).toThrow(/at least one/);
  });
});

describe('H/L split and overlap', () => {
  it('takes the given fraction of highest and lowest scores', () => {
    const scores = [0.5, 0.9, 0.1, 0.7, 0.3, 0.2, 0.8, 0.6, 0.4, 0.0];
    const { high, low } = splitHighLow(scores, 0.2);
    expect(high).toEqual([1, 6]);
    expect(low).toEqual([9, 2]);
    expect(() => splitHighLow([1, Number.NaN], 0.5)).toThrow(/finite/);
    expect(() => splitHighLow(scores, 0.7)).toThrow(/fraction/);
  });

  it('overlap ratio is the shared share', () => {
    expect(overlapRatio([1, 2, 3, 4], [4, 3, 9, 8])).toBe(0.5);
    expect(overlapRatio([1, 2], [1, 2])).toBe(1);
  });

  it('histogram shares sum to one and land in the right bins', () => {
    const h = histogram([0, 0.1, 0.6, 1], 2, 0, 1);
    expect(h.shares).toEqual([0.5, 0.5]);
    expect(h.edges).toEqual([0, 0.5, 1]);
  });
});

describe('error versus reject', () => {
  const unit = (angle: number) => Float32Array.from([Math.cos(angle), Math.sin(angle)]);
  // Two identities far apart; one image of A is an outlier (a bad image) with the lowest quality.
  const embeddings = [unit(0), unit(0.05), unit(2.6), unit(1.6), unit(1.65), unit(1.7)];
  const identities = ['A', 'A', 'A', 'B', 'B', 'B'];
  const good = [0.9, 0.8, 0.1, 0.7, 0.9, 0.8];

  it('rejecting the outlier first removes the false non-matches', () => {
    const erc = errorVersusReject({ embeddings, identities }, good, 0.001, [0, 1 / 6]);
    expect(erc.points[0].fnmr).toBeGreaterThan(0);
    expect(erc.points[1].fnmr).toBe(0);
    // A quality that ranks the outlier highest cannot get rid of it.
    const bad = good.map((q, i) => (i === 2 ? 1 : q));
    expect(errorVersusReject({ embeddings, identities }, bad, 0.001, [1 / 6]).points[0].fnmr).toBeGreaterThan(0);
  });

  it('the threshold admits at most the target share of impostors', () => {
    const imp = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const t = thresholdAtFmr(imp, 0.01);
    expect(imp.filter((s) => s >= t).length).toBeLessThanOrEqual(10);
    expect(imp.filter((s) => s >= t).length).toBeGreaterThanOrEqual(9);
  });

  it('needs genuine and impostor pairs', () => {
    expect(() => errorVersusReject({ embeddings: [unit(0), unit(1)], identities: ['A', 'B'] }, [1, 1])).toThrow(/genuine/);
  });
});

describe('stored MAM_H', () => {
  it('round-trips and rejects damaged files', () => {
    const m = { format: 'plq-mam/1' as const, model: 'mobileface', method: 'serfiq', fraction: 0.1, count: 3, map: map(3, 2, [0, 0.1, 0.2, 0.5, 0.75, 1]) };
    const back = parseMam(serialiseMam(m));
    expect(back.map.data).toEqual(m.map.data);
    expect(back.model).toBe('mobileface');
    const j = JSON.parse(serialiseMam(m));
    expect(() => parseMam(JSON.stringify({ ...j, width: 4 }))).toThrow(/bytes/);
    expect(() => parseMam('{"format":"other"}')).toThrow(/plq-mam/);
  });
});
