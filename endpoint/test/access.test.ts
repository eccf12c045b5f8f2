// Who may do what: ingest tokens (several, for rotation), the admin token on /metrics and the admin
// routes, rate limits per address and per installation, overload, and logs that never carry a token, a
// secret or an event's content.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEndpoint, startEndpoint } from '../testing/start-endpoint.mjs';
import { batchOf, mixedEvents, newInstallation, usageEvent } from './support/events';
import { postBatch, send } from './support/http';

const TOKEN_A = 'ingest-token-aaaaaaaaaaaaaaaa';
const TOKEN_B = 'ingest-token-bbbbbbbbbbbbbbbb';
const ADMIN = 'admin-token-cccccccccccccccccc';

describe('tokens', () => {
  let endpoint: RunningEndpoint;
  beforeAll(async () => { endpoint = await startEndpoint({ ingestTokens: [TOKEN_A, TOKEN_B], adminToken: ADMIN, args: ['--log-level', 'debug'] }); });
  afterAll(async () => { await endpoint?.stop(); });

  it('accepts every configured ingest token, and refuses a missing (401) or wrong (403) one', async () => {
    const inst = newInstallation();
    const status = async (auth?: string) => (await postBatch(endpoint.url, batchOf(inst, [usageEvent(inst)]), auth ? { authorization: auth } : {})).status;
    expect(await status(`Bearer ${TOKEN_A}`)).toBe(200);
    expect(await status(`bearer ${TOKEN_B}`)).toBe(200);
    expect(await status()).toBe(401);
    expect(await status(`Basic ${TOKEN_A}`)).toBe(401);
    expect(await status(`Bearer ${TOKEN_A}x`)).toBe(403);
    expect(await status(`Bearer ${TOKEN_A.slice(0, -1)}`)).toBe(403);
    const answer = await postBatch(endpoint.url, batchOf(inst, [usageEvent(inst)]));
    expect(answer.headers['www-authenticate']).toBe('Bearer');
  });

  it('guards /metrics and the admin routes with the admin token, not the ingest token', async () => {
    for (const path of ['/metrics', '/admin/v1/daily-rollups']) {
      expect((await send(endpoint.url, { path })).status).toBe(401);
      expect((await send(endpoint.url, { path, headers: { authorization: `Bearer ${TOKEN_A}` } })).status).toBe(403);
      expect((await send(endpoint.url, { path, headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(200);
    }
    expect((await send(endpoint.url, { path: '/healthz' })).status).toBe(200);
    expect((await send(endpoint.url, { path: '/readyz' })).status).toBe(200);
  });

  it('never logs a token, an owner secret or an event\'s content', async () => {
    const inst = newInstallation();
    const event = usageEvent(inst);
    (event.data as { properties: Record<string, string> }).properties = { marker: 'payload-marker-31415' };
    await postBatch(endpoint.url, batchOf(inst, [event]), { authorization: `Bearer ${TOKEN_A}` });
    await postBatch(endpoint.url, batchOf(inst, [event]), { authorization: 'Bearer wrong-token-marker-27182' });
    await send(endpoint.url, { path: `/v1/installations/${inst.installationId}/events`, headers: { authorization: `Bearer ${TOKEN_A}`, 'candor-installation-secret': inst.secret } });
    await send(endpoint.url, { path: '/metrics', headers: { authorization: `Bearer ${ADMIN}` } });
    const logs = endpoint.stderr();
    expect(logs).toContain('"msg":"answered"');
    for (const secret of [TOKEN_A, TOKEN_B, ADMIN, 'wrong-token-marker-27182', inst.secret, 'payload-marker-31415', inst.installationId]) {
      expect(logs).not.toContain(secret);
    }
    for (const line of logs.trim().split('\n').filter((l) => l.startsWith('{'))) { expect(() => JSON.parse(line)).not.toThrow(); }
  });
});

describe('rate limits and overload', () => {
  let endpoint: RunningEndpoint;
  beforeAll(async () => {
    endpoint = await startEndpoint({ args: ['--rate-limit-address', '8', '--rate-limit-installation', '2', '--max-in-flight', '1', '--body-timeout', '5'] });
  });
  afterAll(async () => { await endpoint?.stop(); });

  it('answers 503 with Retry-After past --max-in-flight, and processes the request in flight', async () => {
    const inst = newInstallation();
    const body = Buffer.from(JSON.stringify(batchOf(inst, mixedEvents(inst, 3))));
    // A request whose body is still arriving occupies the one slot.
    const socket = net.connect(Number(new URL(endpoint.url).port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => { text += c; });
    socket.write(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    socket.write(body.subarray(0, 100));
    await new Promise((r) => setTimeout(r, 200));
    const other = newInstallation();
    const refused = await postBatch(endpoint.url, batchOf(other, [usageEvent(other)]));
    expect([refused.status, refused.headers['retry-after'], refused.json().code, refused.json().retryAfterSeconds]).toEqual([503, '1', 'overloaded', 1]);
    // The rest of the body, without closing this side: a client that half-closes is taken for gone
    // (node:http's default) once the answer needs more than the turn of the event loop that read the body.
    socket.write(body.subarray(100));
    await new Promise((r) => socket.once('close', r));
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('answers 429 with Retry-After to an installation over its limit, and lets the others through', async () => {
    const inst = newInstallation();
    const statuses = [];
    for (let k = 0; k < 3; k++) { statuses.push((await postBatch(endpoint.url, batchOf(inst, [usageEvent(inst, k)]))).status); }
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await postBatch(endpoint.url, batchOf(inst, [usageEvent(inst, 9)]));
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(limited.json().retryAfterSeconds).toBe(Number(limited.headers['retry-after']));
  });

  it('answers 429 to an address over its limit, before reading the body', async () => {
    // 8 a minute from this address, the previous test's requests included.
    let last;
    for (let k = 0; k < 10; k++) { last = await send(endpoint.url, { path: '/v1/batch', headers: { 'content-type': 'application/json' }, body: '{}' }); }
    expect(last!.status).toBe(429);
    expect(last!.json().detail).toMatch(/this address/);
    expect((await send(endpoint.url, { path: '/healthz' })).status).toBe(200);
  });
});
