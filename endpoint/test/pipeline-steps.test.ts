// The pure steps of the batch pipeline, one by one: media type, JSON, batch, events (in the protocol's
// order of checks), clock-skew correction, measurements and their daily statistics.
import { describe, expect, it } from 'vitest';
import type { CandorEvent } from '../../generated/types';
import { measurementsOf } from '../src/analytics/measurements';
import { dailyRollup } from '../src/analytics/summarise';
import { nearestRank, statsOf } from '../../protocol/stats';
import { TokenCheck } from '../src/http/bearer-token';
import { checkMediaType } from '../src/http/media-type';
import { depthUpTo } from '../src/http/nesting';
import { parseJsonBody, refuseIfTooDeep } from '../src/http/parse-json';
import { ProblemError } from '../src/http/problem';
import { FixedWindowLimit, createRateLimits } from '../src/http/rate-limits';
import { checkBatch } from '../src/ingest/check-batch';
import { checkEvents } from '../src/ingest/check-events';
import { dayOf } from '../src/calendar';
import { correctedTime, deliveryTimes } from '../src/ingest/delivery-times';
import { batchOf, newInstallation, performanceEvent, usageEvent } from './support/events';

const problemOf = (work: () => unknown): { status: number; code: string; detail: string } => {
  try { work(); } catch (error) { if (error instanceof ProblemError) { return { status: error.status, code: error.code, detail: error.detail }; } throw error; }
  throw new Error('no problem was raised');
};

describe('bearer tokens', () => {
  const check = new TokenCheck(['token-one-0123456789', 'token-two-abcdefghijklmnop', 'ünïcode-token'], 'an ingest token');
  it.each(['Bearer token-one-0123456789', 'bearer  token-two-abcdefghijklmnop ', 'BEARER ünïcode-token'])('accepts %s, each configured token', (header) => {
    expect(() => check.check(header)).not.toThrow();
  });
  it.each([
    ['a token of the same length that differs in its last character', 'Bearer token-one-012345678X'],
    ['one that differs in its first', 'Bearer Xoken-one-0123456789'],
    ['a prefix of a token', 'Bearer token-one-012345678'],
    ['a token with more after it', 'Bearer token-one-0123456789a'],
    ['a token with non-ASCII characters that differs in its last', 'Bearer ünïcode-tokem'],
  ])('refuses %s with 403', (_what, header) => {
    expect(problemOf(() => check.check(header))).toMatchObject({ status: 403, code: 'forbidden' });
  });
  it.each([undefined, '', 'Bearer', 'Basic token-one-0123456789', 'Bearer token-one-0123456789 extra'])('refuses %s with 401', (header) => {
    expect(problemOf(() => check.check(header))).toMatchObject({ status: 401, code: 'unauthorized' });
  });
  it('lets every request in when no token is configured', () => {
    expect(() => new TokenCheck([], 'an ingest token').check(undefined)).not.toThrow();
  });
});

describe('rate limits', () => {
  const clock = () => { let t = 1_000_000; return { now: () => t, advance: (ms: number) => { t += ms; } }; };

  it('lets max requests a window through per key, then gives the seconds until the window ends', () => {
    const time = clock();
    const limit = new FixedWindowLimit(3, 60_000, 100, time.now);
    expect([limit.hit('a'), limit.hit('a'), limit.hit('a')]).toEqual([0, 0, 0]);
    time.advance(20_500);
    expect(limit.hit('a')).toBe(40);
    expect(limit.hit('b')).toBe(0);
    time.advance(39_000);
    expect(limit.hit('a')).toBe(1);
  });

  it('starts a fresh window once the last one has ended', () => {
    const time = clock();
    const limit = new FixedWindowLimit(1, 60_000, 100, time.now);
    expect([limit.hit('a'), limit.hit('a')]).toEqual([0, 60]);
    time.advance(60_000);
    expect([limit.hit('a'), limit.hit('a')]).toEqual([0, 60]);
  });

  it('remembers a bounded number of keys, forgetting the least recently seen first', () => {
    const limit = new FixedWindowLimit(1, 60_000, 2, clock().now);
    expect([limit.hit('a'), limit.hit('b'), limit.hit('a')]).toEqual([0, 0, 60]);
    limit.hit('c');
    expect([limit.hit('a'), limit.hit('b')]).toEqual([60, 0]);
  });

  it('answers 429 with Retry-After per address and per installation, each counted on its own; 0 turns one off', () => {
    const time = clock();
    const limits = createRateLimits({ perAddressPerMinute: 2, perInstallationPerMinute: 1 }, time.now);
    limits.byAddress('10.0.0.1');
    limits.byAddress('10.0.0.1');
    limits.byInstallation('10.0.0.1');
    expect(problemOf(() => limits.byAddress('10.0.0.1'))).toMatchObject({ status: 429, code: 'rate_limited', detail: 'More than 2 requests a minute from this address. Retry after 60 seconds.' });
    time.advance(45_000);
    expect(problemOf(() => limits.byInstallation('10.0.0.1'))).toMatchObject({ status: 429, detail: 'More than 1 requests a minute from this installation. Retry after 15 seconds.' });
    const off = createRateLimits({ perAddressPerMinute: 0, perInstallationPerMinute: 0 }, time.now);
    for (let k = 0; k < 5; k++) { off.byAddress('10.0.0.1'); off.byInstallation('i'); }
  });
});

