// The rules every schema of the spec keeps: strict 2020-12, described fields, bounded values, privacy
// annotations on everything that leaves the machine, and examples that are themselves valid.
import { describe, expect, it } from 'vitest';
import { createAjv, ANNOTATION_KEYWORDS } from '../../scripts/gen/ajv.mjs';
import { ID_BASE, loadSchemas } from '../../scripts/gen/schemas.mjs';

type Node = Record<string, unknown>;
const entries = loadSchemas();
const ajv = createAjv();
const ajvFormats = createAjv({ assertFormats: true });

/** Schemas whose fields leave the user's machine: each field must say its privacy class and purpose. */
const LEAVES_MACHINE = (rel: string) => rel.startsWith('event/') || rel === 'protocol/batch.schema.json';

/** Places that may hold any JSON value by design, with the reason. */
const UNBOUNDED_BY_DESIGN: Record<string, string> = {
  'meta/vector-file.schema.json#/items/properties/tests/items/properties/data': 'a vector instance is any JSON value, valid or not',
  'meta/http-exchange.schema.json#/$defs/request/properties/body': 'a request body in a conformance file is any JSON, valid or not',
  'meta/http-exchange.schema.json#/$defs/response/properties/body': 'an expected body pattern is any JSON',
};

interface Visit { rel: string; id: string; pointer: string; node: Node; key: string | undefined; parent: string | undefined }

function* walk(rel: string, id: string, node: unknown, pointer: string, key?: string, parent?: string): Generator<Visit> {
  if (!node || typeof node !== 'object' || Array.isArray(node)) { return; }
  const n = node as Node;
  yield { rel, id, pointer, node: n, key, parent };
  const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  for (const map of ['properties', '$defs', 'patternProperties'] as const) {
    for (const [k, v] of Object.entries((n[map] as Node | undefined) ?? {})) { yield* walk(rel, id, v, `${pointer}/${map}/${esc(k)}`, k, map); }
  }
  for (const single of ['items', 'additionalProperties', 'propertyNames', 'if', 'then', 'else', 'not', 'contains', 'unevaluatedProperties']) {
    if (n[single] && typeof n[single] === 'object') { yield* walk(rel, id, n[single], `${pointer}/${single}`, undefined, single); }
  }
  for (const list of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
    for (const [i, v] of ((n[list] as unknown[] | undefined) ?? []).entries()) { yield* walk(rel, id, v, `${pointer}/${list}/${i}`, undefined, list); }
  }
}

const visits = entries.flatMap((e) => [...walk(e.rel, e.id, e.schema, '')]);
/** Fields that define a member; those under if/then/else/not only constrain a member defined elsewhere. */
const definitions = visits.filter((v) => !/\/(if|then|else|not)(\/|$)/.test(v.pointer));
const where = (v: Visit) => `${v.rel}#${v.pointer}`;

