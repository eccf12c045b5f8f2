// How deep a valid event or batch can nest, read from the schemas themselves: the endpoint checks the
// nesting depth of a body (PROTOCOL.md §4 step 4, 32 levels) and of each event (16 levels) only when
// something in it fails validation, because a batch whose envelope and events all validate cannot be
// deeper than these bounds (endpoint/src/ingest/). If a schema change ever allows deeper values, this
// fails, and that shortcut with it.
import { describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH, MAX_EVENT_DEPTH } from '../../protocol/limits';
import { makeResolver } from '../../scripts/gen/fields.mjs';
import { loadSchemas, resolveRef } from '../../scripts/gen/schemas.mjs';

type Schema = Record<string, unknown> | boolean;
const entries = loadSchemas();
const byId = new Map(entries.map((e) => [e.id, e.schema]));
const resolveSchema = makeResolver(entries);
const resolve = (ref: string, base: string) => {
  const { schema, baseId } = resolveSchema(ref, base);
  return { schema: schema as Schema, base: baseId };
};

/**
 * An upper bound of the nesting depth (a scalar 0, `{}` or `[]` 1) of any instance valid against
 * `schema`: Infinity where the schema lets any value through or refers back to itself.
 */
function maxDepth(schema: Schema, base: string, seen: readonly string[] = []): number {
  if (schema === false) { return 0; }
  if (schema === true) { return Number.POSITIVE_INFINITY; }
  const s = schema;
  let bound = Number.NEGATIVE_INFINITY;
  const constrained = (b: number) => { bound = Math.max(bound, b); };
  if (typeof s.$ref === 'string') {
    const key = resolveRef(s.$ref, base);
    if (seen.includes(key)) { return Number.POSITIVE_INFINITY; }
    const target = resolve(s.$ref, base);
    // $ref applies beside the other keywords: the instance meets both, so either bound holds; keep the target's.
    return maxDepth(target.schema, target.base, [...seen, key]);
  }
  for (const list of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[list])) { return Math.max(...(s[list] as Schema[]).map((b) => maxDepth(b, base, seen))); }
  }
  if (Array.isArray(s.allOf)) { return Math.min(...(s.allOf as Schema[]).map((b) => maxDepth(b, base, seen))); }
  if ('const' in s) { return depthOf(s.const); }
  if (Array.isArray(s.enum)) { return Math.max(...s.enum.map(depthOf)); }
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? s.type as string[] : [];
  if (types.length === 0) { return Number.POSITIVE_INFINITY; }
  for (const type of types) {
    if (type === 'object') {
      const children: Schema[] = [
        ...Object.values((s.properties as Record<string, Schema> | undefined) ?? {}),
        ...Object.values((s.patternProperties as Record<string, Schema> | undefined) ?? {}),
        (s.additionalProperties as Schema | undefined) ?? true,
      ];
      constrained(1 + Math.max(0, ...children.map((c) => maxDepth(c, base, seen))));
    } else if (type === 'array') {
      const children: Schema[] = [...((s.prefixItems as Schema[] | undefined) ?? []), (s.items as Schema | undefined) ?? true];
      constrained(1 + Math.max(0, ...children.map((c) => maxDepth(c, base, seen))));
    } else {
      constrained(0);
    }
  }
  return bound;
}

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') { return 0; }
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

const ID = (rel: string) => `https://candor.dev/schemas/v1/${rel}`;
const ENVELOPE = ID('event/envelope.schema.json');
const EVENT = ID('event/event.schema.json');

/**
 * An event is valid against the envelope, whose `data` is any object, and against the `data` of its
 * kind's schema, which event.schema.json applies with one if/then per kind. So its depth is bounded by
 * the envelope's other members and by each kind's `data`, once every kind has its branch.
 */
function eventBound(): { depth: number; kinds: string[]; branches: string[] } {
  const envelope = byId.get(ENVELOPE) as { properties: Record<string, Schema & { enum?: string[] }> };
  const kinds = envelope.properties.kind!.enum ?? [];
  const branches: string[] = [];
  const dataBounds: number[] = [];
  for (const branch of (byId.get(EVENT) as { allOf: { if: { properties: { kind: { const: string } } }; then: { properties: { data: { $ref: string } } } }[] }).allOf) {
    branches.push(branch.if.properties.kind.const);
    dataBounds.push(maxDepth(branch.then.properties.data, EVENT));
  }
  const others = Object.entries(envelope.properties).filter(([name]) => name !== 'data').map(([, schema]) => maxDepth(schema, ENVELOPE));
  return { depth: 1 + Math.max(...others, ...dataBounds), kinds, branches };
}

describe('the nesting of valid instances', () => {
  const event = eventBound();
  const batchWithoutEvents = (() => {
    const batch = structuredClone(byId.get(ID('protocol/batch.schema.json'))) as Record<string, Record<string, unknown>>;
    delete batch.properties!.events;
    return maxDepth(batch, ID('protocol/batch.schema.json'));
  })();

  it('of an event is bounded by its kind, for every kind, and within the per-event limit', () => {
    expect([...event.branches].sort()).toEqual([...event.kinds].sort());
    expect(event.depth).toBeLessThan(Number.POSITIVE_INFINITY);
    expect(event.depth).toBeLessThanOrEqual(MAX_EVENT_DEPTH);
  });

  it('of a batch whose events are valid is within the body limit (the events sit 2 levels down)', () => {
    expect(batchWithoutEvents).toBeLessThan(Number.POSITIVE_INFINITY);
    expect(Math.max(batchWithoutEvents, 2 + event.depth)).toBeLessThanOrEqual(MAX_BODY_DEPTH);
  });

  it('is measured, not assumed: a schema that lets any value through is unbounded', () => {
    expect(maxDepth({ type: 'object', properties: { a: {} } }, ID('x'))).toBe(Number.POSITIVE_INFINITY);
    expect(maxDepth({ type: 'object', additionalProperties: false, properties: { a: { type: 'array', maxItems: 2, items: { type: 'string' } } } }, ID('x'))).toBe(2);
    expect(maxDepth({ type: 'object', additionalProperties: false, properties: { a: { type: 'object' } } }, ID('x'))).toBe(Number.POSITIVE_INFINITY);
    expect(maxDepth(byId.get(ENVELOPE) as Schema, ENVELOPE)).toBe(Number.POSITIVE_INFINITY); // its data is any object
  });
});
