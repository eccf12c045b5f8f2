import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDepth, jsonTextDepth } from '../../../protocol/json-depth';
import { newEventId, newInstallationId, uuidv7Time } from '../../../protocol/ids';
import { isOwnerSecret, newOwnerSecret, ownerKeyHash, secretMatches } from '../../../protocol/owner-key';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from '../../../protocol/retry';

describe('Retry-After', () => {
  const now = Date.parse('2026-11-29T18:00:00Z');
  it('reads delay-seconds', () => { expect(parseRetryAfter('30', now)).toBe(30_000); expect(parseRetryAfter(' 0 ', now)).toBe(0); });
  it('reads an HTTP-date', () => { expect(parseRetryAfter('Sun, 29 Nov 2026 18:01:00 GMT', now)).toBe(60_000); });
  it('treats a date in the past as no wait', () => { expect(parseRetryAfter('Sun, 29 Nov 2026 17:00:00 GMT', now)).toBe(0); });
  it('caps at a day', () => { expect(parseRetryAfter('999999999', now)).toBe(86_400_000); });
  it.each(['', '-5', '1.5', 'soon', '2026-11-29', 'Sun, 29 Nov 2026 18:01:00 PST'])('ignores %j', (v) => { expect(parseRetryAfter(v, now)).toBeUndefined(); });
  it('ignores an absent header', () => { expect(parseRetryAfter(undefined, now)).toBeUndefined(); expect(parseRetryAfter(null, now)).toBeUndefined(); });
});

describe('backoff', () => {
  it('is full jitter within [0, min(cap, base·2^n)]', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (n, r) => {
      const d = backoffDelay(n, () => r);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(Math.min(300_000, 1000 * 2 ** n));
    }));
    expect(backoffDelay(0, () => 0.999999)).toBe(999);
    expect(backoffDelay(3, () => 0.5)).toBe(4000);
    expect(backoffDelay(40, () => 0.999999)).toBe(299_999);
  });
  it('retries exactly 408, 429, 502, 503, 504', () => {
    expect([400, 401, 403, 404, 408, 413, 415, 429, 500, 501, 502, 503, 504].filter(isRetryableStatus)).toEqual([408, 429, 502, 503, 504]);
  });
});

describe('JSON depth', () => {
  it('counts objects and arrays', () => {
    expect(jsonDepth(1)).toBe(0); expect(jsonDepth({})).toBe(1); expect(jsonDepth({ a: [1] })).toBe(2); expect(jsonDepth([[[[]]]])).toBe(4);
  });
  it('agrees between parsed values and text, and survives 100,000 levels', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => { expect(jsonTextDepth(JSON.stringify(v))).toBe(jsonDepth(v)); }));
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(jsonTextDepth(deep, 32)).toBe(33);
    expect(jsonTextDepth('{"a":"[[[[\\"[["}')).toBe(1);
  });
});

describe('owner key', () => {
  it('is 43 base64url characters whose SHA-256 matches in constant time', () => {
    const secret = newOwnerSecret();
    expect(isOwnerSecret(secret)).toBe(true);
    expect(ownerKeyHash(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(secretMatches(secret, ownerKeyHash(secret))).toBe(true);
    expect(secretMatches(newOwnerSecret(), ownerKeyHash(secret))).toBe(false);
    expect(secretMatches(secret, 'abc')).toBe(false);
    // Known answer: sha256 of the 43 ASCII characters, as PROTOCOL.md §5 defines it.
    expect(ownerKeyHash('pXw3Zq0s9yV2b8n1m4k7j6h5g3f2d1s0a9p8o7i6u5y')).toBe('51dbaa1f0922b4bb0dbb965d616c12d509b78a410718aa2b12d2cf4af775bf64');
  });
});

describe('ids', () => {
  it('event ids are UUIDv7, carry their time and sort by it, also within one millisecond', () => {
    const t = Date.parse('2026-11-29T18:23:14.512Z');
    const ids = Array.from({ length: 1000 }, () => newEventId(t));
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
    expect(uuidv7Time(ids[0]!)).toBe(t);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
  it('installation ids are random UUIDv4', () => {
    expect(newInstallationId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newInstallationId()).not.toBe(newInstallationId());
  });
});

describe('ids when the clock steps back', () => {
  it('stay ordered', () => {
    const a = newEventId(Date.parse('2026-11-29T18:00:01Z'));
    const b = newEventId(Date.parse('2026-11-29T18:00:00Z'));
    expect(b > a).toBe(true);
  });
});
