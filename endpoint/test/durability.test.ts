// "A 2xx means stored": the endpoint is killed with SIGKILL in the middle of a stream of uploads and
// started again on the same database; every event that got a 200 is there exactly once. And "stateless":
// two endpoint processes on one PostgreSQL database receive the same batches, interleaved and retried;
// every event is stored exactly once.
import { Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../generated/types';
import { type RunningEndpoint, startEndpoint } from '../testing/start-endpoint.mjs';
import { DATABASES, freshDatabase } from './support/databases';
import { type Installation, batchOf, mixedEvents, newInstallation } from './support/events';
import { send } from './support/http';
import { storedEvents } from './support/stored-events';

const FLAGS = ['--rate-limit-address', '0', '--rate-limit-installation', '0'];

async function post(endpoint: RunningEndpoint, batch: Batch, agent: Agent) {
  return send(endpoint.url, { path: '/v1/batch', body: batch, headers: { 'content-type': 'application/json', 'candor-sent-at': new Date().toISOString() }, agent });
}

describe.each(DATABASES)('SIGKILL during uploads on %s', (kind) => {
  it('loses no event that got a 200, and stores none twice', async () => {
    const database = await freshDatabase(kind);
    const first = await startEndpoint({ database, args: FLAGS, keepDatabase: true });
    const acknowledged = new Set<string>();
    const sent: { inst: Installation; batch: Batch }[] = [];
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    let killed = false;
    const sender = async (inst: Installation) => {
      while (!killed) {
        const batch = batchOf(inst, mixedEvents(inst, 25));
        sent.push({ inst, batch });
        try {
          const answer = await post(first, batch, agent);
          if (answer.status === 200) { for (const e of batch.events) { acknowledged.add(e.id); } }
        } catch { /* the process died under this request: no answer, no promise */ }
      }
    };
    const senders = Array.from({ length: 6 }, () => sender(newInstallation()));
    // Kill once a good number of batches were acknowledged, while others are in flight.
    while (acknowledged.size < 25 * 40) { await new Promise((r) => setTimeout(r, 10)); }
    first.process.kill('SIGKILL');
    killed = true;
    await Promise.all(senders);
    agent.destroy();
    expect((await first.exited).signal).toBe('SIGKILL');

    const stored = await storedEvents(database);
    const ids = stored.map((r) => r.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    const missing = [...acknowledged].filter((id) => !ids.includes(id));
    expect(missing).toEqual([]);

    // After a restart, resending everything (as clients retry what got no answer) adds each event once.
    const second = await startEndpoint({ database, args: FLAGS });
    const again = new Agent({ keepAlive: true, maxSockets: 4 });
    let accepted = 0;
    let duplicates = 0;
    for (const { batch } of sent) {
      const answer = (await post(second, batch, again)).json();
      accepted += answer.accepted;
      duplicates += answer.duplicates;
    }
    again.destroy();
    await second.stop();
    const all = sent.flatMap(({ batch }) => batch.events.map((e) => e.id));
    expect(accepted + duplicates).toBe(all.length);
    const final = await storedEvents(database);
    expect(final.length).toBe(all.length);
    expect(new Set(final.map((r) => r.eventId)).size).toBe(all.length);
    expect(accepted).toBe(all.length - stored.length);
  }, 120_000);
});

describe('two endpoint processes on one PostgreSQL database', () => {
  it('store each event exactly once when both receive the same batches, interleaved and retried', async () => {
    const database = await freshDatabase('postgres');
    const [a, b] = await Promise.all([startEndpoint({ database, args: FLAGS }), startEndpoint({ database, args: FLAGS })]);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const installations = Array.from({ length: 5 }, newInstallation);
    const batches = installations.flatMap((inst) => Array.from({ length: 12 }, (_, k) => batchOf(inst, mixedEvents(inst, 10 + k))));
    // Each batch goes to both at once, then once more to one of them: a retry of a lost answer.
    const answers = (await Promise.all(batches.map(async (batch, k) => {
      const both = await Promise.all([post(a, batch, agent), post(b, batch, agent)]);
      const retry = await post(k % 2 ? a : b, batch, agent);
      return [...both, retry];
    }))).flat().map((r) => { expect(r.status).toBe(200); return r.json(); });
    agent.destroy();
    await Promise.all([a.stop(), b.stop()]);

    const unique = batches.reduce((n, batch) => n + batch.events.length, 0);
    expect(answers.reduce((n, x) => n + x.accepted, 0)).toBe(unique);
    expect(answers.reduce((n, x) => n + x.duplicates, 0)).toBe(2 * unique);
    const stored = await storedEvents(database);
    expect(stored).toHaveLength(unique);
    expect(new Set(stored.map((r) => `${r.installationId}/${r.eventId}`)).size).toBe(unique);
  }, 120_000);
});
