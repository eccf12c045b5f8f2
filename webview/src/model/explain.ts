// What each field of a pending event means, for the panel to show beside its bytes: Candor's own fields
// from the spec (generated/field-docs.ts), an extension's properties and measurements from the catalogue
// it registered. A field that neither explains is said to be undeclared, never silently skipped.
import { BATCH_FIELD_DOCS, FIELD_DOCS, type FieldDoc } from '../../../generated/field-docs';
import { REASON_CODES } from '../../../generated/reason-codes';
import type { EventCatalogue } from '../../../generated/types';

export interface Meaning {
  readonly description: string;
  readonly class?: string;
  readonly purpose?: string;
  readonly why?: string;
  readonly unit?: string;
}

export interface FieldExplanation {
  /** JSON Pointer of the field in the event (or the batch). */
  readonly path: string;
  /** The field's value as JSON text, for a leaf; empty for an object or array. */
  readonly value: string;
  readonly depth: number;
  /** `spec`: from the schemas; `catalogue`: from the extension's catalogue; `part`: an entry of a map the spec describes; `undeclared`: neither. */
  readonly source: 'spec' | 'catalogue' | 'part' | 'undeclared';
  readonly meaning?: Meaning;
}

const own = <T>(map: { readonly [k: string]: T | undefined } | undefined, key: string): T | undefined =>
  (map && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined);

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

const docMaps = new Map<string, Map<string, FieldDoc>>(
  Object.entries(FIELD_DOCS).map(([kind, docs]) => [kind, new Map(docs.map((d) => [d.path, d]))]));
/**
 * The fields every kind shares, with the same meaning: what an event of a kind the panel does not know can
 * still be explained by (not `kind`, which each kind describes as itself).
 */
const commonDocs = new Map([...docMaps.values()].reduce<FieldDoc[]>((acc, m, i) => (i === 0 ? [...m.values()] : acc.filter((d) => m.get(d.path)?.description === d.description)), [])
  .map((d) => [d.path, d]));
const batchDocs = new Map(BATCH_FIELD_DOCS.map((d) => [d.path, d]));

const fromDoc = (d: FieldDoc): Meaning => ({ description: d.description, class: d.class, purpose: d.purpose, why: d.why });

type Walked = { path: string; pattern: string; value: unknown; depth: number };

/** Every member of `value`, depth first; `pattern` has `*` for array indexes, as field docs do. */
function walk(value: unknown, path = '', pattern = '', depth = 0, out: Walked[] = []): Walked[] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => { out.push({ path: `${path}/${i}`, pattern: `${pattern}/*`, value: v, depth }); walk(v, `${path}/${i}`, `${pattern}/*`, depth + 1, out); });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push({ path: `${path}/${esc(k)}`, pattern: `${pattern}/${esc(k)}`, value: v, depth });
      walk(v, `${path}/${esc(k)}`, `${pattern}/${esc(k)}`, depth + 1, out);
    }
  }
  return out;
}

const leafText = (v: unknown) => (v !== null && typeof v === 'object' ? '' : JSON.stringify(v) ?? String(v));

function catalogueMeaning(pattern: string, event: Record<string, unknown>, catalogues: readonly EventCatalogue[]): Meaning | undefined {
  const m = /^\/data\/(properties|measurements)\/([^/]+)$/.exec(pattern);
  if (!m) { return undefined; }
  const source = event.source as { extension?: unknown } | undefined;
  const catalogue = catalogues.find((c) => c.extension === source?.extension);
  const declared = catalogue?.events.find((e) => e.name === event.name);
  if (!declared) { return undefined; }
  const key = m[2]!.replace(/~1/g, '/').replace(/~0/g, '~');
  if (m[1] === 'properties') {
    const p = own(declared.properties, key);
    return p && { description: p.description, class: p.classification, purpose: declared.purpose };
  }
  const p = own(declared.measurements, key);
  return p && { description: p.description, purpose: declared.purpose, ...(p.unit ? { unit: p.unit } : {}) };
}

/** The nearest enclosing field the spec describes, for an entry of a map (counters, drops, statistics). */
function partOf(pattern: string, docs: Map<string, FieldDoc>): Meaning | undefined {
  const parts = pattern.split('/');
  for (let n = parts.length - 1; n > 1; n--) {
    const parent = docs.get(parts.slice(0, n).join('/'));
    if (!parent) { continue; }
    const key = parts[n]!;
    // An entry of a map keyed by reason code (a heartbeat's drops): the code's own meaning says more.
    const reason = n === parts.length - 1 ? own(REASON_CODES, key) : undefined;
    const description = reason ? `${reason.description} (An entry of ${parent.path}: ${parent.description})` : `An entry of ${parent.path}: ${parent.description}`;
    return { ...fromDoc(parent), description };
  }
  return undefined;
}

export function explainEvent(event: unknown, catalogues: readonly EventCatalogue[]): FieldExplanation[] {
  const e = (event !== null && typeof event === 'object' && !Array.isArray(event) ? event : {}) as Record<string, unknown>;
  const docs = (typeof e.kind === 'string' ? docMaps.get(e.kind) : undefined) ?? commonDocs;
  return walk(event).map(({ path, pattern, value, depth }) => {
    const base = { path, value: leafText(value), depth };
    const fromCatalogue = catalogueMeaning(pattern, e, catalogues);
    if (fromCatalogue) { return { ...base, source: 'catalogue', meaning: fromCatalogue }; }
    const doc = docs.get(pattern);
    if (doc) { return { ...base, source: 'spec', meaning: fromDoc(doc) }; }
    // An extension's properties and measurements are explained by its catalogue alone; a daily aggregate's
    // `measurements` are Candor's own statistics, which the spec describes.
    const catalogueOnly = e.kind !== 'dailyAggregate' && /^\/data\/(properties|measurements)\/[^/]+$/.test(pattern);
    const part = catalogueOnly ? undefined : partOf(pattern, docs);
    if (part) { return { ...base, source: 'part', meaning: part }; }
    return { ...base, source: 'undeclared' };
  });
}

/** The batch's own fields (all but the events themselves), explained from the batch schema. */
export function explainBatch(parsed: Record<string, unknown>): FieldExplanation[] {
  return Object.entries(parsed).filter(([k]) => k !== 'events').map(([k, v]) => {
    const doc = batchDocs.get(`/${esc(k)}`);
    const base = { path: `/${esc(k)}`, value: leafText(v), depth: 0 };
    return doc ? { ...base, source: 'spec' as const, meaning: fromDoc(doc) } : { ...base, source: 'undeclared' as const };
  });
}
