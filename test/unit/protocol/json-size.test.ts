import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBytesAtMost } from '../../../protocol/json-size';

const exact = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');
// Strings of every kind of character: escapes, control characters, lone surrogates, astral ones.
const anyString = fc.string({ unit: 'binary', maxLength: 40 });
const values = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    anyString, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(anyString, tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('the size bound of an event as JSON', () => {
  it('is never below the exact size, for any value', () => {
    fc.assert(fc.property(values, (v) => { expect(jsonBytesAtMost(v, Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(exact(v)); }), { numRuns: 2000 });
  });

  it('bounds the longest numbers JavaScript writes (found by the property above)', () => {
    for (const n of [-0.0000010001347970340252, -1.2345678901234567e-308, -123456789012345680000, Number.MIN_VALUE, -Number.MAX_VALUE]) {
      expect(jsonBytesAtMost(n, Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(exact(n));
    }
  });

  it('is Infinity once the bound passes the limit, and within the limit otherwise', () => {
    fc.assert(fc.property(values, fc.integer({ min: 0, max: 400 }), (v, limit) => {
      const bound = jsonBytesAtMost(v, limit);
      if (Number.isFinite(bound)) { expect(bound).toBeLessThanOrEqual(limit); expect(exact(v)).toBeLessThanOrEqual(limit); }
    }), { numRuns: 2000 });
  });

  it('settles a typical event without being loose: within a few times its exact size', () => {
    const event = { kind: 'usage', name: 'openView', data: { properties: { trigger: 'palette', branches: 12, dark: true }, measurements: { nodes: 40 } } };
    expect(jsonBytesAtMost(event, 16_384)).toBeLessThan(6 * exact(event));
    expect(jsonBytesAtMost({ s: 'x'.repeat(3000) }, 16_384)).toBe(Number.POSITIVE_INFINITY);
  });
});
