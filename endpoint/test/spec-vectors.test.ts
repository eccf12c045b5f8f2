// Every event and batch vector of schemas/vectors/ sent to the live endpoint, on SQLite and PostgreSQL:
// valid events are stored (and exported exactly as sent), refused ones are refused with the code and the
// place the protocol gives; valid batches are processed, refused ones get the status and code of §4.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import validateEvent from '../../generated/validators/event.cjs';
import { newEventId } from '../../protocol/ids';
import { refusalCode } from '../../protocol/validation-errors';
import { type RunningEndpoint, startEndpoint } from '../testing/start-endpoint.mjs';
import { DATABASES, freshDatabase } from './support/databases';
import { batchOf, newInstallation } from './support/events';
import { postBatch, send } from './support/http';

interface Vector { description: string; data: any; valid: boolean; at?: string }
const VECTORS = path.resolve(__dirname, '../../schemas/vectors');
const vectors = (stem: string): Vector[] => (JSON.parse(readFileSync(path.join(VECTORS, `${stem}.json`), 'utf8')) as { tests: Vector[] }[]).flatMap((g) => g.tests);
const EVENT_STEMS = ['event', 'envelope', 'usage', 'performance', 'error', 'session', 'heartbeat', 'daily-aggregate', 'milestone'];
const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const isEventShaped = (v: Vector) => v.data !== null && typeof v.data === 'object' && !Array.isArray(v.data) && Object.keys(v.data).length <= 16;

const validEvents = EVENT_STEMS.flatMap((s) => vectors(s).filter((v) => v.valid).map((v) => ({ stem: s, ...v })));
// A kind schema's "a kind other than" vectors are valid events of that other kind.
const refusedEvents = EVENT_STEMS.flatMap((s) => vectors(s).filter((v) => !v.valid && isEventShaped(v) && !v.description.startsWith('a kind other than')).map((v) => ({ stem: s, ...v })));

describe.each(DATABASES)('spec vectors against the endpoint on %s', (kind) => {
  let endpoint: RunningEndpoint;
  beforeAll(async () => { endpoint = await startEndpoint({ database: await freshDatabase(kind), args: ['--rate-limit-installation', '0'] }); });
  afterAll(async () => { await endpoint?.stop(); });

  it(`stores all ${validEvents.length} valid event vectors and exports each exactly as sent`, async () => {
    const inst = newInstallation();
    const events = validEvents.map((v) => ({ ...structuredClone(v.data), id: newEventId(), installationId: inst.installationId }));
    const answer = await postBatch(endpoint.url, batchOf(inst, events));
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ accepted: events.length, duplicates: 0, rejected: [] });
    const exported = await send(endpoint.url, { path: `/v1/installations/${inst.installationId}/events`, headers: { 'candor-installation-secret': inst.secret } });
    expect(exported.status).toBe(200);
    expect(exported.json().events.map((e: { event: unknown }) => e.event)).toEqual(events);
  });

  it(`refuses all ${refusedEvents.length} refused event vectors, each with its code, id and place`, async () => {
    const inst = newInstallation();
    const events = refusedEvents.map((v) => {
      const e = structuredClone(v.data);
      if (v.at !== '/id') { e.id = newEventId(); }
      if (v.at !== '/installationId') { e.installationId = inst.installationId; }
      return e;
    });
    const answer = await postBatch(endpoint.url, batchOf(inst, events));
    expect(answer.status).toBe(200);
    const body = answer.json();
    expect(body).toMatchObject({ accepted: 0, duplicates: 0 });
    expect(body.rejected).toHaveLength(events.length);
    events.forEach((e, i) => {
      validateEvent(e);
      const r = body.rejected[i];
      const v = refusedEvents[i]!;
      expect({ vector: `${v.stem}: ${v.description}`, index: r.index, code: r.code }).toEqual({ vector: `${v.stem}: ${v.description}`, index: i, code: refusalCode(e, validateEvent.errors ?? []) });
      expect(r.errors.map((x: { pointer: string }) => x.pointer), `${v.stem}: ${v.description}`).toContain(`/events/${i}${v.at}`);
      expect(r.eventId).toBe(typeof e.id === 'string' && UUIDV7.test(e.id) ? e.id : undefined);
    });
  });

  it.each(vectors('batch').map((v) => [v.description, v] as const))('batch vector: %s', async (_d, v) => {
    const data = structuredClone(v.data);
    if (v.valid) {
      // Fresh ids, so that vectors sharing an installation id do not meet as owners of one installation.
      const inst = newInstallation();
      const old = data.installationId;
      Object.assign(data, { batchId: newEventId(), installationId: inst.installationId, ownerKeyHash: inst.hash });
      for (const e of data.events) { e.id = newEventId(); if (e.installationId === old) { e.installationId = inst.installationId; } }
      const answer = await postBatch(endpoint.url, data);
      expect(answer.status).toBe(200);
      const body = answer.json();
      expect(body.accepted + body.duplicates + body.rejected.length).toBe(data.events.length);
      return;
    }
    const answer = await postBatch(endpoint.url, data);
    const major = typeof data.specVersion === 'string' ? /^([0-9]+)\./.exec(data.specVersion)?.[1] : undefined;
    const expected = major !== undefined && major !== '1' ? [400, 'unsupported_spec_version']
      : v.at === '/events' && Array.isArray(data.events) && data.events.length > 500 ? [413, 'too_many_events'] : [400, 'invalid_batch'];
    expect([answer.status, answer.json().code]).toEqual(expected);
    if (expected[1] === 'invalid_batch') { expect(answer.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(v.at); }
  });
});
