// The lean validators (generated/lean-validators/, scripts/gen/lean-validators.mjs) are what the extension
// checks the endpoint's answers and its queue files with: they must give exactly the verdict of the full
// generated validator, on every vector of the spec and on random variations of them, and on a refusal
// name a place and a rule that the full validator names too.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ErrorObject } from 'ajv';
import { constChoicesAsEnum } from '../../scripts/gen/ajv.mjs';
import { LEAN_VALIDATORS, leanCode } from '../../scripts/gen/lean-validators.mjs';
import { ROOT } from '../../scripts/gen/schemas.mjs';

const require = createRequire(import.meta.url);
interface Full { (data: unknown): boolean; errors?: ErrorObject[] | null }
interface Lean { (data: unknown): boolean; errors?: { instancePath: string; keyword: string }[] | null }
const full = (stem: string) => require(path.join(ROOT, 'generated/validators', `${stem}.cjs`)) as Full;
const lean = (stem: string) => require(path.join(ROOT, 'generated/lean-validators', `${stem}.cjs`)) as Lean;
const vectorData = (stem: string): unknown[] =>
  (JSON.parse(readFileSync(path.join(ROOT, 'schemas/vectors', `${stem}.json`), 'utf8')) as { tests: { data: unknown }[] }[]).flatMap((g) => g.tests.map((t) => t.data));

/** The events inside the vectors of batches and exports, which reach the client's queue files the same way. */
const carriedEvents = (stem: string): unknown[] => vectorData(stem).flatMap((d) =>
  d && typeof d === 'object' && Array.isArray((d as { events?: unknown }).events) ? (d as { events: unknown[] }).events : []);

/**
 * Data for each lean schema: its own vectors; for `event` also those of every schema under schemas/event/
 * (read from the folder, so a new kind of event is covered the day it is added) and the events of batches
 * and exports.
 */
const SAMPLES: Record<string, unknown[]> = {
  event: [
    ...readdirSync(path.join(ROOT, 'schemas/event')).map((f) => f.replace(/\.schema\.json$/, '')).flatMap(vectorData),
    ...carriedEvents('batch'), ...carriedEvents('export'),
  ],
  'ingest-response': vectorData('ingest-response'),
};

/** The same verdict, and on a refusal errors whose places and rules the full validator reports too. */
function agree(stem: string, data: unknown): void {
  const f = full(stem);
  const l = lean(stem);
  const verdict = f(data);
  // The message only on a difference: most of the data checked here is large, and agrees.
  if (l(data) !== verdict) { expect(l(data), JSON.stringify(data).slice(0, 300)).toBe(verdict); }
  if (verdict) { expect(l.errors ?? null).toBeNull(); return; }
  // One, or (inside a `oneOf` of the event kinds) one per branch that failed and the `oneOf` itself.
  expect(l.errors!.length).toBeGreaterThan(0);
  for (const e of l.errors!) {
    // The reason codes are checked as the enum they are; the full validator reports that place as a `oneOf`.
    const keyword = e.keyword === 'enum' ? ['enum', 'oneOf'] : [e.keyword];
    expect(f.errors!.some((x) => x.instancePath === e.instancePath && keyword.includes(x.keyword)), `${JSON.stringify(e)} among ${JSON.stringify(f.errors!.map((x) => [x.instancePath, x.keyword]))}`).toBe(true);
  }
}

/** Every size and numeric bound the schemas state, and its neighbours: where a rule dropped or moved by the rewrite would show. */

