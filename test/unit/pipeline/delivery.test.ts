import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TransportError } from '../../../extension/core/ports/transport';
import { BACKOFF_CAP_MS } from '../../../protocol/retry';
import { down, problem, response } from '../../support/fake-transport';
import { accept, consentAt, failure, perf, rig, SETTINGS, usage } from '../../support/harness';
import { INGEST_TOKEN_KEY } from '../../../extension/core/ports/secrets';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('delivery and retry', () => {
  it('retries network errors with full-jitter backoff from about 1 s, capped at 5 minutes, and resends the same bytes with a fresh Candor-Sent-At', async () => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.failNext(down(), 30);
    const id = await accept(pipeline, usage());
    await clock.advance(30_000);
    const times: number[] = [];
    for (let next = pipeline.status().nextAttemptAt; next !== undefined; next = pipeline.status().nextAttemptAt) {
      times.push(next - clock.now());
      await clock.advance(next - clock.now());
    }
    expect(endpoint.received.length).toBe(31);
    // Each wait lies in [0, min(cap, 1 s × 2^(n-1))].
    times.forEach((wait, n) => { expect(wait).toBeLessThanOrEqual(Math.min(BACKOFF_CAP_MS, 1000 * 2 ** n)); expect(wait).toBeGreaterThanOrEqual(0); });
    expect(Math.max(...times)).toBeGreaterThan(60_000);
    await clock.advance(BACKOFF_CAP_MS);
    expect(endpoint.eventIds()).toEqual([id]);
    const bodies = new Set(endpoint.received.map((r) => r.text));
    expect(bodies.size).toBe(1);
    // Each attempt states its own time (two attempts can share a fake millisecond when the jitter is 0).
    const sentAts = endpoint.received.map((r) => r.request.headers['candor-sent-at']!);
    expect([...sentAts].sort()).toEqual(sentAts);
    expect(new Set(sentAts).size).toBeGreaterThan(20);
    expect(sentAts.at(-1)! > endpoint.received[0]!.batch!.sentAt).toBe(true);
    expect(pipeline.status().lastFailure).toBeUndefined();
  });

  it.each([
    ['delay-seconds', '120', 120_000],
    ['an HTTP-date', 'Sun, 29 Nov 2026 12:02:30 GMT', 120_000],
  ])('honours Retry-After given as %s', async (_, header, expectedWait) => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.failNext(() => problem(429, 'rate_limited', { retryAfterSeconds: 120 }, { 'retry-after': header }));
    await accept(pipeline, usage());
    await clock.advance(30_000);
    expect(endpoint.received.length).toBe(1);
    expect(pipeline.status().nextAttemptAt! - clock.now()).toBe(expectedWait);
    await clock.advance(expectedWait - 1);
    expect(endpoint.received.length).toBe(1);
    await clock.advance(1);
    expect(endpoint.received.length).toBe(2);
    expect(endpoint.eventIds().length).toBe(1);
  });

  it.each([408, 429, 502, 503, 504])('retries %i', async (status) => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.failNext(() => problem(status, 'overloaded'), 3);
    const id = await accept(pipeline, usage());
    await clock.advance(30_000 + 3 * BACKOFF_CAP_MS);
    expect(endpoint.eventIds()).toEqual([id]);
    expect(pipeline.records.rejected).toEqual([]);
  });

  it.each([400, 404, 405, 415, 500, 501, 505])('moves the batch to the refused list on %i, with the endpoint\'s reason, and does not resend it', async (status) => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.failNext(() => problem(status, status === 404 ? 'not_found' : 'internal_error', { detail: 'nope <b>bold</b>' }));
    const id = await accept(pipeline, usage());
    await clock.advance(30_000 + 10 * 60_000);
    expect(endpoint.received.length).toBe(1);
    expect(pipeline.records.rejected).toEqual([expect.objectContaining({ eventId: id, code: 'rejected_by_endpoint', message: expect.stringContaining(`HTTP ${status}`) })]);
    expect(pipeline.records.rejected[0]!.message).toContain('nope <b>bold</b>');
    expect(pipeline.records.history[0]).toMatchObject({ outcome: 'refused', httpStatus: status, rejected: 1 });
    expect(pipeline.ledgerOf(id).at(-1)).toMatchObject({ step: 'rejected', code: 'rejected_by_endpoint' });
    expect(pipeline.status()).toMatchObject({ pendingEvents: 0, lastFailure: expect.objectContaining({ message: expect.stringContaining(String(status)) }) });
  });

  it('reads problem details leniently: a proxy\'s HTML page still gives a clear reason', async () => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.failNext(() => response(404, '<html>Not here</html>', { 'content-type': 'text/html' }));
    await accept(pipeline, usage());
    await clock.advance(30_000);
    expect(pipeline.records.rejected[0]!.message).toBe('HTTP 404');
  });

  // A token the team rotated before the user set the new one is no verdict on the events (PROTOCOL.md §8).
  it.each([
    ['401 unauthorized (no token)', () => problem(401, 'unauthorized'), /requires an ingest token and none is set/],
    ['403 forbidden (wrong token)', () => problem(403, 'forbidden', { detail: 'the ingest token is wrong' }), /refused the ingest token/],
    ['403 forbidden (another proof of ownership)', () => problem(403, 'forbidden', { detail: 'ownerKeyHash differs' }), /proof of ownership/],
    ["403 from a proxy's HTML page", () => response(403, '<html>Access denied</html>', { 'content-type': 'text/html' }), /refused the ingest token/],
  ])('holds the batch on %s: nothing refused, nothing resent until the token changes, and a message that says what to do', async (_, answer, what) => {
    const { pipeline, endpoint, clock, secrets } = await rig();
    endpoint.failNext(answer, 1000);
    const ids = [await accept(pipeline, usage()), await accept(pipeline, failure())];
    await clock.advance(30_000);
    expect(endpoint.received.length).toBe(1);
    expect(pipeline.records.rejected).toEqual([]);
    expect(pipeline.records.history).toEqual([]);
    expect(pipeline.status()).toMatchObject({ pendingEvents: 2, nextAttemptAt: clock.now() + BACKOFF_CAP_MS, lastFailure: { held: true } });
    const { message } = pipeline.status().lastFailure!;
    expect(message).toMatch(what);
    expect(message).toContain('"Candor: Set Ingest Token…"');
    expect(message).toContain('candor.endpoint');
    expect(message).not.toContain('`');
    // Events accepted while held wait behind the held batch.
    ids.push(await accept(pipeline, usage()));
    await clock.advance(BACKOFF_CAP_MS - 1);
    expect(endpoint.received.length).toBe(1);
    expect(pipeline.status().pendingEvents).toBe(3);
    // The user sets the token: the held batch goes at once, with it.
    endpoint.clearFaults();
    await secrets.store(INGEST_TOKEN_KEY, 'the-new-token');
    pipeline.delivery.credentialsChanged();
    await clock.advance(0);
    await pipeline.idle();
    expect(endpoint.received[1]!.request.headers.authorization).toBe('Bearer the-new-token');
    await clock.advance(30_000);
    expect(endpoint.eventIds().sort()).toEqual([...ids].sort());
    expect(pipeline.records.rejected).toEqual([]);
    expect(pipeline.status().lastFailure).toBeUndefined();
  });

  it('a held batch goes again when the endpoint setting changes, and otherwise every 5 minutes', async () => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.failNext(() => problem(403, 'forbidden'), 3);
    const id = await accept(pipeline, usage());
    await clock.advance(30_000);
    await clock.advance(BACKOFF_CAP_MS);
    expect(endpoint.received.length).toBe(2);
    expect(pipeline.status().lastFailure?.held).toBe(true);
    pipeline.configure({ ...SETTINGS, endpoint: 'https://other.example/' });
    await clock.advance(0);
    await pipeline.idle();
    expect(endpoint.received.length).toBe(3);
    expect(endpoint.received[2]!.request.url).toBe('https://other.example/v1/batch');
    await clock.advance(BACKOFF_CAP_MS);
    expect(endpoint.eventIds()).toEqual([id]);
  });

  it('held events still give up by age, counted as expired, never as refused', async () => {
    // An age limit of 2 hours stands for the default 7 days, to keep the fake timers few.
    const { pipeline, endpoint, clock } = await rig({ deps: { limits: { maxAgeMs: 2 * 3600_000 } } });
    endpoint.failNext(() => problem(401, 'unauthorized'), 1000);
    const id = await accept(pipeline, usage());
    await clock.advance(110 * 60_000);
    expect(pipeline.status().pendingEvents).toBe(1);
    await clock.advance(20 * 60_000);
    expect(pipeline.status().pendingEvents).toBe(0);
    expect(pipeline.records.drops.expired).toBe(1);
    expect(pipeline.records.rejected).toEqual([]);
    expect(pipeline.ledgerOf(id).at(-1)).toMatchObject({ step: 'dropped', code: 'expired' });
  });

  it('a token change does not cut short the backoff of an ordinary failure', async () => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.failNext(() => problem(503, 'overloaded', {}, { 'retry-after': '120' }));
    await accept(pipeline, usage());
    await clock.advance(30_000);
    pipeline.delivery.credentialsChanged();
    await clock.advance(0);
    expect(endpoint.received.length).toBe(1);
    await clock.advance(120_000);
    expect(endpoint.received.length).toBe(2);
  });

  it('retries a 200 that is not an ingest response (a captive portal), and one for another batch', async () => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.failNext(() => response(200, '<html>Sign in to Wi-Fi</html>'));
    endpoint.failNext(() => response(200, { specVersion: '1.0', batchId: '01936d3c-6b10-7c2d-8e4f-5a6b7c8d9e0f', receivedAt: '2026-11-29T12:00:00Z', bodySha256: '0'.repeat(64), accepted: 1, duplicates: 0, rejected: [] }));
    const id = await accept(pipeline, usage());
    await clock.advance(30_000);
    expect(pipeline.status().lastFailure?.message).toMatch(/not with an ingest response/);
    await clock.advance(BACKOFF_CAP_MS);
    await clock.advance(BACKOFF_CAP_MS);
    expect(endpoint.eventIds()).toEqual([id]);
    expect(endpoint.received.length).toBe(3);
  });

  it('a 413 splits the batch and resends the halves; a single event still too large is dropped as event_too_large', async () => {
    const { pipeline, endpoint, clock } = await rig();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) { ids.push(await accept(pipeline, usage())); }
    endpoint.failNext((req, got) => (got.batch!.events.length > 2 || got.batch!.events.some((e) => e.id === ids[5]) ? problem(413, 'body_too_large') : undefined), 100);
    await clock.advance(30_000);
    await clock.advance(60_000);
    const stored = endpoint.eventIds();
    expect(stored.sort()).toEqual(ids.filter((id) => id !== ids[5]).sort());
    expect(pipeline.records.drops.event_too_large).toBe(1);
    expect(pipeline.ledgerOf(ids[5]!).at(-1)).toMatchObject({ step: 'dropped', code: 'event_too_large' });
    // The halves are new batches with their own ids and bytes.
    expect(new Set(endpoint.batches().map((b) => b.batchId)).size).toBeGreaterThan(3);
  });

  it('per-event refusals in a 200 go to the refused list with the endpoint\'s code; the others are delivered', async () => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.refuseNames.set('test.measured', 'unknown_field');
    const ok = await accept(pipeline, usage());
    const refused = await accept(pipeline, perf());
    await clock.advance(30_000);
    expect(endpoint.eventIds()).toEqual([ok]);
    expect(pipeline.records.rejected).toEqual([expect.objectContaining({ eventId: refused, code: 'unknown_field', name: 'test.measured', extension: 'test.caller' })]);
    expect(pipeline.records.history[0]).toMatchObject({ outcome: 'partial', accepted: 1, rejected: 1, bytesConfirmed: true });
    expect(pipeline.ledgerOf(ok).map((e) => e.step)).toEqual(['queued', 'sent', 'accepted']);
    expect(pipeline.ledgerOf(refused).map((e) => e.step)).toEqual(['queued', 'sent', 'rejected']);
  });

  it('a server that commits then resets before answering: the retry is a duplicate, stored once', async () => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.failNext(() => 'commit-then-reset');
    const id = await accept(pipeline, usage());
    await clock.advance(30_000);
    await clock.advance(BACKOFF_CAP_MS);
    expect(endpoint.received.length).toBe(2);
    expect(endpoint.eventIds()).toEqual([id]);
    expect(pipeline.ledgerOf(id).at(-1)).toMatchObject({ step: 'duplicate' });
    expect(pipeline.records.history[0]).toMatchObject({ outcome: 'delivered', accepted: 0, duplicates: 1 });
  });

  it('sends batches in the order they were sealed, one at a time', async () => {
    const { pipeline, endpoint, clock } = await rig({ settings: { batchEvents: 3 } });
    endpoint.failNext(down(), 2);
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) { ids.push(await accept(pipeline, usage())); }
    await clock.advance(2 * BACKOFF_CAP_MS);
    expect(endpoint.batches().slice(-3).flatMap((b) => b.events.map((e) => e.id))).toEqual(ids);
  });

  it('compresses bodies over 4 KiB with gzip, sends the ingest token as Bearer, and confirms the bytes by digest', async () => {
    const { pipeline, endpoint, clock, secrets } = await rig();
    await secrets.store('candor.ingestToken', 'tok-123');
    for (let i = 0; i < 30; i++) { await accept(pipeline, usage({ pad: 'p'.repeat(200) })); }
    await accept(pipeline, failure());
    await clock.advance(30_000);
    const [got] = endpoint.received;
    expect(got!.request.headers['content-encoding']).toBe('gzip');
    expect(got!.request.body!.length).toBeLessThan(got!.text.length / 3);
    expect(got!.request.headers.authorization).toBe('Bearer tok-123');
    expect(pipeline.records.history[0]!.bytesConfirmed).toBe(true);
    expect(sha(got!.text)).toBe((await (await pipeline.panelModel()).deliveredBytes(got!.batch!.batchId)) && sha((await (await pipeline.panelModel()).deliveredBytes(got!.batch!.batchId))!));
  });

  it('a slow endpoint (timeout) is retried, and a new endpoint starts with a clean backoff', async () => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.failNext(() => new TransportError('timeout', 'no answer in 30000 ms'), 50);
    await accept(pipeline, usage());
    await clock.advance(30_000 + 60_000);
    expect(pipeline.status().lastFailure?.message).toMatch(/no answer in time/);
    pipeline.configure({ ...pipeline.settings, endpoint: 'https://other.example.com/' });
    expect(pipeline.status().nextAttemptAt).toBeUndefined();
  });

  it('pause holds sending, not recording; resume sends', async () => {
    const { pipeline, endpoint, clock } = await rig();
    await (await pipeline.panelModel()).setPaused(true);
    const id = await accept(pipeline, usage());
    await clock.advance(10 * 60_000);
    expect(endpoint.received.length).toBe(0);
    expect(pipeline.status()).toMatchObject({ paused: true, pendingEvents: 1 });
    await (await pipeline.panelModel()).setPaused(false);
    await clock.advance(0);
    expect(endpoint.eventIds()).toEqual([id]);
  });

  it('send now seals what is collecting and sends it at once, skipping the backoff', async () => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.failNext(down());
    const id = await accept(pipeline, usage());
    await clock.advance(30_000);
    const result = await (await pipeline.panelModel()).sendNow();
    expect(result).toMatchObject({ ok: true, message: 'Everything was sent.' });
    expect(endpoint.eventIds()).toEqual([id]);
  });
});

