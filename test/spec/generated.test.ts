// What is generated from schemas/ must be what `npm run gen` makes now, and Candor's own catalogue must
// be a valid catalogue whose events all exist in the spec.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../scripts/gen/ajv.mjs';
import { ID_BASE, ROOT } from '../../scripts/gen/schemas.mjs';
import { CATALOGUE_FILE } from '../../scripts/gen/docs.mjs';
import { REASON_CODES } from '../../generated/reason-codes';

describe('generated files', () => {
  it('are up to date with schemas/ (`npm run gen -- --check`)', () => {
    const out = execFileSync(process.execPath, [path.join(ROOT, 'scripts/gen/main.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/up to date/);
  }, 60_000);

  it('list every reason code of the schema with its annotation', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas/protocol/reason-code.schema.json'), 'utf8'));
    expect(Object.keys(REASON_CODES)).toEqual(schema.oneOf.map((c: { const: string }) => c.const));
    expect(REASON_CODES.rate_limited).toMatchObject({ httpStatus: 429, retryable: true });
  });
});

describe("Candor's own catalogue", () => {
  const catalogue = JSON.parse(readFileSync(CATALOGUE_FILE, 'utf8'));
  it('is a valid catalogue of the extension candor.candor', () => {
    const validate = createAjv().getSchema(`${ID_BASE}catalogue/catalogue.schema.json`)!;
    expect(validate(catalogue), JSON.stringify(validate.errors)).toBe(true);
    expect(catalogue.extension).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).publisher + '.candor');
  });

  it('declares each event once, and the telemetry.json lists them all', () => {
    const names = catalogue.events.map((e: { name: string }) => e.name);
    expect(new Set(names).size).toBe(names.length);
    const telemetry = JSON.parse(readFileSync(path.join(ROOT, 'telemetry.json'), 'utf8'));
    expect(Object.keys(telemetry.events).sort()).toEqual([...names].sort());
    expect(telemetry.commonProperties.installationId.classification).toBe('EndUserPseudonymizedInformation');
  });
});
