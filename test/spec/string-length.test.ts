// The string length inlined into the generated validators (scripts/gen/string-length.mjs) counts exactly
// what ajv's own helper counts, for any string: surrogate pairs as one, lone surrogates as one each.
import ajvLength from 'ajv/dist/runtime/ucs2length';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STRING_LENGTH } from '../../scripts/gen/string-length.mjs';

const ucs2length = new Function(`return ${STRING_LENGTH};`)() as (s: string) => number;
const ajv = (ajvLength as unknown as { default?: (s: string) => number }).default ?? (ajvLength as unknown as (s: string) => number);

describe('the generated validators\' string length', () => {
  it('is ajv\'s, for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 10 }), fc.string({ maxLength: 40 }), (a, b, c) => {
      for (const s of [a, b, c, a + b + c, `${a}\ud83d`, `\ude00${c}`]) { expect(ucs2length(s)).toBe(ajv(s)); }
    }), { numRuns: 2000 });
    expect(['', 'abc', '😀', 'a😀b', '\ud83d', '\ude00\ud83d', 'naïve'].map(ucs2length)).toEqual([0, 3, 1, 3, 1, 2, 5]);
  });

  it('replaces ajv\'s runtime helper in every generated validator', () => {
    for (const folder of ['validators', 'lean-validators']) {
      const dir = path.join(__dirname, '../../generated', folder);
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.cjs'))) {
        expect(readFileSync(path.join(dir, file), 'utf8'), `${folder}/${file}`).not.toContain('ajv/dist/runtime/ucs2length');
      }
    }
  });
});
