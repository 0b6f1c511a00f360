/**
 * Deep merge of JSON-like config layers: plain objects are merged key by key, recursively;
 * anything else (arrays, scalars, null) in `over` replaces what `base` has. Inputs are never
 * modified. Keys such as `__proto__` are copied as ordinary own keys (so the schema reports
 * them as unknown) instead of changing the result's prototype.
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) define(out, k, clone(x));
  return out;
}

export function deepMerge<T>(base: T, over: unknown): T;
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return clone(base);
  if (!isPlainObject(base) || !isPlainObject(over)) return clone(over);
  const out = clone(base) as Record<string, unknown>;
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    define(out, k, Object.hasOwn(base, k) ? deepMerge(base[k], v) : clone(v));
  }
  return out;
}
