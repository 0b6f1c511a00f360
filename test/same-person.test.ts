/**
 * Telling another person from the session's own: the pure parts (boxes, similarity, the config),
 * and `plq evaluate same-person`'s measurement on a subset of the validate fold (people no fit and
 * no threshold saw; the threshold was chosen on calibrate), through the real tracker, alignment and
 * FR network on booth frames of real photos and the drawn occluders on them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bestSimilarity, boxOverlap, SAME_PERSON_MIN_SIMILARITY, similarity, trackBroken } from '../server/kiosk/pipeline/session/same-person.js';
import { samePersonOptions } from '../server/kiosk/pipeline/kiosk-pipeline.js';
import { DEFAULT_CONFIG, type KioskConfig } from '../server/kiosk/config/kiosk-config.js';
import { collectPersonSamples } from '../server/cli/evaluate-same-person-command.js';
import { evaluateSamePerson, type PersonSample, type SamePersonEvaluation } from '../server/evaluation/same-person-evaluation.js';
import { ratio } from '../server/evaluation/guidance-evaluation.js';

describe('same person: boxes, similarity and the config', () => {
  it('box overlap is intersection over union; a track breaks on a jump or after a frame without a subject', () => {
    expect(boxOverlap([0, 0, 100, 100], [0, 0, 100, 100])).toBe(1);
    expect(boxOverlap([0, 0, 100, 100], [100, 0, 100, 100])).toBe(0);
    expect(boxOverlap([0, 0, 100, 100], [50, 0, 100, 100])).toBeCloseTo(1 / 3);
    expect(trackBroken(undefined, [0, 0, 10, 10], 0.3)).toBe(true);
    expect(trackBroken([0, 0, 100, 100], [10, 5, 100, 100], 0.3)).toBe(false);
    expect(trackBroken([0, 0, 100, 100], [60, 0, 100, 100], 0.3)).toBe(true);
  });

  it('similarity of unit embeddings, the best over the templates', () => {
    const a = Float32Array.of(0.6, 0.8);
    expect(similarity(a, a)).toBeCloseTo(1);
    expect(bestSimilarity([Float32Array.of(1, 0), Float32Array.of(0, 1)], a)).toBeCloseTo(0.8);
    expect(bestSimilarity([], a)).toBe(-Infinity);
    expect(() => similarity(a, Float32Array.of(1))).toThrow(/different lengths/);
  });

  it('the config: the measured threshold of the FR model, the configured one, or no check', () => {
    const cfg = (samePerson: Partial<KioskConfig['guidance']['samePerson']>, model = DEFAULT_CONFIG.engine.model): KioskConfig => ({
      ...DEFAULT_CONFIG,
      engine: { ...DEFAULT_CONFIG.engine, model },
      guidance: { ...DEFAULT_CONFIG.guidance, samePerson: { ...DEFAULT_CONFIG.guidance.samePerson, ...samePerson } },
    });
    expect(samePersonOptions(DEFAULT_CONFIG)).toEqual({ minSimilarity: SAME_PERSON_MIN_SIMILARITY.mobileface, minBoxOverlap: 0.3, templates: 8 });
    expect(samePersonOptions(cfg({ minSimilarity: 0.4 }))?.minSimilarity).toBe(0.4);
    expect(samePersonOptions(cfg({ enabled: false }))).toBeNull();
    expect(samePersonOptions(cfg({}, 'faceres'))).toBeNull();
    expect(samePersonOptions(cfg({ minSimilarity: 0.5 }, 'faceres'))?.minSimilarity).toBe(0.5);
  });
});

describe('plq evaluate same-person on unseen people (validate subset)', () => {
  let samples: PersonSample[];
  let e: SamePersonEvaluation;

  beforeAll(async () => {
    ({ samples } = await collectPersonSamples({ fold: 'validate', limit: 24, backend: 'auto' }, DEFAULT_CONFIG));
    e = evaluateSamePerson(samples, SAME_PERSON_MIN_SIMILARITY.mobileface);
  }, 300_000);

  it('tells different people apart: the next person in the queue ends the first one\'s session', () => {
    expect(e.people).toBeGreaterThanOrEqual(10);
    expect(e.anotherPersonFound.n).toBeGreaterThanOrEqual(100);
    expect(ratio(e.anotherPersonFound)).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps one person across what the kiosk asks them to take off (glasses, a cap) and closed eyes', () => {
    for (const kind of ['glasses', 'cap', 'closed-eyes']) {
      const r = e.samePersonKept[kind];
      expect(r.n, kind).toBeGreaterThanOrEqual(4);
      expect(ratio(r), kind).toBeGreaterThanOrEqual(0.9);
    }
    // a face is its own best match: a real sample and the same frame again
    const real = samples.filter((s) => s.kind === 'real');
    expect(similarity(real[0].embedding, real[0].embedding)).toBeCloseTo(1, 5);
  });
});