describe('every schema', () => {
  it.each(entries.map((e) => [e.rel, e] as const))('%s has $schema 2020-12, a stable $id, a title and a description', (_rel, e) => {
    expect(e.schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(e.id).toBe(ID_BASE + e.rel);
    expect(typeof e.schema.title).toBe('string');
    expect(String(e.schema.description).length).toBeGreaterThan(20);
  });

  it.each(entries.map((e) => [e.rel, e.id] as const))('%s compiles in ajv strict mode, with and without format assertion', (_rel, id) => {
    expect(ajv.getSchema(id)).toBeTypeOf('function');
    expect(ajvFormats.getSchema(id)).toBeTypeOf('function');
  });
});

describe('every field', () => {
  it('has a description', () => {
    const missing = definitions.filter((v) => (v.parent === 'properties' || v.parent === '$defs') && typeof v.node.description !== 'string').map(where);
    expect(missing).toEqual([]);
  });

  it('is bounded: strings by length or values, arrays by count, maps by entries, numbers by range', () => {
    const problems: string[] = [];
    for (const v of visits) {
      if (UNBOUNDED_BY_DESIGN[`${v.rel}#${v.pointer}`]) { continue; }
      const n = v.node;
      if (n.const !== undefined || n.enum !== undefined) { continue; }
      const t = n.type;
      if (t === 'string' && n.maxLength === undefined) { problems.push(`${where(v)}: string without maxLength`); }
      if (t === 'array' && n.maxItems === undefined) { problems.push(`${where(v)}: array without maxItems`); }
      if ((t === 'number' || t === 'integer') && (n.minimum === undefined || n.maximum === undefined)) { problems.push(`${where(v)}: number without minimum and maximum`); }
      if (t === 'object' && n.additionalProperties !== false && n.maxProperties === undefined && !n.$ref && !n.allOf && !n.oneOf) {
        problems.push(`${where(v)}: object open to any member without maxProperties`);
      }
      if (t === undefined && !n.$ref && !n.anyOf && !n.oneOf && !n.allOf && !n.const && !n.enum && !n.not && v.parent === 'properties') {
        problems.push(`${where(v)}: no type`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('of an event or a batch says its privacy class, purpose and reason', () => {
    const validate = ajv.getSchema(`${ID_BASE}meta/privacy-annotation.schema.json`)!;
    const problems: string[] = [];
    for (const v of definitions.filter((x) => LEAVES_MACHINE(x.rel) && x.parent === 'properties')) {
      if (!v.node['x-privacy']) { problems.push(`${where(v)}: no x-privacy`); continue; }
      if (!validate(v.node['x-privacy'])) { problems.push(`${where(v)}: ${ajv.errorsText(validate.errors)}`); }
    }
    expect(problems).toEqual([]);
  });

  it('uses only declared annotations, with valid values', () => {
    const reason = ajv.getSchema(`${ID_BASE}meta/reason-annotation.schema.json`)!;
    const privacy = ajv.getSchema(`${ID_BASE}meta/privacy-annotation.schema.json`)!;
    const neverCollected = ajv.getSchema(`${ID_BASE}meta/privacy-annotation.schema.json#/$defs/neverCollected`)!;
    const problems: string[] = [];
    for (const v of visits) {
      for (const k of Object.keys(v.node).filter((key) => key.startsWith('x-') && v.parent !== 'properties')) {
        if (!ANNOTATION_KEYWORDS.includes(k)) { problems.push(`${where(v)}: undeclared annotation ${k}`); }
      }
      if (v.node['x-reason'] && !reason(v.node['x-reason'])) { problems.push(`${where(v)}: x-reason ${ajv.errorsText(reason.errors)}`); }
      if (v.node['x-privacy'] && !privacy(v.node['x-privacy'])) { problems.push(`${where(v)}: x-privacy ${ajv.errorsText(privacy.errors)}`); }
      if (v.node['x-never-collected'] && !neverCollected(v.node['x-never-collected'])) {
        problems.push(`${where(v)}: x-never-collected ${ajv.errorsText(neverCollected.errors)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has examples, where it has any, that are valid against the field itself', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const v of visits.filter((x) => Array.isArray(x.node.examples))) {
      const validate = ajv.getSchema(`${v.id}#${v.pointer}`);
      if (!validate) { problems.push(`${where(v)}: cannot compile`); continue; }
      for (const example of v.node.examples as unknown[]) {
        checked++;
        if (!validate(example)) { problems.push(`${where(v)}: example ${JSON.stringify(example).slice(0, 80)}: ${ajv.errorsText(validate.errors)}`); }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('of an event has an example', () => {
    const missing = definitions.filter((v) => v.rel.startsWith('event/') && v.parent === 'properties' && !Array.isArray(v.node.examples)
      && v.node.type !== 'object').map(where);
    expect(missing).toEqual([]);
  });

  it('pattern is portable: no \\d, no look-around, no back-references', () => {
    const bad = visits.flatMap((v) => (typeof v.node.pattern === 'string' && /\\d|\(\?[=!<]|\\[1-9]/.test(v.node.pattern) ? [where(v)] : []));
    expect(bad).toEqual([]);
  });
});
