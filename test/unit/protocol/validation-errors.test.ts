import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import validateEvent from '../../../generated/validators/event.cjs';
import { refusalCode, toFieldErrors } from '../../../protocol/validation-errors';

const ROOT = path.resolve(__dirname, '../../..');
interface Vector { description: string; data: unknown; valid: boolean; at?: string }
const vectors = (stem: string): Vector[] => JSON.parse(readFileSync(path.join(ROOT, 'schemas/vectors', `${stem}.json`), 'utf8'))
  .flatMap((g: { tests: Vector[] }) => g.tests);

describe('field errors from the generated validators', () => {
  const refused = ['envelope', 'usage', 'performance', 'error', 'session', 'heartbeat', 'daily-aggregate', 'milestone']
    .flatMap((stem) => vectors(stem)).filter((v) => !v.valid && v.data && typeof v.data === 'object' && !Array.isArray(v.data))
    // A kind schema's "wrong kind" vectors are valid dispatches for the any-event schema.
    .filter((v) => !v.description.startsWith('a kind other than'));

  it.each(refused.map((v) => [v.description, v] as const))('%s: the first error points at the vector\'s place, under the base pointer', (_d, v) => {
    expect(validateEvent(v.data)).toBe(false);
    const errors = toFieldErrors(validateEvent.errors, '/events/3');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.pointer)).toContain(`/events/3${v.at}`);
    for (const e of errors) { expect(e.message).toMatch(/^(is|must|breaks)/); }
  });

  it('are at most 16 and never repeat', () => {
    const bad = { kind: 'usage', data: { properties: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, null])) } };
    validateEvent(bad);
    const errors = toFieldErrors(validateEvent.errors);
    expect(errors.length).toBe(16);
    expect(new Set(errors.map((e) => `${e.pointer} ${e.message}`)).size).toBe(16);
  });

  it('say what rule was broken, with the limit', () => {
    const v = vectors('error').find((x) => x.description === 'a message of 1025 characters is refused')!;
    validateEvent(v.data);
    expect(toFieldErrors(validateEvent.errors)).toEqual([{ pointer: '/data/message', message: 'must be at most 1024 characters long' }]);
  });
});

describe('the reason code of a refused event', () => {
  const byDescription = (d: string) => vectors('event').find((v) => v.description === d)!.data;
  const code = (data: unknown) => { expect(validateEvent(data)).toBe(false); return refusalCode(data, validateEvent.errors ?? []); };

  it('is unknown_kind for a kind from a newer spec', () => {
    expect(code(byDescription('a kind from a newer spec is refused (unknown_kind)'))).toBe('unknown_kind');
  });
  it('is unknown_field when the event would be valid without its extra members', () => {
    expect(code(byDescription('a field from a newer spec is refused (unknown_field)'))).toBe('unknown_field');
    expect(code(byDescription('an extra envelope field is refused (unknown_field)'))).toBe('unknown_field');
  });
  it('is invalid_event otherwise', () => {
    expect(code(byDescription('a missing kind is refused'))).toBe('invalid_event');
    expect(code(byDescription('a session end without duration is refused'))).toBe('invalid_event');
    expect(code({ ...(byDescription('a field from a newer spec is refused (unknown_field)') as object), sequence: -1 })).toBe('invalid_event');
  });
});
