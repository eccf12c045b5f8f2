// Hostile input, on both databases, as property-based tests (fast-check): random JSON, random bytes,
// mutations of valid batches (hostile values, `__proto__`/`constructor` keys, SQL-looking strings, huge and
// deep values, repeated and foreign events), gzip bombs, truncated and slow bodies. The endpoint never
// answers 5xx to any of it, never stores an invalid event (checked in the database itself), stores exactly
// what it said it accepted, byte for byte, and keeps answering valid batches.
import fc from 'fast-check';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import validateEvent from '../../generated/validators/event.cjs';
import validateIngestResponse from '../../generated/validators/ingest-response.cjs';
import { newEventId, newInstallationId } from '../../protocol/ids';
import { type RunningEndpoint, startEndpoint } from '../testing/start-endpoint.mjs';
import { DATABASES, freshDatabase } from './support/databases';
import { batchOf, mixedEvents, newInstallation, usageEvent } from './support/events';
import { send } from './support/http';
import { storedEvents } from './support/stored-events';

const HOSTILE_STRINGS = [
  "'; DROP TABLE events; --", "1' OR '1'='1", '$1', '\\', '\u0000', 'a\u0000b', '%s%n%x', '<script>alert(1)</script>', '${process.exit()}',
  '__proto__', 'constructor', '\uFEFF', '😀', '\u202E', '\\u0000', 'NaN', 'null', '{"a":1}',
];
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', "'; DROP TABLE events; --", '', 'a.b', 'x'.repeat(300)];

