// Runs every conformance vector (schemas/vectors/*.json) three ways: with the generated standalone
// validators that Candor ships, with ajv asserting formats, and with @hyperjump/json-schema, an
// independent draft 2020-12 implementation. All three must give each vector's verdict, which is how we
// know the vectors rely on no ajv-only behaviour and no format assertion.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerSchema, validate as hyperjumpValidate } from '@hyperjump/json-schema/draft-2020-12';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createAjv } from '../../scripts/gen/ajv.mjs';
import { ID_BASE, ROOT, loadSchemas } from '../../scripts/gen/schemas.mjs';

interface Vector { description: string; data: unknown; valid: boolean; at?: string }
interface Group { description: string; schema: { $ref: string }; tests: Vector[] }

const require = createRequire(import.meta.url);
const entries = loadSchemas();
const VECTORS = path.join(ROOT, 'schemas/vectors');
const files = readdirSync(VECTORS).filter((f) => f.endsWith('.json')).sort();
const ajv = createAjv();
const ajvFormats = createAjv({ assertFormats: true });
for (const e of entries) { registerSchema(e.schema); }

const load = (file: string): Group[] => JSON.parse(readFileSync(path.join(VECTORS, file), 'utf8'));

/** The shipped validator of a schema, or ajv's for the test-only meta schemas that have none. */
function shipped(stem: string, id: string): ValidateFunction {
  try { return require(path.join(ROOT, 'generated/validators', `${stem}.cjs`)); } catch { return ajv.getSchema(id)!; }
}

/** Where an error points in the instance: for a missing or extra member, that member's place. */
function location(e: ErrorObject): string {
  const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  const p = e.params as Record<string, string>;
  if (e.propertyName !== undefined) { return `${e.instancePath}/${esc(e.propertyName)}`; }
  if (e.keyword === 'required') { return `${e.instancePath}/${esc(p.missingProperty!)}`; }
  if (e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties') {
    return `${e.instancePath}/${esc(p.additionalProperty ?? p.unevaluatedProperty!)}`;
  }
  if (e.keyword === 'propertyNames') { return `${e.instancePath}/${esc(p.propertyName!)}`; }
  return e.instancePath;
}
const STRUCTURAL = new Set(['if', 'then', 'else', 'allOf', 'anyOf', 'oneOf', '$ref']);
const within = (loc: string, at: string) => loc === at || loc.startsWith(`${at}/`);

describe('vector files', () => {
  const fileSchema = ajv.getSchema(`${ID_BASE}meta/vector-file.schema.json`)!;

  it('cover every schema, and only schemas', () => {
    expect(files.map((f) => f.replace(/\.json$/, ''))).toEqual(entries.map((e) => e.stem).sort());
  });

  it.each(files)('%s is a valid vector file with unique descriptions, for its own schema, with accepted and refused vectors', (file) => {
    const groups = load(file);
    expect(fileSchema(groups), ajv.errorsText(fileSchema.errors)).toBe(true);
    const stem = file.replace(/\.json$/, '');
    const entry = entries.find((e) => e.stem === stem)!;
    const descriptions = groups.flatMap((g) => [g.description, ...g.tests.map((t) => t.description)]);
    expect(new Set(descriptions).size).toBe(descriptions.length);
    for (const g of groups) { expect(g.schema.$ref).toBe(entry.id); }
    const tests = groups.flatMap((g) => g.tests);
    expect(tests.some((t) => t.valid)).toBe(true);
    expect(tests.some((t) => !t.valid)).toBe(true);
  });
});

for (const file of files) {
  const stem = file.replace(/\.json$/, '');
  const entry = entries.find((e) => e.stem === stem);
  describe(`vectors of ${stem}`, () => {
    for (const group of entry ? load(file) : []) {
      const generated = shipped(stem, group.schema.$ref);
      const withFormats = ajvFormats.getSchema(group.schema.$ref)!;
      const runtime: ValidateFunction = ajv.getSchema(group.schema.$ref)!;
      for (const t of group.tests) {
        it(`${group.description}: ${t.description}`, async () => {
          expect(generated(t.data), 'generated validator').toBe(t.valid);
          expect(withFormats(t.data), 'ajv with format assertion').toBe(t.valid);
          expect((await hyperjumpValidate(group.schema.$ref, t.data as never)).valid, '@hyperjump/json-schema').toBe(t.valid);
          if (!t.valid) {
            runtime(t.data);
            const leaves = (runtime.errors ?? []).filter((e: ErrorObject) => !STRUCTURAL.has(e.keyword));
            const locations = leaves.map(location);
            expect(locations, 'an error is at the vector\'s `at`').toContain(t.at);
            const stray = leaves.filter((e: ErrorObject) => !within(location(e), t.at!) && !/\/(oneOf|anyOf)\//.test(e.schemaPath));
            expect(stray.map((e: ErrorObject) => `${location(e)} ${e.keyword}`), 'no error elsewhere: the vector is wrong in one way only').toEqual([]);
          }
        });
      }
    }
  });
}
