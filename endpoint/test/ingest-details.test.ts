// What the answers and the stored events carry beyond the conformance exchanges: clock-skew correction
// (Candor-Sent-At over the batch's sentAt), 405 with Allow on every route, and the metric series.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEndpoint, startEndpoint } from '../testing/start-endpoint.mjs';
import { batchOf, mixedEvents, newInstallation, usageEvent } from './support/events';
import { postBatch, send } from './support/http';

/** The value of one series (name with its labels, as exposed) in a Prometheus text exposition. */
const seriesIn = (text: string) => (series: string) =>
  Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);

describe('ingest details', () => {
  let endpoint: RunningEndpoint;
  beforeAll(async () => { endpoint = await startEndpoint(); });
  afterAll(async () => { await endpoint?.stop(); });

  const exportOf = async (inst: { installationId: string; secret: string }) =>
    (await send(endpoint.url, { path: `/v1/installations/${inst.installationId}/events`, headers: { 'candor-installation-secret': inst.secret } })).json().events;

  it('corrects each event by the skew of the delivering attempt: receivedAt − (Candor-Sent-At − timestamp)', async () => {
    const inst = newInstallation();
    const clientNow = Date.parse('2020-05-01T10:00:00.000Z'); // the client's clock is years behind
    const event = usageEvent(inst, 0, clientNow - 90_000);
    const before = Date.now();
    const answer = await postBatch(endpoint.url, batchOf(inst, [event], clientNow - 60_000), { 'candor-sent-at': new Date(clientNow).toISOString() });
    const after = Date.now();
    const receivedAt = Date.parse(answer.json().receivedAt);
    expect(receivedAt).toBeGreaterThanOrEqual(before);
    expect(receivedAt).toBeLessThanOrEqual(after);
    const [stored] = await exportOf(inst);
    expect(stored).toMatchObject({ sentAt: new Date(clientNow).toISOString(), receivedAt: answer.json().receivedAt });
    expect(Date.parse(stored.correctedTimestamp)).toBe(receivedAt - 90_000);
  });

  it('falls back to the batch\'s sentAt when Candor-Sent-At is absent or malformed', async () => {
    const inst = newInstallation();
    const sentAt = Date.parse('2021-01-01T00:00:10.000Z');
    const events = [usageEvent(inst, 0, sentAt - 10_000)];
    const answer = await postBatch(endpoint.url, batchOf(inst, events, sentAt), { 'candor-sent-at': 'yesterday' });
    const [stored] = await exportOf(inst);
    expect(stored.sentAt).toBe(new Date(sentAt).toISOString());
    expect(Date.parse(stored.correctedTimestamp)).toBe(Date.parse(answer.json().receivedAt) - 10_000);
  });

  it('answers 405 with Allow for a known route and another method, and 404 for an unknown route', async () => {
    const cases: [string, string, string][] = [
      ['PUT', '/v1/batch', 'POST'],
      ['DELETE', '/v1/batch', 'POST'],
      ['POST', '/v1/installations/3f1c2b9e-8d7a-4e6f-b5c4-a3d2e1f0c9b8/events', 'GET, HEAD'],
      ['GET', '/v1/installations/3f1c2b9e-8d7a-4e6f-b5c4-a3d2e1f0c9b8', 'DELETE'],
      ['POST', '/healthz', 'GET, HEAD'],
      ['DELETE', '/metrics', 'GET, HEAD'],
      ['POST', '/admin/v1/daily-rollups', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const answer = await send(endpoint.url, { method, path });
      expect([method, path, answer.status, answer.headers.allow, answer.json().code]).toEqual([method, path, 405, allow, 'method_not_allowed']);
    }
    const missing = await send(endpoint.url, { path: '/v2/batch', method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect([missing.status, missing.json().code]).toEqual([404, 'not_found']);
  });

  it('counts requests, events by outcome, latency and database health in /metrics', async () => {
    const inst = newInstallation();
    const events = mixedEvents(inst, 4);
    await postBatch(endpoint.url, batchOf(inst, events));
    await postBatch(endpoint.url, batchOf(inst, [...events.slice(0, 2), { ...usageEvent(inst), kind: 'trace' } as never]));
    const text = (await send(endpoint.url, { path: '/metrics' })).text;
    const value = seriesIn(text);
    expect(value('candor_events_total{outcome="accepted"}')).toBeGreaterThanOrEqual(4);
    expect(value('candor_events_total{outcome="duplicate"}')).toBeGreaterThanOrEqual(2);
    expect(value('candor_events_total{outcome="rejected"}')).toBeGreaterThanOrEqual(1);
    expect(value('candor_http_requests_total{route="/v1/batch",status="200"}')).toBeGreaterThanOrEqual(2);
    expect(value('candor_http_request_duration_seconds_count{route="/v1/batch"}')).toBeGreaterThanOrEqual(2);
    expect(value('candor_database_up')).toBe(1);
    expect(value('candor_requests_in_flight')).toBe(0);
    expect(text).toMatch(/^candor_process_resident_memory_bytes \d+/m);
  });

  it('shows SQLite\'s commits by place and its WAL in /metrics', async () => {
    const inst = newInstallation();
    await postBatch(endpoint.url, batchOf(inst, mixedEvents(inst, 3)));
    const scrape = async () => seriesIn((await send(endpoint.url, { path: '/metrics' })).text);
    let value = await scrape();
    const committed = value('candor_sqlite_commits_total{place="event-loop"}') + value('candor_sqlite_commits_total{place="writer-thread"}');
    expect(committed).toBeGreaterThanOrEqual(1);
    expect(value('candor_sqlite_commit_seconds_total{place="event-loop"}') + value('candor_sqlite_commit_seconds_total{place="writer-thread"}')).toBeGreaterThan(0);
    expect(value('candor_sqlite_wal_restarts_total')).toBe(0);
    // The WAL's size comes with the checkpoint worker's next round (four a second).
    const deadline = Date.now() + 5000;
    while (!(value('candor_sqlite_wal_bytes') > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      value = await scrape();
    }
    expect(value('candor_sqlite_wal_bytes')).toBeGreaterThan(0);
  });
});
