/**
 * The labelled guidance set (models/guidance-labels.csv): the label rules, the override list, the
 * checked-in file against the rules, and the per-message figures of `plq evaluate guidance`.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  ANY_UNCOVER,
  BLOCKING_IDS,
  CONDITION_IDS,
  buildLabels,
  labelFromNotes,
  labelsCsv,
  parseLabels,
  parseOverrides,
  readLabels,
  readOverrides,
  tokenMatches,
  LABELS_FILE,
} from '../server/faceset/guidance-labels.js';
import type { FaceRecord } from '../server/faceset/face-records.js';
import type { Condition } from '../server/faceset/face-conditions.js';
import { makeGuidanceLabels, splitFileFolds } from '../server/cli/guidance-labels-command.js';
import { idStats, confusion, wilson, type CaseResult } from '../server/evaluation/guidance-evaluation.js';
import type { GuidanceRun } from '../server/evaluation/guidance-runner.js';
import type { GuidanceId } from '../server/kiosk/guidance/guidance-ids.js';

function face(p: Partial<FaceRecord> & { conditions?: Condition[] }): FaceRecord {
  return {
    id: `${p.file ?? 'a.jpg'}#${p.faceIndex ?? 0}`,
    file: 'a.jpg',
    faceIndex: 0,
    fold: 'fit',
    identity: null,
    conditions: [],
    ambiguous: [],
    clean: false,
    facesInPhoto: 1,
    box: [0, 0, 100, 100],
    landmarks5: [],
    pose: { yaw: 0, pitch: 0, roll: 0 },
    score: 1,
    eyeDistance: 40,
    ...p,
  };
}

describe('label rules (notes -> must / must-not)', () => {
  it('a clean frontal face: no must, every blocking message a must-not', () => {
    const f = face({ clean: true });
    const l = labelFromNotes(f, [f], 'frontal');
    expect(l.must).toEqual([]);
    expect(new Set(l.mustNot)).toEqual(new Set(BLOCKING_IDS));
    expect(l.mustNot).not.toContain('hold-still');
  });

  it('each condition brings its message; absent conditions are must-nots; related messages are free', () => {
    const cases: Array<[Condition, string]> = [
      ['glasses', 'remove-glasses'],
      ['sunglasses', 'remove-sunglasses'],
      ['mask', 'uncover-mouth'],
      ['headgear', 'remove-headgear'],
      ['hand', ANY_UNCOVER],
      ['eyesClosed', 'open-eyes'],
      ['profile', 'look-straight'],
      ['dark', 'too-dark'],
    ];
    for (const [c, id] of cases) {
      const f = face({ conditions: [c] });
      const l = labelFromNotes(f, [f], c);
      expect(l.must, c).toEqual([id]);
      expect(l.mustNot, c).not.toContain(id);
    }
    const sun = face({ conditions: ['sunglasses'] });
    const ls = labelFromNotes(sun, [sun], 'sunglasses');
    expect(ls.mustNot).not.toContain('remove-glasses'); // sunglasses are glasses too: free
    expect(ls.mustNot).toContain('uncover-mouth');
    const hand = face({ conditions: ['hand'] });
    expect(labelFromNotes(hand, [hand], 'hand').mustNot.filter((id) => id.startsWith('uncover-'))).toEqual([]);
    const yaw = face({ conditions: ['yaw'] });
    expect(labelFromNotes(yaw, [yaw], 'slight yaw').mustNot).not.toContain('look-straight');
  });

  it('uncover-* is met by any uncover message', () => {
    expect(tokenMatches(ANY_UNCOVER, 'uncover-left-cheek')).toBe(true);
    expect(tokenMatches(ANY_UNCOVER, 'uncover-mouth')).toBe(true);
    expect(tokenMatches(ANY_UNCOVER, 'remove-glasses')).toBe(false);
    expect(tokenMatches('uncover-mouth', 'uncover-mouth')).toBe(true);
  });

  it('faces the notes do not surely describe (small faces of a group) get musts only; "on one" leaves the message free', () => {
    const a = face({ faceIndex: 0, facesInPhoto: 2, box: [0, 0, 100, 100], conditions: ['mask', 'multiFace'] });
    const b = face({ faceIndex: 1, facesInPhoto: 2, box: [200, 0, 90, 90], conditions: ['mask', 'multiFace'], ambiguous: ['glasses'] });
    const la = labelFromNotes(a, [a, b], 'masks');
    const lb = labelFromNotes(b, [a, b], 'masks, glasses on one');
    expect(la.must).toEqual(['uncover-mouth']);
    expect(la.mustNot).toEqual([]); // 100 < 1.5 x 90: not clearly the subject
    expect(lb.must).toEqual(['uncover-mouth']);
    expect(lb.mustNot).toEqual([]);
    const big = face({ faceIndex: 0, facesInPhoto: 2, box: [0, 0, 200, 200], conditions: ['multiFace'], ambiguous: ['glasses'] });
    const lbig = labelFromNotes(big, [big, b], 'group, glasses on one');
    expect(lbig.mustNot).not.toContain('remove-glasses');
    expect(lbig.mustNot).toContain('remove-sunglasses');
  });

  it('label-only note patterns free what the shared condition reader does not read (pitch, expression)', () => {
    const f = face({ clean: true });
    expect(labelFromNotes(f, [f], 'looking up, hair blown').mustNot).not.toContain('look-straight');
    expect(labelFromNotes(f, [f], 'smiling').mustNot).not.toContain('close-mouth');
    expect(labelFromNotes(f, [f], 'frontal').mustNot).toContain('close-mouth');
  });

  it('an override replaces the label; must-not follows from its clean flag and free list; free * = not scored', () => {
    const f = face({ clean: true });
    const overrides = parseOverrides(
      'file,face,must,free,clean,reason\n' +
        'a.jpg,0,remove-glasses,close-mouth,0,wears glasses\n' +
        'b.jpg,*,,*,0,cannot tell\n',
    );
    const g = face({ file: 'b.jpg', id: 'b.jpg#0' });
    const [la, lb] = buildLabels([f, g], () => '', overrides);
    expect(la.source).toBe('override');
    expect(la.must).toEqual(['remove-glasses']);
    expect(new Set(la.mustNot)).toEqual(new Set(CONDITION_IDS.filter((id) => id !== 'remove-glasses')));
    expect(la.clean).toBe(false);
    expect(la.reason).toBe('wears glasses');
    expect(lb.must).toEqual([]);
    expect(lb.mustNot).toEqual([]);
    expect(() => parseOverrides('file,face,must,free,clean,reason\na.jpg,0,remove-glasses,,0,\n')).toThrow(/reason/);
    expect(() => parseOverrides('file,face,must,free,clean,reason\na.jpg,0,remove-glases,,0,typo\n')).toThrow(/unknown guidance id/);
    expect(() => buildLabels([f], () => '', parseOverrides('file,face,must,free,clean,reason\nc.jpg,0,,,1,no such photo\n'))).toThrow(/match no detected face/);
  });

  it('CSV round trip', () => {
    const f = face({ conditions: ['hand', 'glasses'], file: 'x, "quoted".jpg' });
    const labels = [labelFromNotes(f, [f], 'hand, glasses')];
    expect(parseLabels(labelsCsv(labels))).toEqual(labels);
  });
});

describe('the checked-in label set', () => {
  it('models/guidance-labels.csv is what the rules and the overrides give (plq guidance-labels --check)', async () => {
    const made = labelsCsv(await makeGuidanceLabels());
    expect(made).toBe(await readFile(LABELS_FILE, 'utf8'));
  });

  it('every row carries its photo fold from models/face-split.csv; every override has a reason', async () => {
    const labels = await readLabels();
    const folds = await splitFileFolds();
    for (const l of labels) expect(l.fold, l.file).toBe(folds.get(l.file));
    const overrides = await readOverrides();
    expect(overrides.length).toBeGreaterThan(50);
    for (const o of overrides) expect(o.reason.trim().length, `${o.file}#${o.face}`).toBeGreaterThan(10);
    for (const l of labels.filter((x) => x.source === 'override')) expect(l.reason).not.toBe('');
  });

  it('the validate fold has real cases of every target message (support for the measurement)', async () => {
    const v = (await readLabels()).filter((l) => l.fold === 'validate');
    const count = (t: string): number => v.filter((l) => l.must.includes(t as GuidanceId)).length;
    expect(count('remove-glasses')).toBeGreaterThanOrEqual(30);
    expect(count('uncover-mouth')).toBeGreaterThanOrEqual(15);
    expect(count('remove-sunglasses')).toBeGreaterThanOrEqual(3);
    expect(count('remove-headgear')).toBeGreaterThanOrEqual(5);
    expect(count('open-eyes')).toBeGreaterThanOrEqual(5);
    expect(count('look-straight')).toBeGreaterThanOrEqual(5);
    expect(v.filter((l) => l.clean).length).toBeGreaterThanOrEqual(80);
  });
});

describe('per-message figures', () => {
  const run = (emitted: GuidanceId[]): GuidanceRun => ({
    emitted,
    final: emitted,
    tracked: 10,
    withFace: 10,
    detectorFrames: 10,
    competingFaces: 0,
    plqResults: 3,
    measurements: null,
    plq: null,
    captured: false,
    captureAtMs: null,
    latest: null,
    holdMs: 900,
  });
  const c = (id: string, source: 'real' | 'synthetic', clean: boolean, must: CaseResult['must'], mustNot: GuidanceId[], emitted: GuidanceId[]): CaseResult => ({
    id,
    source,
    fold: 'validate',
    clean,
    must,
    mustNot,
    run: run(emitted),
  });
  const results = [
    c('a', 'real', false, ['remove-glasses'], ['remove-sunglasses'], ['remove-glasses']),
    c('b', 'real', false, ['remove-glasses'], ['remove-sunglasses'], []),
    c('c', 'synthetic', false, ['remove-glasses'], ['remove-sunglasses'], ['remove-glasses', 'remove-sunglasses']),
    c('d', 'real', true, [], ['remove-glasses', 'remove-sunglasses'], ['remove-glasses']),
    c('e', 'real', true, [], ['remove-glasses', 'remove-sunglasses'], []),
    c('f', 'real', false, [], [], ['remove-glasses']), // free: counts nowhere
    c('g', 'real', false, [ANY_UNCOVER], [], ['uncover-left-cheek']),
  ];

  it('recall over musts (real, synthetic, all), precision over musts and must-nots, false alarms on clean real faces', () => {
    const g = idStats(results, 'remove-glasses');
    expect(g.recallReal).toEqual({ k: 1, n: 2 });
    expect(g.recallSynthetic).toEqual({ k: 1, n: 1 });
    expect(g.recall).toEqual({ k: 2, n: 3 });
    expect(g.precision).toEqual({ k: 2, n: 3 }); // a, c right; d wrong; f free
    expect(g.falseAlarm).toEqual({ k: 1, n: 2 });
    expect(g.recallMet).toBe(false); // 0.67 < 0.8
    expect(g.falseAlarmMet).toBe(false);
    const s = idStats(results, 'remove-sunglasses');
    expect(s.recall.n).toBe(0);
    expect(s.precision).toEqual({ k: 0, n: 1 });
    expect(s.falseAlarm).toEqual({ k: 0, n: 2 });
    expect(s.falseAlarmMet).toBe(true);
    expect(idStats(results, ANY_UNCOVER).recall).toEqual({ k: 1, n: 1 });
  });

  it('the confusion table counts every label row against every emitted message', () => {
    const t = confusion(results);
    expect(t.columns).toEqual(['remove-sunglasses', 'remove-glasses', 'uncover-left-cheek']); // catalogue order
    const glasses = t.rows.find((r) => r.label === 'real must remove-glasses')!;
    expect(glasses.cases).toBe(2);
    expect(glasses.emitted['remove-glasses']).toBe(1);
    expect(glasses.none).toBe(1);
    expect(t.rows.find((r) => r.label === 'real clean frontal')!.cases).toBe(2);
  });

  it('Wilson interval', () => {
    const [lo, hi] = wilson({ k: 9, n: 10 })!;
    expect(lo).toBeCloseTo(0.596, 2);
    expect(hi).toBeCloseTo(0.982, 2);
    expect(wilson({ k: 0, n: 0 })).toBeNull();
  });
});