function schemaBounds(keywords: Set<string>): number[] {
  const found = new Set<number>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (!v || typeof v !== 'object') { return; }
    for (const [k, x] of Object.entries(v)) {
      if (keywords.has(k) && typeof x === 'number') { for (const d of [-1, 0, 1]) { found.add(x + d); } }
      walk(x);
    }
  };
  for (const folder of ['event', 'protocol']) {
    for (const f of readdirSync(path.join(ROOT, 'schemas', folder))) { walk(JSON.parse(readFileSync(path.join(ROOT, 'schemas', folder, f), 'utf8'))); }
  }
  return [...found];
}
const STRING_SIZES = schemaBounds(new Set(['maxLength', 'minLength'])).filter((n) => n >= 0);
const ARRAY_SIZES = schemaBounds(new Set(['maxItems', 'minItems'])).filter((n) => n >= 0);
const OBJECT_SIZES = schemaBounds(new Set(['maxProperties', 'minProperties'])).filter((n) => n >= 0);
const SIZES = [...new Set([...STRING_SIZES, ...ARRAY_SIZES, ...OBJECT_SIZES])];
const NUMBERS = [...schemaBounds(new Set(['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum'])), ...SIZES];
/** The bounds worth trying on a value of this type. */
const boundsFor = (value: unknown): number[] => typeof value === 'number' ? NUMBERS : typeof value === 'string' ? STRING_SIZES
  : Array.isArray(value) ? ARRAY_SIZES : value && typeof value === 'object' ? OBJECT_SIZES : [];

/** `old` made `size` long (strings: padded with its own last character; arrays: repeating an element; objects: more or fewer members). */
function resized(old: unknown, size: number): unknown {
  if (typeof old === 'string') { return old.length >= size ? old.slice(0, size) : old + (old.at(-1) ?? 'a').repeat(size - old.length); }
  if (Array.isArray(old)) { return old.length >= size ? old.slice(0, size) : [...old, ...Array.from({ length: size - old.length }, (_, i) => structuredClone(old[i % Math.max(old.length, 1)] ?? 'a'))]; }
  if (old && typeof old === 'object') {
    const entries = Object.entries(old);
    const sample = entries[0]?.[1] ?? 1;
    return Object.fromEntries(entries.length >= size ? entries.slice(0, size) : [...entries, ...Array.from({ length: size - entries.length }, (_, i) => [`k${i}`, structuredClone(sample)])]);
  }
  return old;
}

/** Every place in a value, as the keys that lead to it. */
function placesOf(base: unknown): (string | number)[][] {
  const places: (string | number)[][] = [];
  const walk = (v: unknown, at: (string | number)[]) => {
    places.push(at);
    if (Array.isArray(v)) { v.forEach((x, i) => walk(x, [...at, i])); } else if (v && typeof v === 'object') { for (const [k, x] of Object.entries(v)) { walk(x, [...at, k]); } }
  };
  walk(base, []);
  return places;
}

/** A copy of `base` with the value at `at` given by `change` (of the old value). */
function withChange(base: unknown, at: (string | number)[], change: (old: unknown) => unknown): unknown {
  if (at.length === 0) { return change(structuredClone(base)); }
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let parent = copy;
  for (const k of at.slice(0, -1)) { parent = parent[k] as Record<string | number, unknown>; }
  parent[at.at(-1)!] = change(parent[at.at(-1)!]);
  return copy;
}

/**
 * A vector with one part replaced, removed, added, tweaked (one character changed, inserted or deleted, a
 * number moved by one) or brought to a bound of the schemas (a string, array or object of that size, a
 * number of that value): its neighbours, where a rule dropped by the rewrite would show.
 */