/** A value meant to break something: strings, numbers at the edges, huge and deep values. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 1, 1e15 + 1, 0.1, Number.MIN_VALUE, true, false, null),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 1000, max: 40_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 10, max: 60 }).map((d) => JSON.parse('['.repeat(d) + ']'.repeat(d))),
  fc.constantFrom(...HOSTILE_KEYS).map((k) => { const o = {}; Object.defineProperty(o, k, { value: 1, enumerable: true, writable: true, configurable: true }); return o; }),
);

type Path = (string | number)[];
function paths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') { return [prefix]; }
  const children = Array.isArray(value) ? value.map((v, i) => paths(v, [...prefix, i])) : Object.entries(value).map(([k, v]) => paths(v, [...prefix, k]));
  return [prefix, ...children.flat()];
}
function parentOf(root: any, path: Path): any { return path.slice(0, -1).reduce((node, key) => node?.[key], root); }
function define(target: any, key: string | number, shared: unknown) {
  // A copy: fast-check may hand the same value to several runs. JSON keeps an own `__proto__` member.
  const value = shared === undefined ? undefined : JSON.parse(JSON.stringify(shared));
  if (Array.isArray(target) && typeof key === 'number') { target[key] = value; return; }
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

type Mutation = { op: 'set' | 'delete' | 'add' | 'duplicate' | 'foreign'; at: number; key: string; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('set', 'set', 'set', 'delete', 'add', 'duplicate', 'foreign'),
  at: fc.nat(),
  key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 10 })),
  value: hostileValue,
});

function mutate(batch: any, m: Mutation): void {
  const all = paths(batch).filter((p) => p.length > 0);
  const path = all[m.at % all.length]!;
  const parent = parentOf(batch, path);
  const key = path[path.length - 1]!;
  if (parent === null || typeof parent !== 'object') { return; }
  switch (m.op) {
    case 'set': define(parent, key, m.value); break;
    case 'delete': if (Array.isArray(parent)) { parent.splice(Number(key), 1); } else { delete parent[key]; } break;
    case 'add': { const target = parent[key]; if (target && typeof target === 'object' && !Array.isArray(target)) { define(target, m.key, m.value); } break; }
    case 'duplicate': if (Array.isArray(batch.events) && batch.events.length > 0) { batch.events.push(structuredClone(batch.events[m.at % batch.events.length])); } break;
    case 'foreign': if (Array.isArray(batch.events) && batch.events[0] && typeof batch.events[0] === 'object') { batch.events[0].installationId = newInstallationId(); } break;
  }
}

describe.each(DATABASES)('hostile input on %s', (kind) => {
  let endpoint: RunningEndpoint;
  let database: string;
  /** Every event id the endpoint said it accepted, with the JSON that was sent for it. */
  const accepted = new Map<string, string>();

  beforeAll(async () => {
    database = await freshDatabase(kind);
    endpoint = await startEndpoint({ database, args: ['--rate-limit-address', '0', '--rate-limit-installation', '0', '--body-timeout', '2'] });
  });
  afterAll(async () => { await endpoint?.stop(); });

  async function post(body: Buffer, headers: Record<string, string> = {}) {
    const answer = await send(endpoint.url, { path: '/v1/batch', body, headers: { 'content-type': 'application/json', ...headers } });
    expect(answer.status, answer.text).toBeLessThan(500);
    return answer;
  }

  it('refuses random JSON bodies with 4xx problem details', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 8 }), async (value) => {
      const answer = await post(Buffer.from(JSON.stringify(value) ?? 'null'));
      expect([400, 413]).toContain(answer.status);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    }), { numRuns: 80 });
  });

  it('refuses random bytes, invalid UTF-8 and lone surrogates with 400 invalid_json (or invalid_batch)', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.string({ unit: 'binary', maxLength: 60 }).map((s) => Buffer.from(JSON.stringify({ specVersion: '1.0', x: s }).replace(/"x":"/, '"x":"\\udc00'))),
      fc.uint8Array({ minLength: 1, maxLength: 20 }).map((a) => Buffer.concat([Buffer.from('{"specVersion":"1.0","s":"'), Buffer.from(a.map((b) => b | 0x80)), Buffer.from('"}')])),
    );
    await fc.assert(fc.asyncProperty(bytes, async (body) => {
      const answer = await post(body);
      expect(['invalid_json', 'invalid_batch']).toContain(answer.json().code);
    }), { numRuns: 80 });
  });

  it('refuses bodies nested deeper than 32 levels, however deep', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 33, max: 200_000 }), async (depth) => {
      const answer = await post(Buffer.from('['.repeat(depth) + ']'.repeat(depth)));
      expect([answer.status, answer.json().code]).toEqual([400, 'invalid_json']);
    }), { numRuns: 12 });
  });

  it('refuses a batch hiding a value deeper than 32 levels in an event or beside the events as a whole (step 4 before 5 and 7), and marks an event of 17–30 levels too_deep', async () => {
    // Written into the text: JSON.stringify itself recurses, and overflows the stack on the deepest.
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    const withValue = (batch: object, depth: number) => Buffer.from(JSON.stringify(batch).replace('"@NESTED@"', nested(depth)));
    await fc.assert(fc.asyncProperty(fc.integer({ min: 31, max: 100_000 }), fc.integer({ min: 17, max: 28 }), fc.boolean(), async (deep, shallow, besideTheEvents) => {
      const inst = newInstallation();
      const events: any[] = mixedEvents(inst, 3);
      const batch: any = batchOf(inst, events);
      // An event sits 2 levels down, and the member holding the value one more.
      if (besideTheEvents) { batch.extra = '@NESTED@'; } else { events[1].data.extra = '@NESTED@'; }
      const refused = await post(withValue(batch, besideTheEvents ? deep + 1 : deep - 2));
      expect([refused.status, refused.json().code, refused.json().detail]).toEqual([400, 'invalid_json', expect.stringMatching(/deeper than 32/)]);

      const fine: any = batchOf(inst, mixedEvents(inst, 3));
      fine.events[1].data.extra = '@NESTED@';
      const answer = await post(withValue(fine, shallow - 2));
      expect(answer.status).toBe(200);
      expect(answer.json().rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([[1, 'too_deep']]);
      expect(answer.json().accepted).toBe(2);
    }), { numRuns: 12 });
  });

  it('answers mutated valid batches with 200, 400, 403 or 413, and stores only valid events, verbatim', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), async (n, mutations, gzip) => {
      const inst = newInstallation();
      const batch: any = batchOf(inst, mixedEvents(inst, n));
      for (const m of mutations) { mutate(batch, m); }
      const text = JSON.stringify(batch);
      const answer = await post(gzip ? gzipSync(text) : Buffer.from(text), gzip ? { 'content-encoding': 'gzip' } : {});
      expect([200, 400, 403, 413]).toContain(answer.status);
      if (answer.status !== 200) { return; }
      const body = answer.json();
      expect(validateIngestResponse(body)).toBe(true);
      expect(body.accepted + body.duplicates + body.rejected.length).toBe(batch.events.length);
      const refused = new Set(body.rejected.map((r: { index: number }) => r.index));
      const sent = JSON.parse(text).events as unknown[];
      let fresh = 0;
      sent.forEach((e: any, i) => {
        if (refused.has(i)) { return; }
        if (!accepted.has(`${batch.installationId}/${e.id}`)) { fresh++; accepted.set(`${batch.installationId}/${e.id}`, JSON.stringify(e)); }
      });
      expect(body.accepted).toBe(fresh);
    }), { numRuns: 150 });

    const rows = await storedEvents(database);
    const mine = rows.filter((r) => accepted.has(`${r.installationId}/${r.eventId}`));
    for (const row of rows) {
      const event = JSON.parse(row.json);
      expect(validateEvent(event), row.json.slice(0, 300)).toBe(true);
      expect(event.installationId).toBe(row.installationId);
      expect(event.id).toBe(row.eventId);
    }
    expect(mine).toHaveLength(accepted.size);
    for (const row of mine) { expect(row.json).toBe(accepted.get(`${row.installationId}/${row.eventId}`)); }
  });

  it('stores SQL-looking strings, NULs and `constructor` members verbatim and harmlessly', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.constantFrom(...HOSTILE_STRINGS), { minLength: 1, maxLength: 6 }), async (values) => {
      const inst = newInstallation();
      const event = usageEvent(inst);
      const properties: Record<string, string> = {};
      values.forEach((v, i) => { properties[`p${i}`] = v; });
      Object.defineProperty(properties, 'constructor', { value: values[0], enumerable: true });
      (event.data as { properties: Record<string, string> }).properties = properties;
      const answer = await post(Buffer.from(JSON.stringify(batchOf(inst, [event]))));
      expect(answer.json().accepted).toBe(1);
      const exported = await send(endpoint.url, { path: `/v1/installations/${inst.installationId}/events`, headers: { 'candor-installation-secret': inst.secret } });
      expect(JSON.stringify(exported.json().events[0].event)).toBe(JSON.stringify(event));
    }), { numRuns: 25 });
    expect((await storedEvents(database)).length).toBeGreaterThan(0);
  });

  it('refuses gzip bombs of any size with 413 after inflating at most the limit', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 513_000, max: 40_000_000 }), fc.constantFrom(0x20, 0x5b, 0x00), async (size, byte) => {
      const answer = await post(gzipSync(Buffer.alloc(size, byte), { level: 9 }), { 'content-encoding': 'gzip' });
      expect([answer.status, answer.json().code]).toEqual([413, 'body_too_large']);
    }), { numRuns: 8 });
  });

  it('stores nothing of a body cut off anywhere, and answers a body sent slowly in pieces', async () => {
    const port = Number(new URL(endpoint.url).port);
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 10 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), async (n, cut) => {
      const inst = newInstallation();
      const body = Buffer.from(JSON.stringify(batchOf(inst, mixedEvents(inst, n))));
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      socket.end(body.subarray(0, Math.floor(body.length * cut)));
      socket.destroy();
      expect((await storedEvents(database)).filter((r) => r.installationId === inst.installationId)).toEqual([]);
    }), { numRuns: 15 });

    const inst = newInstallation();
    const body = Buffer.from(JSON.stringify(batchOf(inst, mixedEvents(inst, 5))));
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => { text += c; });
    // Listened for before writing: the answer (and the close) may come while the last piece's pause runs.
    const closed = new Promise((r) => socket.once('close', r));
    socket.write(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`);
    for (let k = 0; k < body.length; k += 200) {
      socket.write(body.subarray(k, k + 200));
      await new Promise((r) => setTimeout(r, 20));
    }
    await closed;
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('is still alive and answers a valid batch after all of it', async () => {
    const inst = newInstallation();
    const answer = await post(Buffer.from(JSON.stringify(batchOf(inst, mixedEvents(inst, 3)))));
    expect(answer.json()).toMatchObject({ accepted: 3, duplicates: 0, rejected: [] });
    expect(endpoint.process.exitCode).toBeNull();
    expect(endpoint.stderr()).not.toMatch(/"level":50/);
    expect(newEventId()).toMatch(/^[0-9a-f-]{36}$/);
  });
});