describe('media type', () => {
  it.each([
    ['application/json', undefined, 'identity'],
    ['Application/JSON; charset="UTF-8"', 'identity', 'identity'],
    ['application/json;charset=utf-8', 'GZIP', 'gzip'],
  ])('accepts %s with encoding %s', (type, encoding, expected) => {
    expect(checkMediaType(type, encoding)).toBe(expected);
  });
  it.each([
    [undefined, undefined, /no Content-Type/],
    ['text/json', undefined, /"text\/json" is not accepted/],
    ['application/json; charset=latin1', undefined, /charset=latin1 is not accepted/],
    ['application/json', 'br', /Content-Encoding "br" is not accepted/],
    ['application/json', 'gzip, gzip', /is not accepted/],
  ])('refuses %s / %s with 415', (type, encoding, detail) => {
    expect(problemOf(() => checkMediaType(type, encoding))).toMatchObject({ status: 415, code: 'unsupported_media_type', detail: expect.stringMatching(detail) });
  });
});

describe('JSON body', () => {
  it('parses UTF-8 JSON, astral characters and escaped surrogate pairs included', () => {
    expect(parseJsonBody(Buffer.from('{"a":"😀","b":"\\ud83d\\ude00"}'))).toEqual({ a: '😀', b: '😀' });
  });
  it.each([
    ['', /empty/],
    ['{"a":', /not valid JSON/],
    ['\uFEFF{}', /not valid JSON/],
    ['{"a":"\\udc00"}', /lone UTF-16 surrogate/],
    ['{"\\ud800x":1}', /at \/\\ud800x|lone/],
    // Step 4 names the depth before lone surrogates.
    [`${'['.repeat(33)}"\\udc00"${']'.repeat(33)}`, /deeper than 32/],
  ])('refuses %j with 400 invalid_json', (text, detail) => {
    expect(problemOf(() => parseJsonBody(Buffer.from(text)))).toMatchObject({ status: 400, code: 'invalid_json', detail: expect.stringMatching(detail) });
  });
  it('refuses bytes that are not UTF-8', () => {
    expect(problemOf(() => parseJsonBody(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])))).toMatchObject({ code: 'invalid_json', detail: expect.stringMatching(/not valid UTF-8/) });
  });
  it('leaves the depth to refuseIfTooDeep, which takes 32 levels and refuses 33 with 400 invalid_json', () => {
    const body = (n: number) => parseJsonBody(Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`));
    expect(() => refuseIfTooDeep(body(32))).not.toThrow();
    expect(problemOf(() => refuseIfTooDeep(body(33)))).toMatchObject({ status: 400, code: 'invalid_json', detail: expect.stringMatching(/deeper than 32/) });
  });
});

describe('batch', () => {
  const inst = newInstallation();
  const valid = batchOf(inst, [usageEvent(inst)]);
  it('passes a valid batch through unchanged', () => {
    expect(checkBatch(valid)).toBe(valid);
  });
  it('refuses another major version before any other error, with 400 unsupported_spec_version', () => {
    expect(problemOf(() => checkBatch({ ...valid, specVersion: '2.0', batchId: 'x' }))).toMatchObject({ status: 400, code: 'unsupported_spec_version' });
  });
  it('refuses more than 500 events with 413 too_many_events', () => {
    const events = Array.from({ length: 501 }, () => usageEvent(inst));
    expect(problemOf(() => checkBatch({ ...valid, events }))).toMatchObject({ status: 413, code: 'too_many_events', detail: expect.stringMatching(/501 events; the limit is 500/) });
  });
  it('refuses a batch that is not valid and too deep for its depth, which step 4 checks first', () => {
    const deep = JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`);
    expect(problemOf(() => checkBatch({ ...valid, extra: deep }))).toMatchObject({ status: 400, code: 'invalid_json', detail: expect.stringMatching(/deeper than 32/) });
  });
  it('refuses anything else with 400 invalid_batch and the places', () => {
    try { checkBatch({ ...valid, sentAt: 'now', extra: 1 }); } catch (error) {
      expect([...new Set((error as ProblemError).extra.errors?.map((e) => e.pointer))].sort()).toEqual(['/extra', '/sentAt']);
      return;
    }
    throw new Error('not refused');
  });
});