describe('consent at send time', () => {
  it('withdrawing consent purges what is pending, counted; none of it is ever sent', async () => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.failNext(down(), 3);
    const ids = [await accept(pipeline, usage()), await accept(pipeline, failure())];
    await clock.advance(30_000);
    await pipeline.setConsent(consentAt('all', false));
    expect(pipeline.status().pendingEvents).toBe(0);
    expect(pipeline.records.drops.consent_withdrawn).toBe(2);
    await pipeline.setConsent(consentAt('all', true));
    await clock.advance(3 * BACKOFF_CAP_MS);
    expect(endpoint.eventIds()).toEqual([]);
    for (const id of ids) { expect(pipeline.ledgerOf(id).at(-1)).toMatchObject({ step: 'dropped', code: 'consent_withdrawn' }); }
  });

  it('lowering the level to error purges usage events and keeps error events, which are sent', async () => {
    const { pipeline, endpoint, clock } = await rig();
    pipeline.setPaused(true);
    const u = await accept(pipeline, usage());
    const e = await accept(pipeline, failure());
    pipeline.sealNow();
    await pipeline.setConsent(consentAt('error'));
    pipeline.setPaused(false);
    await clock.advance(30_000);
    expect(endpoint.eventIds()).toEqual([e]);
    expect(pipeline.ledgerOf(u).at(-1)).toMatchObject({ step: 'dropped', code: 'consent_withdrawn' });
  });

  it('an attempt in flight when consent is withdrawn is cancelled and its events purged', async () => {
    const { pipeline, endpoint, clock } = await rig();
    let release: () => void = () => {};
    endpoint.failNext((req) => new Promise<never>((_, reject) => {
      release = () => reject(new TransportError('aborted', 'aborted'));
      req.signal?.addEventListener('abort', () => release());
    }) as never);
    await accept(pipeline, usage());
    void clock.advance(30_000);
    await new Promise((r) => setTimeout(r, 20));
    await pipeline.setConsent(consentAt('off'));
    expect(pipeline.status().pendingEvents).toBe(0);
    expect(pipeline.records.drops.consent_withdrawn).toBe(1);
  });
});
