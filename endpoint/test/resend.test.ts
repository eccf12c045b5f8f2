// A batch sent again (a client whose answer was lost retries the same bytes) on SQLite: the endpoint reads
// what it holds before checking the events, and a batch with nothing new costs no write. Run in-process
// on a real SQLite file, with the storage's writes counted.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/parse-config';
import { createEndpoint } from '../src/server';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage';
import type { Storage } from '../src/storage/storage';
import { batchOf, mixedEvents, newInstallation, usageEvent } from './support/events';

describe('a batch sent again, on SQLite', () => {
  let dir: string;
  let storage: Storage;
  let app: Awaited<ReturnType<typeof createEndpoint>>['app'];
  let writes = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'candor-resend-'));
    const file = path.join(dir, 'candor.db');
    const parsed = parseConfig(['--database', `sqlite:${file}`, '--rate-limit-address', '0', '--rate-limit-installation', '0'], {});
    if (parsed.kind !== 'config') { throw new Error(JSON.stringify(parsed)); }
    storage = openSqliteStorage(file);
    const counted = new Proxy(storage, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (key === 'ingest') { return (...args: Parameters<Storage['ingest']>) => { writes++; return target.ingest(...args); }; }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    ({ app } = await createEndpoint(parsed.config, counted, { write: () => true }));
  });
  afterAll(async () => {
    await app?.close();
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (batch: object) => {
    const answer = await app.inject({ method: 'POST', url: '/v1/batch', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(batch) });
    return { status: answer.statusCode, body: answer.json() };
  };

  it('is answered from what the endpoint holds, every event a duplicate, without a write', async () => {
    const inst = newInstallation();
    const batch = batchOf(inst, mixedEvents(inst, 6));
    expect(await post(batch)).toMatchObject({ status: 200, body: { accepted: 6, duplicates: 0, rejected: [] } });
    const before = writes;
    expect(await post(batch)).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 6, rejected: [] } });
    expect(writes).toBe(before);
    expect(await storage.exportPage(inst.installationId, undefined, 100)).toHaveLength(6);
  });

  it('writes only the new events of a batch that also carries stored ones', async () => {
    const inst = newInstallation();
    const events = mixedEvents(inst, 4);
    await post(batchOf(inst, events.slice(0, 3)));
    const before = writes;
    expect(await post(batchOf(inst, events))).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 3 } });
    expect(writes).toBe(before + 1);
    expect(await storage.exportPage(inst.installationId, undefined, 100)).toHaveLength(4);
  });

  it('finds the stored events of a batch whether or not the range of its ids holds more stored events than it has', async () => {
    const inst = newInstallation();
    const events = mixedEvents(inst, 30).sort((a, b) => (a.id < b.id ? -1 : 1));
    await post(batchOf(inst, events));
    // The lowest and the highest: 30 stored between them, more than the batch has (each id is probed).
    let before = writes;
    expect(await post(batchOf(inst, [events[29]!, events[0]!]))).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 2 } });
    expect(writes).toBe(before);
    // The last two and a new one: only those two stored in the range (read in one seek).
    const fresh = usageEvent(inst, 99, Date.now() + 1000);
    before = writes;
    expect(await post(batchOf(inst, [events[28]!, fresh, events[29]!]))).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 2 } });
    expect(writes).toBe(before + 1);
    expect(await storage.exportPage(inst.installationId, undefined, 100)).toHaveLength(31);
  });

  it('refuses another owner key hash from what it reads, before the events, and writes nothing', async () => {
    const inst = newInstallation();
    const first = usageEvent(inst, 0);
    await post(batchOf(inst, [first]));
    const before = writes;
    const intruder = { ...inst, hash: newInstallation().hash };
    const answer = await post(batchOf(intruder, [first, usageEvent(inst, 1)]));
    expect([answer.status, answer.body.code]).toEqual([403, 'forbidden']);
    expect(writes).toBe(before);
    expect(await storage.exportPage(inst.installationId, undefined, 100)).toHaveLength(1);
  });

  it('still answers a body too deep with 400 before the owner\'s 403 (step 4 before step 6)', async () => {
    const inst = newInstallation();
    await post(batchOf(inst, [usageEvent(inst, 0)]));
    const intruder = { ...inst, hash: newInstallation().hash };
    const deep = usageEvent(inst, 1) as any;
    deep.data.extra = '@DEEP@';
    const text = JSON.stringify(batchOf(intruder, [deep])).replace('"@DEEP@"', `${'['.repeat(40)}${']'.repeat(40)}`);
    const answer = await app.inject({ method: 'POST', url: '/v1/batch', headers: { 'content-type': 'application/json' }, payload: text });
    expect([answer.statusCode, answer.json().code]).toEqual([400, 'invalid_json']);
  });
});
