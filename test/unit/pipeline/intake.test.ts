import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CandorEvent } from '../../../generated/types';
import type { TelemetryLevel } from '../../../extension/core/consent/consent';
import { checkInput } from '../../../extension/core/intake/check-input';
import { EventBuilder } from '../../../extension/core/intake/build-event';
import type { TrackInput } from '../../../extension/core/intake/track-input';
import { hashIdentifier } from '../../../extension/core/privacy/hasher';
import { createScrubber } from '../../../extension/core/privacy/scrubber';
import { settle } from '../../support/fake-clock';
import { fsError } from '../../support/fake-files';
import { TEST_CLIENT, validatorFor } from '../../support/fakes';
import { accept, consentAt, ENDPOINT, failure, perf, rig, usage } from '../../support/harness';
import { PII_CORPUS, PII_SECRETS, TEST_PERSONAL } from '../../support/pii-corpus';

const validateEvent = validatorFor<CandorEvent>('event');
const LEVELS: TelemetryLevel[] = ['all', 'error', 'crash', 'off'];
const source = { extension: 'test.caller', version: '1.0.0' };
const script = (): TrackInput[] => [usage(), perf(), failure(), { kind: 'session', name: 'test.session', source, data: { phase: 'start' } },
  { kind: 'milestone', name: 'test.first', source, data: { msSinceInstall: 5 } }];