describe('events, in the order of PROTOCOL.md §4 step 7', () => {
  const inst = newInstallation();
  const bigButDeep = (() => {
    const e = usageEvent(inst) as any;
    e.data.properties = { big: 'x'.repeat(33_000) };
    e.data.deep = JSON.parse(`${'['.repeat(20)}${']'.repeat(20)}`);
    return e;
  })();
  const deepAndUnknown = (() => { const e = usageEvent(inst) as any; e.data.deep = JSON.parse(`${'['.repeat(20)}${']'.repeat(20)}`); return e; })();
  const foreign = { ...usageEvent(inst), installationId: newInstallation().installationId } as CandorEvent;
  const ok = usageEvent(inst);
  const noId = (() => { const e = usageEvent(inst) as any; e.id = 'not-an-id'; return e; })();

  it('gives each event the first failing check, keeps the order, and counts repeated ids', () => {
    const verdicts = checkEvents(batchOf(inst, [bigButDeep, deepAndUnknown, foreign, ok, ok, noId]));
    expect(verdicts.rejected.map((r) => [r.index, r.code, r.eventId !== undefined])).toEqual([
      [0, 'event_too_large', true], [1, 'too_deep', true], [2, 'installation_mismatch', true], [5, 'invalid_event', false],
    ]);
    expect(verdicts.candidates.map((c) => c.index)).toEqual([3]);
    expect(verdicts.duplicates).toBe(1);
    expect(verdicts.candidates[0]!.json).toBe(JSON.stringify(ok));
  });
});

describe('events the storage already holds', () => {
  const inst = newInstallation();
  const stored = usageEvent(inst, 0);
  const storedAgainLarger = (() => { const e = structuredClone(usageEvent(inst, 1)) as any; e.data.properties = Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`p${k}`, 'x'.repeat(1000)])); return e; })();
  const storedButInvalid = (() => { const e = usageEvent(inst, 2) as any; e.data.unknown = 1; return e; })();
  const fresh = usageEvent(inst, 3);

  it('are duplicates, found without serialising them; a copy over the size limit or invalid is still refused for that', () => {
    const ids = new Set([stored.id, storedAgainLarger.id, storedButInvalid.id]);
    const verdicts = checkEvents(batchOf(inst, [stored, storedAgainLarger, storedButInvalid, fresh]), ids);
    expect(verdicts.duplicates).toBe(1);
    expect(verdicts.rejected.map((r) => [r.index, r.code])).toEqual([[1, 'event_too_large'], [2, 'unknown_field']]);
    expect(verdicts.rejected[0]!.errors[0]!.message).toMatch(/^is \d+ bytes as compact JSON/);
    expect(verdicts.candidates.map((c) => [c.index, c.json])).toEqual([[3, JSON.stringify(fresh)]]);
  });
});

