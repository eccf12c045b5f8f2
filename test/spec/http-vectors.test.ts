// The HTTP exchanges are well-formed: valid files, known schemas, known placeholders, bodies within the
// protocol's vocabulary. (Running them against a live endpoint is the endpoint's suite.)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../scripts/gen/ajv.mjs';
import { ID_BASE, ROOT, loadSchemas } from '../../scripts/gen/schemas.mjs';

const DIR = path.join(ROOT, 'schemas/vectors/http');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const ajv = createAjv();
const ids = new Set(loadSchemas().map((e) => e.id));
const PLACEHOLDER = /\{\{([^}]*)\}\}/g;
const KNOWN = /^(installationId2?|ownerSecret|ownerKeyHash|otherSecret|otherKeyHash|uuidv7:[A-Za-z0-9#_-]+|sessionId|now(:[+-][0-9]+)?|ingestToken|pad:[0-9]+)$/;

describe('HTTP exchanges', () => {
  it('exist for every route of the protocol', () => {
    const text = files.map((f) => readFileSync(path.join(DIR, f), 'utf8')).join('\n');
    for (const route of ['/healthz', '/readyz', '/metrics', '/v1/batch', '/v1/installations/{{installationId}}/events', '"DELETE"']) {
      expect(text).toContain(route);
    }
  });

  it.each(files)('%s is a valid exchange file with known schemas and placeholders', (file) => {
    const text = readFileSync(path.join(DIR, file), 'utf8');
    const exchange = JSON.parse(text);
    const validate = ajv.getSchema(`${ID_BASE}meta/http-exchange.schema.json`)!;
    expect(validate(exchange), ajv.errorsText(validate.errors)).toBe(true);
    for (const s of exchange.steps) {
      if (s.response.bodySchema) { expect(ids).toContain(s.response.bodySchema); }
    }
    const unknown = [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((p) => !KNOWN.test(p));
    expect(unknown).toEqual([]);
    const descriptions = exchange.steps.map((s: { description: string }) => s.description);
    expect(new Set(descriptions).size).toBe(descriptions.length);
  });
});
