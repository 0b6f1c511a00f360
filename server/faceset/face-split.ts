/**
 * The one split of the development photos into fit / calibrate / validate, by person.
 *
 * Rule: photos that share an identity are one group (union-find over the identities of each
 * photo, so a photo of two labelled people joins both); an unlabelled photo is a group of its
 * own (its source file). A group's fold comes from sha256(SALT + smallest key of the group):
 * the first 32 bits / 2^32 below FIT go to `fit`, below FIT + CALIBRATE to `calibrate`, the
 * rest to `validate`. No person and no photo spans two folds. The salt was chosen, looking
 * only at the folds' sizes and condition counts (never at any score), so that each fold holds
 * photos of every natural condition. models/face-split.csv is this rule's output, checked in.
 */
import { createHash } from 'node:crypto';
import type { FacePhoto } from './shared-faces.js';

export const FOLDS = ['fit', 'calibrate', 'validate'] as const;
export type Fold = (typeof FOLDS)[number];

export const SPLIT_RULE = { salt: 'plq-split-57', fit: 0.35, calibrate: 0.25 } as const;

function groupKeys(photos: FacePhoto[]): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  const add = (k: string): void => {
    if (!parent.has(k)) parent.set(k, k);
  };
  const union = (a: string, b: string): void => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) ra < rb ? parent.set(rb, ra) : parent.set(ra, rb);
  };
  const keysOf = (p: FacePhoto): string[] => (p.identities.length ? p.identities.map((i) => `id:${i}`) : [`file:${p.file}`]);
  for (const p of photos) {
    const keys = keysOf(p);
    keys.forEach(add);
    for (const k of keys.slice(1)) union(keys[0], k);
  }
  const out = new Map<string, string>();
  for (const p of photos) out.set(p.file, find(keysOf(p)[0]));
  return out;
}

export function foldOfGroup(group: string, rule = SPLIT_RULE): Fold {
  const h = createHash('sha256').update(rule.salt + group).digest();
  const u = h.readUInt32BE(0) / 2 ** 32;
  return u < rule.fit ? 'fit' : u < rule.fit + rule.calibrate ? 'calibrate' : 'validate';
}

export interface SplitEntry {
  file: string;
  group: string;
  fold: Fold;
}

export function splitPhotos(photos: FacePhoto[], rule = SPLIT_RULE): SplitEntry[] {
  const groups = groupKeys(photos);
  return photos.map((p) => {
    const group = groups.get(p.file)!;
    return { file: p.file, group, fold: foldOfGroup(group, rule) };
  });
}

export function splitCsv(entries: SplitEntry[]): string {
  const q = (s: string): string => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ['file,group,fold', ...entries.map((e) => `${q(e.file)},${q(e.group)},${e.fold}`)].join('\n') + '\n';
}