describe('nesting depth', () => {
  it('counts up to one past the limit, whatever the depth', () => {
    const deep = (n: number) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`);
    expect([depthUpTo(1, 5), depthUpTo({}, 5), depthUpTo({ a: [1, { b: [] }] }, 5), depthUpTo(deep(5), 5), depthUpTo(deep(6), 5), depthUpTo(deep(100_000), 32)]).toEqual([0, 1, 4, 5, 6, 33]);
    expect(depthUpTo(JSON.parse('{"__proto__":{"a":{}}}'), 10)).toBe(3);
  });

  it('finds an event too deep when it fails validation, before the schema\'s own reasons', () => {
    const inst = newInstallation();
    const deep = usageEvent(inst) as any;
    deep.data.deep = JSON.parse(`${'['.repeat(20)}${']'.repeat(20)}`);
    expect(checkEvents(batchOf(inst, [deep])).rejected[0]?.code).toBe('too_deep');
    const deepEnough = usageEvent(inst) as any;
    deepEnough.data.deep = JSON.parse(`${'['.repeat(14)}${']'.repeat(14)}`);
    expect(checkEvents(batchOf(inst, [deepEnough])).rejected[0]?.code).toBe('unknown_field');
  });
});

describe('clock-skew correction', () => {
  it('prefers a valid Candor-Sent-At to the batch\'s sentAt', () => {
    expect(deliveryTimes(1000, '1970-01-01T00:00:00.500Z', '1970-01-01T00:00:00.100Z')).toEqual({ receivedAt: 1000, sentAt: 500 });
    expect(deliveryTimes(1000, '1970-01-01 00:00:00', '1970-01-01T00:00:00.100Z')).toEqual({ receivedAt: 1000, sentAt: 100 });
  });
  it('places the event at receivedAt − (sentAt − timestamp), within the years the format can write', () => {
    expect(correctedTime('2026-01-01T00:00:00.000Z', { receivedAt: Date.parse('2026-01-01T10:00:00Z'), sentAt: Date.parse('2026-01-01T01:00:00Z') })).toBe(Date.parse('2026-01-01T09:00:00Z'));
    expect(dayOf(correctedTime('0000-01-01T00:00:00Z', { receivedAt: 0, sentAt: Date.parse('9999-12-31T00:00:00Z') }))).toBe('0000-01-01');
    expect(dayOf(correctedTime('9999-12-31T00:00:00Z', { receivedAt: Date.parse('9999-12-31T00:00:00Z'), sentAt: 0 }))).toBe('9999-12-31');
  });
  it('names the UTC day of each time, the last millisecond of a day and times before 1970 included', () => {
    for (const iso of ['2026-03-01T23:59:59.999Z', '2026-03-02T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '2026-03-02T12:00:00.000Z']) {
      expect(dayOf(Date.parse(iso))).toBe(iso.slice(0, 10));
    }
  });
});

describe('measurements and daily statistics', () => {
  const inst = newInstallation();
  it('takes the numbers each kind carries, names such as __proto__ included', () => {
    expect(measurementsOf(performanceEvent(inst, 12.5))).toEqual(new Map([['value', 12.5]]));
    const usage = usageEvent(inst, 3, Date.now(), {}) as any;
    usage.data.measurements = JSON.parse('{"__proto__": 2, "constructor": 3}');
    expect([...measurementsOf(usage)]).toEqual([['__proto__', 2], ['constructor', 3]]);
    expect(measurementsOf({ ...usageEvent(inst), data: {} } as CandorEvent).size).toBe(0);
  });

  it('computes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, k) => k + 1);
    expect(statsOf([...values].reverse())).toEqual({ count: 100, min: 1, max: 100, p50: 50, p95: 95, p99: 99 });
    expect(statsOf([5])).toEqual({ count: 1, min: 5, max: 5, p50: 5, p95: 5, p99: 5 });
    expect(nearestRank([1, 2, 3, 4], 50)).toBe(2);
    expect(nearestRank([1, 2, 3, 4], 51)).toBe(3);
  });

  it('rolls up a day per extension and name: events, distinct installations, at most 64 measurements (those with the most values)', () => {
    const other = newInstallation();
    const many = Object.fromEntries(Array.from({ length: 70 }, (_, k) => [`m${String(k).padStart(2, '0')}`, k]));
    const day = dailyRollup('2026-01-01', 7);
    day.add(inst.installationId, JSON.stringify(usageEvent(inst, 0, Date.now(), many)));
    day.add(inst.installationId, JSON.stringify(usageEvent(inst, 1, Date.now(), { m69: 1, m68: 2 })));
    day.add(other.installationId, JSON.stringify(usageEvent(other, 0)));
    day.add(other.installationId, JSON.stringify(performanceEvent(other, 5)));
    const rows = day.finish();
    expect(rows.map((r) => [r.day, r.source, r.name, r.events, r.installations, r.computedAt])).toEqual([
      ['2026-01-01', 'candor.candor', 'candor.command', 3, 2, 7],
      ['2026-01-01', 'candor.candor', 'candor.flush', 1, 1, 7],
    ]);
    const measurements = JSON.parse(rows[0]!.measurements);
    expect(Object.keys(measurements)).toHaveLength(64);
    // `items` (every usage event has it) and m68/m69 (two values each) outrank the measurements seen once.
    expect(measurements.items.count).toBe(3);
    expect(measurements.m69).toEqual({ count: 2, min: 1, max: 69, p50: 1, p95: 69, p99: 69 });
    expect(Object.keys(measurements)).toEqual([...Object.keys(measurements)].sort());
    expect(JSON.parse(rows[1]!.measurements)).toEqual({ value: { count: 1, min: 5, max: 5, p50: 5, p95: 5, p99: 5 } });
  });
});