describe('intake and consent', () => {
  it('records exactly the kinds that the editor level, candor.enabled and the endpoint allow; the rest are cheap no-ops', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...LEVELS), fc.boolean(), fc.boolean(), async (level, enabled, hasEndpoint) => {
      const { pipeline, files, endpoint, clock } = await rig({ consent: consentAt(level, enabled, hasEndpoint ? ENDPOINT : null) });
      const results = await Promise.all(script().map((e) => pipeline.trackInput(e)));
      script().forEach((e, i) => {
        const allowed = enabled && hasEndpoint && (e.kind === 'error' ? level === 'all' || level === 'error' : level === 'all');
        expect(results[i]!.status).toBe(allowed ? 'accepted' : 'notCollected');
      });
      if (!results.some((r) => r.status === 'accepted')) {
        // No pre-consent queue: nothing at all is written, not even an installation id.
        expect([...files.data.keys()]).toEqual([]);
      }
      await clock.advance(60_000);
      const sent = endpoint.batches().flatMap((b) => b.events.map((e) => e.kind));
      expect(sent.sort()).toEqual(script().filter((_, i) => results[i]!.status === 'accepted').map((e) => e.kind).sort());
    }), { numRuns: 40 });
  });

  it('says why nothing was recorded', async () => {
    const { pipeline } = await rig({ consent: consentAt('error') });
    expect(await pipeline.trackInput(usage())).toEqual({ status: 'notCollected', reason: expect.stringMatching(/^Errors only: the editor's telemetry level is "error"/) });
    expect((await pipeline.trackInput(failure())).status).toBe('accepted');
  });

  it('refuses a wrong input with each field and rule, and stores nothing of it', async () => {
    const { pipeline, files } = await rig();
    const before = files.allBytes();
    const result = await pipeline.trackInput({ kind: 'usage', name: '9bad', source: { extension: 'Not An Id', version: 'x' }, data: { properties: { ok: 1, 'bad key': 2, big: 'x'.repeat(1025), nan: Number.NaN }, extra: true } });
    expect(result.status).toBe('refused');
    if (result.status !== 'refused') { return; }
    expect(result.code).toBe('invalid_event');
    expect(result.errors.map((e) => e.pointer)).toEqual(expect.arrayContaining(['/name', '/source/extension', '/source/version', '/data/extra', '/data/properties/bad key', '/data/properties/big', '/data/properties/nan']));
    expect(result.message).toMatch(/^The event was not recorded: \/name must match the pattern .*; .* \(and [0-9]+ more\)\.$/);
    await settle();
    expect(files.allBytes()).toBe(before);
  });

  it.each([
    ['null', null], ['an array', []], ['a string', 'usage'], ['no data', { kind: 'usage', name: 'a', source }],
    ['an unknown kind', { kind: 'crash', name: 'a', source, data: {} }],
    ['__proto__ as a property', JSON.parse('{"kind":"usage","name":"a","source":{"extension":"a.b","version":"1.0"},"data":{"properties":{"__proto__":{"x":1}}}}')],
    ['a number beyond 10^15', { kind: 'performance', name: 'a', source, data: { value: 1e400, unit: 'ms' } }],
    ['an integer above 2^53', { kind: 'milestone', name: 'a', source, data: { msSinceInstall: 2 ** 60 } }],
    ['an identifier that is not a property', { ...usage(), identifiers: ['nope'] }],
  ])('refuses %s without throwing', async (_, input) => {
    const { pipeline } = await rig();
    const result = await pipeline.trackInput(input);
    expect(result.status).toBe('refused');
  });

  it('refuses an event over 32,000 bytes as event_too_large', async () => {
    const { pipeline } = await rig();
    const props = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, 'y'.repeat(1000)]));
    const result = await pipeline.trackInput(usage(props));
    expect(result).toMatchObject({ status: 'refused', code: 'event_too_large' });
  });

  it('resolves only once the event is on disk, and writes a burst in one group', async () => {
    const { pipeline, files } = await rig();
    await accept(pipeline, usage());
    const writesBefore = files.appends;
    const ids = (await Promise.all(Array.from({ length: 120 }, () => pipeline.trackInput(usage())))).map((r) => (r.status === 'accepted' ? r.eventId : ''));
    expect(files.appends - writesBefore).toBe(1);
    const log = files.under('/storage/queue').filter((p) => p.includes('/log-')).map((p) => files.text(p)).join('');
    for (const id of ids) { expect(log).toContain(id); }
    // fdatasync at most every 50 events: 121 lines written, at most 2 syncs for them (the rest on the 1 s timer).
    expect(files.datasyncs).toBeLessThanOrEqual(3);
  });

  it('a failed write (full disk) fails those events clearly and loses nothing accepted before', async () => {
    const { pipeline, files, clock, endpoint } = await rig();
    const before = await accept(pipeline, usage());
    files.fail('append', fsError('ENOSPC', 'no space left on device'), { tornBytes: 17 });
    const failed = await pipeline.trackInput(usage());
    expect(failed).toMatchObject({ status: 'notCollected', reason: expect.stringMatching(/could not write its queue \(ENOSPC/) });
    const after = await accept(pipeline, usage());
    await clock.advance(31_000);
    expect(endpoint.eventIds().sort()).toEqual([before, after].sort());
  });

  it('never stores or sends a string of the PII corpus', async () => {
    const { pipeline, files, clock, endpoint } = await rig();
    for (const sample of PII_CORPUS) {
      await accept(pipeline, usage({ detail: sample.text }));
      await accept(pipeline, { kind: 'error', name: 'test.failed', source, data: { errorType: 'Error', message: sample.text, fatal: true, stack: [{ function: sample.text.slice(0, 200), file: `/home/${TEST_PERSONAL.userName}/x.ts`, line: 1 }], properties: { where: sample.text } } });
    }
    await clock.advance(31_000);
    const leaving = endpoint.received.map((r) => r.text).join('\n');
    expect(endpoint.eventIds().length).toBe(PII_CORPUS.length * 2);
    const stored = files.allBytes();
    for (const secret of PII_SECRETS) {
      expect(leaving.toLowerCase()).not.toContain(secret.toLowerCase());
      expect(stored.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });

  it('hashes identifiers and the session with the local salt, which never leaves the machine', async () => {
    const { pipeline, clock, endpoint, files } = await rig();
    await accept(pipeline, { ...usage({ repo: 'acme/secret-repo' }), identifiers: ['repo'] });
    await clock.advance(31_000);
    const event = endpoint.batches()[0]!.events[0]!;
    const salt = pipeline.identity.current!.salt;
    expect((event.data as { properties: Record<string, string> }).properties.repo).toBe(hashIdentifier(salt, 'acme/secret-repo'));
    expect(event.sessionId).toMatch(/^[0-9a-f]{32}$/);
    expect(event.installationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    const identityFile = files.text('/storage/identity.json');
    const saltText = JSON.parse(identityFile).salt as string;
    expect(endpoint.received.map((r) => r.text).join('')).not.toContain(saltText);
    expect(endpoint.received.map((r) => r.text).join('')).not.toContain('secret-repo');
  });

  it('numbers events of a session from 0, in order', async () => {
    const { pipeline, clock, endpoint } = await rig();
    for (let i = 0; i < 5; i++) { await accept(pipeline, usage()); }
    await clock.advance(31_000);
    expect(endpoint.batches()[0]!.events.map((e) => e.sequence)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('events built from checked input', () => {
  const builder = new EventBuilder(createScrubber(TEST_PERSONAL));
  const facts = { id: '01936d3c-5a4e-7b1c-9f3e-2d4c6a8b0e12', timestamp: '2026-11-29T18:23:14.512Z', sequence: 3, installationId: '3f1c2b9e-8d7a-4e6f-b5c4-a3d2e1f0c9b8', sessionId: '9b2f0c7e4a1d6b3e8f5a2c9d0e7b4a1f', client: TEST_CLIENT };
  const salt = Buffer.alloc(32, 7);
  const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,10}$/);
  const scalar = fc.oneof(fc.string({ maxLength: 40 }), fc.double({ min: -1e15, max: 1e15, noNaN: true }), fc.boolean(), fc.constantFrom(...PII_CORPUS.map((s) => s.text)), fc.string({ unit: 'binary', maxLength: 10 }), fc.constant('\ud800x\u0000'));
  const props = fc.dictionary(key, scalar, { maxKeys: 6 });
  const nums = fc.dictionary(key, fc.double({ min: -1e15, max: 1e15, noNaN: true }), { maxKeys: 4 });
  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}(\.[A-Za-z0-9]{1,5})?$/);
  const data = fc.oneof(
    fc.record({ kind: fc.constant('usage'), data: fc.record({ properties: props, measurements: nums }, { requiredKeys: [] }) }),
    fc.record({ kind: fc.constant('performance'), data: fc.record({ value: fc.double({ min: -1e15, max: 1e15, noNaN: true }), unit: fc.constantFrom('ms', 'bytes', 'count', 'percent'), properties: props }, { requiredKeys: ['value', 'unit'] }) }),
    fc.record({ kind: fc.constant('error'), data: fc.record({
      errorType: fc.constantFrom('TypeError', 'ECONNRESET', 'AKIAIOSFODNN7EXAMPLE'), message: fc.oneof(fc.string({ maxLength: 3000 }), fc.constantFrom(...PII_CORPUS.map((s) => s.text))), fatal: fc.boolean(),
      stack: fc.array(fc.record({ function: fc.string({ maxLength: 300 }), file: fc.constantFrom('/home/u/a.ts', 'dist/extension.js', 'C:\\x\\y.js', 'x'.repeat(300)), line: fc.integer({ min: 1, max: 1e7 }), column: fc.integer({ min: 1, max: 1e7 }) }, { requiredKeys: [] }), { maxLength: 64 }),
      properties: props }, { requiredKeys: ['errorType', 'message', 'fatal'] }) }),
    fc.record({ kind: fc.constant('session'), data: fc.oneof(fc.constant({ phase: 'start' }), fc.record({ phase: fc.constant('end'), durationMs: fc.integer({ min: 0, max: 31_536_000_000 }) })) }),
    fc.record({ kind: fc.constant('heartbeat'), data: fc.record({ intervalMs: fc.integer({ min: 0, max: 86_400_000 }), activeMs: fc.integer({ min: 0, max: 86_400_000 }),
      counters: fc.dictionary(key, fc.integer({ min: 0, max: 4294967295 }), { maxKeys: 5 }), drops: fc.dictionary(fc.constantFrom('queue_full', 'expired', 'consent_withdrawn'), fc.nat()) }) }),
    fc.record({ kind: fc.constant('dailyAggregate'), data: fc.record({ day: fc.constant('2026-11-29'), eventName: name, eventSource: fc.constant('a.b'), count: fc.nat(),
      measurements: fc.dictionary(key, fc.record({ count: fc.integer({ min: 1, max: 100 }), min: fc.integer(), max: fc.integer(), p50: fc.double({ min: -1e15, max: 1e15, noNaN: true }), p95: fc.constant(1), p99: fc.constant(2) }), { maxKeys: 3 }) }) }),
    fc.record({ kind: fc.constant('milestone'), data: fc.record({ msSinceInstall: fc.integer({ min: 0, max: 315_360_000_000 }), msSincePrevious: fc.integer({ min: 0, max: 315_360_000_000 }) }, { requiredKeys: ['msSinceInstall'] }) }),
  );

  it('every input the check accepts becomes an event the generated event validator accepts', () => {
    fc.assert(fc.property(data, name, (d, n) => {
      const input = { ...d, name: n, source } as TrackInput;
      if (checkInput(input).length > 0) { return; }
      const event = builder.build(input, facts, salt);
      const valid = validateEvent(JSON.parse(JSON.stringify(event)));
      expect(validateEvent.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }), { numRuns: 500 });
  });

  it('the check accepts the data of every valid event vector of the spec', async () => {
    const { readFileSync } = await import('node:fs');
    for (const stem of ['usage', 'performance', 'error', 'session', 'heartbeat', 'daily-aggregate', 'milestone', 'event']) {
      const groups = JSON.parse(readFileSync(`schemas/vectors/${stem}.json`, 'utf8')) as { tests: { data: CandorEvent; valid: boolean; description: string }[] }[];
      for (const t of groups.flatMap((g) => g.tests).filter((x) => x.valid)) {
        const e = t.data;
        expect({ d: t.description, errors: checkInput({ kind: e.kind, name: e.name, source: e.source, data: e.data }) }).toEqual({ d: t.description, errors: [] });
      }
    }
  });

  it('refuses the data of every refused vector that is wrong inside data', async () => {
    const { readFileSync } = await import('node:fs');
    for (const stem of ['usage', 'performance', 'error', 'session', 'heartbeat', 'daily-aggregate', 'milestone']) {
      const groups = JSON.parse(readFileSync(`schemas/vectors/${stem}.json`, 'utf8')) as { tests: { data: CandorEvent; valid: boolean; at?: string; description: string }[] }[];
      for (const t of groups.flatMap((g) => g.tests).filter((x) => !x.valid && (x.at ?? '').startsWith('/data'))) {
        const e = t.data;
        const errors = checkInput({ kind: e.kind, name: e.name, source: e.source, data: e.data });
        // Error messages and stack frame names of any length are accepted and shortened after scrubbing:
        // the deliberate differences (a long message is still worth reporting).
        if (/^\/data\/(message|stack\/[0-9]+\/(function|file))$/.test(t.at ?? '')) { continue; }
        expect({ d: t.description, refused: errors.length > 0 }).toEqual({ d: t.description, refused: true });
      }
    }
  });
});