function mutated(base: unknown): fc.Arbitrary<unknown> {
  const places = placesOf(base);
  const replacement = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('', 'x'.repeat(600), -1, 0.5, 1e308, 'rate_limited', 'nope', '01936d3c-6b10-7c2d-8e4f-5a6b7c8d9e0f'));
  const tweaks = fc.tuple(fc.nat(), fc.constantFrom('A', 'g', 'z', '0', '9', '-', '/', '.', ':', ' ', '\u00e9', '\ud83d\ude00', '\u0000'), fc.constantFrom(-1, 1), fc.constantFrom('change', 'insert', 'delete'));
  const hows = fc.constantFrom('replace', 'remove', 'add', 'tweak', 'tweak', 'bound', 'bound');
  return fc.tuple(fc.constantFrom(...places), hows, replacement, fc.string({ maxLength: 12 }), tweaks, fc.constantFrom(...NUMBERS), fc.constantFrom(...SIZES)).map(([at, how, value, key, [i, char, step, edit], bound, size]) => {
    const copy = structuredClone(base) as Record<string | number, unknown>;
    if (at.length === 0) { return how === 'replace' ? value : how === 'bound' ? resized(copy, size) : copy; }
    let parent: Record<string | number, unknown> = copy;
    for (const k of at.slice(0, -1)) { parent = parent[k] as Record<string | number, unknown>; }
    const last = at.at(-1)!;
    const old = parent[last];
    if (how === 'tweak') {
      if (typeof old === 'string') {
        const k = old.length === 0 ? 0 : i % old.length;
        parent[last] = edit === 'insert' || old.length === 0 ? old.slice(0, k) + char + old.slice(k) : old.slice(0, k) + (edit === 'change' ? char : '') + old.slice(k + 1);
      } else if (typeof old === 'number') { parent[last] = old + step; }
    } else if (how === 'bound') { parent[last] = typeof old === 'number' ? bound : resized(old, size); }
    else if (how === 'replace') { parent[last] = value; } else if (how === 'remove') {
      if (Array.isArray(parent)) { parent.splice(Number(last), 1); } else { delete parent[last]; }
    } else if (parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last])) { (parent[last] as Record<string, unknown>)[key] = value; } else { parent[last] = value; }
    return copy;
  });
}

describe('lean validators', () => {
  it.each(LEAN_VALIDATORS)('%s: the verdict of the full validator on every vector', (stem) => {
    expect(SAMPLES[stem]!.length).toBeGreaterThan(10);
    for (const data of SAMPLES[stem]!) { agree(stem, data); }
  });

  // Random variations rarely land on one bound at one place; this walks them all.
  it.each(LEAN_VALIDATORS)('%s: the verdict of the full validator with every place of every vector brought to every bound of the schemas', (stem) => {
    let checked = 0;
    for (const base of SAMPLES[stem]!) {
      for (const at of placesOf(base)) {
        const old = withChange(base, at, (v) => v);
        const value = at.length === 0 ? old : at.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], old);
        for (const bound of boundsFor(value)) {
          agree(stem, withChange(base, at, (v) => typeof v === 'number' ? bound : resized(v, bound)));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  }, 300_000);

  it.each(LEAN_VALIDATORS)('%s: the verdict of the full validator on random variations of the vectors', (stem) => {
    fc.assert(fc.property(fc.constantFrom(...SAMPLES[stem]!).chain(mutated), (data) => { agree(stem, data); }), { numRuns: 5000 });
  }, 120_000);

  it('carry no schema paths or parameters, and are much smaller than the full ones', () => {
    for (const stem of LEAN_VALIDATORS) {
      const text = readFileSync(path.join(ROOT, 'generated/lean-validators', `${stem}.cjs`), 'utf8');
      expect(text).not.toMatch(/schemaPath|params:/);
      expect(text.length).toBeLessThan(0.75 * readFileSync(path.join(ROOT, 'generated/validators', `${stem}.cjs`), 'utf8').length);
    }
  });

  it('the rewrite refuses code of a shape it does not know, rather than leave an error object behind', () => {
    expect(() => leanCode('const e = {instancePath,schemaPath:"#/x",keyword:"type",extra:1};')).toThrow(/unexpected shape/);
    expect(() => leanCode('function v(data) { return true; }')).toThrow(/did not find every error object/);
    expect(leanCode('validate.errors = [{instancePath:instancePath+"/a",schemaPath:"#/a/type",keyword:"type",params:{type: "string"}}];'))
      .toContain('validate.errors = [leanError(instancePath+"/a", "type")];');
  });

  it('checks a choice of constants as an enum only when the constants are distinct', () => {
    expect(constChoicesAsEnum({ type: 'string', oneOf: [{ const: 'a' }, { const: 'b' }] })).toEqual({ type: 'string', enum: ['a', 'b'] });
    expect(constChoicesAsEnum({ oneOf: [{ const: 'a' }, { type: 'number' }] })).toEqual({ oneOf: [{ const: 'a' }, { type: 'number' }] });
    expect(() => constChoicesAsEnum({ oneOf: [{ const: 'a' }, { const: 'a' }] })).toThrow(/repeats a const/);
  });
});
