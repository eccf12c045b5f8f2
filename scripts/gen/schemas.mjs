// Loads the spec: every `schemas/**/*.schema.json`, keyed by `$id` and by stem. Shared by `npm run gen`
// and the tests, so that both read the spec the same way.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCHEMAS_DIR = path.join(ROOT, 'schemas');
export const ID_BASE = 'https://candor.dev/schemas/v1/';

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) { return entry.name === 'vectors' ? [] : walk(full); }
    return entry.name.endsWith('.schema.json') ? [full] : [];
  });
}

/** @returns {{ file: string, rel: string, stem: string, id: string, schema: any }[]} sorted by path */
export function loadSchemas() {
  const entries = walk(SCHEMAS_DIR).sort().map((file) => {
    const rel = path.relative(SCHEMAS_DIR, file).split(path.sep).join('/');
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    const stem = path.basename(file, '.schema.json');
    return { file, rel, stem, id: schema.$id, schema };
  });
  const seen = new Map();
  for (const e of entries) {
    if (e.id !== ID_BASE + e.rel) {
      throw new Error(`${e.rel}: $id must be ${ID_BASE + e.rel} (it is ${e.id})`);
    }
    if (seen.has(e.stem)) { throw new Error(`${e.rel}: stem "${e.stem}" is also used by ${seen.get(e.stem)}`); }
    seen.set(e.stem, e.rel);
  }
  return entries;
}

/** Resolve a `$ref` found in `fromId` to an absolute URI (JSON Schema resolves against the base `$id`). */
export function resolveRef(ref, fromId) {
  return new URL(ref, fromId).href;
}
