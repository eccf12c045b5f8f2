// The endpoint over time: graceful shutdown with a request in flight, readiness when the database goes
// away (and the 503 a batch then gets), and the scheduled retention and daily roll-up, read through the
// admin route.
import { rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import validateRollups from '../../generated/validators/daily-rollups.cjs';
import { type RunningEndpoint, startEndpoint } from '../testing/start-endpoint.mjs';
import { DATABASES, freshDatabase } from './support/databases';
import { batchOf, mixedEvents, newInstallation, performanceEvent, usageEvent } from './support/events';
import { postBatch, send } from './support/http';

const DAY = 86_400_000;

describe.each(['SIGTERM', 'SIGINT'] as const)('on %s', (signal) => {
  it('answers the request in flight, refuses new connections, and exits 0', async () => {
    const endpoint = await startEndpoint({ keepDatabase: true });
    const inst = newInstallation();
    const body = Buffer.from(JSON.stringify(batchOf(inst, mixedEvents(inst, 10))));
    const socket = net.connect(Number(new URL(endpoint.url).port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => { text += c; });
    socket.write(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body.subarray(0, 500));
    await new Promise((r) => setTimeout(r, 100));
    endpoint.process.kill(signal);
    await new Promise((r) => setTimeout(r, 200));
    // Still alive until its request is answered, but no longer accepting connections.
    expect(endpoint.process.exitCode).toBeNull();
    await expect(send(endpoint.url, { path: '/healthz' })).rejects.toThrow(/ECONNREFUSED/);
    socket.write(body.subarray(500));
    const { code } = await endpoint.exited;
    expect(code).toBe(0);
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toContain('"accepted":10');
    // The answered events are there after a restart on the same file.
    const again = await startEndpoint({ database: endpoint.database });
    const exported = await send(again.url, { path: `/v1/installations/${inst.installationId}/events`, headers: { 'candor-installation-secret': inst.secret } });
    expect(exported.json().events).toHaveLength(10);
    await again.stop();
    await endpoint.stop();
    rmSync(path.dirname(endpoint.database.slice('sqlite:'.length)), { recursive: true, force: true });
  });
});

describe('readiness when PostgreSQL goes away', () => {
  it('answers /readyz and batches with 503 and Retry-After, and keeps running', async () => {
    const url = await freshDatabase('postgres');
    const endpoint = await startEndpoint({ database: url });
    expect((await send(endpoint.url, { path: '/readyz' })).status).toBe(200);
    const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
    const ready = await send(endpoint.url, { path: '/readyz' });
    expect([ready.status, ready.headers['retry-after'], ready.json().code]).toEqual([503, '5', 'overloaded']);
    const inst = newInstallation();
    const batch = await postBatch(endpoint.url, batchOf(inst, [usageEvent(inst)]));
    expect([batch.status, batch.headers['retry-after'], batch.json().code]).toEqual([503, '5', 'overloaded']);
    expect((await send(endpoint.url, { path: '/metrics' })).text).toMatch(/^candor_database_up 0$/m);
    expect((await send(endpoint.url, { path: '/healthz' })).status).toBe(200);
    expect(endpoint.process.exitCode).toBeNull();
    await endpoint.stop();
  });
});

describe.each(DATABASES)('retention and the daily roll-up on %s', (kind) => {
  let endpoint: RunningEndpoint;
  beforeAll(async () => {
    endpoint = await startEndpoint({ database: await freshDatabase(kind), args: ['--retention-days', '30', '--maintenance-interval', '1'] });
  });
  afterAll(async () => { await endpoint?.stop(); });

  it('rolls up per day, extension and event, readable at once through the admin route', async () => {
    const now = Date.now();
    const a = newInstallation();
    const b = newInstallation();
    await postBatch(endpoint.url, batchOf(a, [performanceEvent(a, 10, 0, now - DAY), performanceEvent(a, 20, 1, now), performanceEvent(a, 30, 2, now)], now));
    await postBatch(endpoint.url, batchOf(b, [performanceEvent(b, 40, 0, now), usageEvent(b, 1, now, { items: 3 })], now));
    const today = new Date(now).toISOString().slice(0, 10);
    const answer = await send(endpoint.url, { path: `/admin/v1/daily-rollups?from=${today}&to=${today}` });
    expect(answer.status).toBe(200);
    const body = answer.json();
    expect(validateRollups(body)).toBe(true);
    expect(body.rollups.map((r: any) => [r.name, r.events, r.installations, r.measurements])).toEqual([
      ['candor.command', 1, 1, { items: { count: 1, min: 3, max: 3, p50: 3, p95: 3, p99: 3 } }],
      ['candor.flush', 3, 2, { value: { count: 3, min: 20, max: 40, p50: 30, p95: 40, p99: 40 } }],
    ]);
    const page = (await send(endpoint.url, { path: `/admin/v1/daily-rollups?from=${today}&to=${today}&limit=1` })).json();
    expect(page.rollups).toHaveLength(1);
    const rest = (await send(endpoint.url, { path: `/admin/v1/daily-rollups?from=${today}&to=${today}&limit=1&cursor=${page.nextCursor}` })).json();
    expect([rest.rollups[0].name, rest.nextCursor]).toEqual(['candor.flush', null]);
    const named = (await send(endpoint.url, { path: `/admin/v1/daily-rollups?name=candor.flush&source=candor.candor` })).json();
    expect(named.rollups.map((r: any) => r.events)).toEqual([1, 3]);
    for (const bad of ['from=yesterday', 'from=2026-02-02&to=2026-01-01', 'limit=0', 'cursor=abc', 'name=no%20spaces']) {
      const refused = await send(endpoint.url, { path: `/admin/v1/daily-rollups?${bad}` });
      expect([bad, refused.status, refused.json().code]).toEqual([bad, 400, 'invalid_batch']);
    }
  });

  it('deletes events of days past the retention on its schedule, and keeps their roll-up', async () => {
    const now = Date.now();
    const inst = newInstallation();
    await postBatch(endpoint.url, batchOf(inst, [usageEvent(inst, 0, now - 40 * DAY), usageEvent(inst, 1, now - 29 * DAY)], now));
    const old = new Date(now - 40 * DAY).toISOString().slice(0, 10);
    const exported = async () => (await send(endpoint.url, { path: `/v1/installations/${inst.installationId}/events`, headers: { 'candor-installation-secret': inst.secret } })).json().events;
    // The schedule runs every second; wait (bounded) for it to have run once since the batch.
    const deadline = Date.now() + 15_000;
    while ((await exported()).length !== 1 && Date.now() < deadline) { await new Promise((r) => setTimeout(r, 200)); }
    expect((await exported()).map((e: any) => e.event.sequence)).toEqual([1]);
    // The old day was rolled up before it expired? Only if a roll-up ran between; either way, never
    // recomputed from a partial day: no roll-up of it shows fewer events than it had.
    const rollups = (await send(endpoint.url, { path: `/admin/v1/daily-rollups?from=${old}&to=${old}` })).json().rollups;
    expect(rollups.every((r: any) => r.events >= 1)).toBe(true);
  });
});
