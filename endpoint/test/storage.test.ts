// The storage contract, run the same on SQLite and PostgreSQL: ownership, dedupe per installation,
// export order and paging, deletion, retention, the daily roll-up, and (on PostgreSQL) concurrent writers.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CandorEvent } from '../../generated/types';
import { dailyRollup } from '../src/analytics/summarise';
import { checkEvents } from '../src/ingest/check-events';
import { enrich } from '../src/ingest/enrich';
import { readDatabase } from '../src/config/options';
import { openStorage } from '../src/storage/open-storage';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../src/storage/sqlite/migrations';
import type { EventRow, RollupRow, Storage } from '../src/storage/storage';
import { DATABASES, freshDatabase } from './support/databases';
import { type Installation, batchOf, newInstallation, performanceEvent, usageEvent } from './support/events';

const DAY = 86_400_000;

function rows(inst: Installation, events: CandorEvent[], receivedAt = Date.now()): EventRow[] {
  return enrich(checkEvents(batchOf(inst, events, receivedAt)).candidates, { receivedAt, sentAt: receivedAt });
}

const ingest = (s: Storage, inst: Installation, events: EventRow[], hash = inst.hash) =>
  s.ingest({ installationId: inst.installationId, ownerKeyHash: hash, receivedAt: Date.now(), events });

describe.each(DATABASES)('storage on %s', (kind) => {
  let storage: Storage;
  beforeAll(async () => { storage = await openStorage(readDatabase(await freshDatabase(kind)), 10); });
  afterAll(async () => { await storage?.close(); });

  it('records the owner of a new installation and stores its events once', async () => {
    const inst = newInstallation();
    const events = rows(inst, [usageEvent(inst, 0), usageEvent(inst, 1)]);
    expect(await ingest(storage, inst, events)).toEqual({ kind: 'stored', accepted: 2 });
    expect(await storage.ownerKeyHash(inst.installationId)).toBe(inst.hash);
    expect(await ingest(storage, inst, events)).toEqual({ kind: 'stored', accepted: 0 });
    expect(await storage.exportPage(inst.installationId, undefined, 10)).toHaveLength(2);
  });

  it('refuses another owner key hash and stores nothing of that batch', async () => {
    const inst = newInstallation();
    await ingest(storage, inst, rows(inst, [usageEvent(inst)]));
    const intruder = newInstallation();
    const outcome = await ingest(storage, inst, rows(inst, [usageEvent(inst, 1)]), intruder.hash);
    expect(outcome).toEqual({ kind: 'forbidden' });
    expect(await storage.exportPage(inst.installationId, undefined, 10)).toHaveLength(1);
  });

  it('dedupes per installation: the same event id under two installations is two events', async () => {
    const a = newInstallation();
    const b = newInstallation();
    const event = usageEvent(a);
    const forB = { ...event, installationId: b.installationId } as CandorEvent;
    expect(await ingest(storage, a, rows(a, [event]))).toEqual({ kind: 'stored', accepted: 1 });
    expect(await ingest(storage, b, rows(b, [forB]))).toEqual({ kind: 'stored', accepted: 1 });
  });

  it('fails a batch holding a row the database refuses (a value missing), instead of counting that event a duplicate', async () => {
    const inst = newInstallation();
    const [good, bad] = rows(inst, [usageEvent(inst, 0), usageEvent(inst, 1)]);
    // What a bug upstream would hand over (check-events and enrich never make such a row): no JSON.
    const broken = { ...bad!, json: null as unknown as string };
    await expect(ingest(storage, inst, [good!, broken])).rejects.toThrow(/not[- ]null/i);
    // Nothing of the batch is stored, so the client, answered with an error, can send it all again.
    expect(await storage.exportPage(inst.installationId, undefined, 10)).toHaveLength(0);
    expect(await ingest(storage, inst, [good!, bad!])).toEqual({ kind: 'stored', accepted: 2 });
  });

  it('exports oldest first, in pages that follow each other, with the recorded times and the event verbatim', async () => {
    const inst = newInstallation();
    const at = Date.parse('2026-11-28T10:00:00.000Z');
    const events = Array.from({ length: 7 }, (_, k) => usageEvent(inst, k, at + k));
    // Stored in two batches, newest first: the export still orders by id.
    await ingest(storage, inst, rows(inst, events.slice(4), at + 5000));
    await ingest(storage, inst, rows(inst, events.slice(0, 4), at + 5000));
    const ids: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await storage.exportPage(inst.installationId, after, 3);
      if (page.length === 0) { break; }
      ids.push(...page.map((r) => r.eventId));
      after = page[page.length - 1]!.eventId;
    }
    expect(ids).toEqual(events.map((e) => e.id));
    const [first] = await storage.exportPage(inst.installationId, undefined, 1);
    expect(first).toMatchObject({ receivedAt: at + 5000, sentAt: at + 5000, correctedAt: at });
    expect(JSON.parse(first!.json)).toEqual(events[0]);
  });

  it('keeps NUL characters, astral characters and SQL-looking text verbatim', async () => {
    const inst = newInstallation();
    const event = usageEvent(inst);
    (event.data as { properties: Record<string, string> }).properties = { nul: 'a\u0000b\u0000', sql: "'); DROP TABLE events; --", emoji: '😀' };
    await ingest(storage, inst, rows(inst, [event]));
    const [stored] = await storage.exportPage(inst.installationId, undefined, 1);
    expect(stored!.json).toBe(JSON.stringify(event));
  });

  it('deletes an installation only with proof, with its events and its owner, and lets its id start anew', async () => {
    const inst = newInstallation();
    await ingest(storage, inst, rows(inst, [usageEvent(inst, 0), usageEvent(inst, 1), usageEvent(inst, 2)]));
    expect(await storage.deleteInstallation(inst.installationId, () => false)).toEqual({ kind: 'forbidden' });
    expect(await storage.deleteInstallation(inst.installationId, (held) => held === inst.hash)).toEqual({ kind: 'deleted', events: 3 });
    expect(await storage.exportPage(inst.installationId, undefined, 10)).toEqual([]);
    expect(await storage.ownerKeyHash(inst.installationId)).toBeUndefined();
    expect(await storage.deleteInstallation(inst.installationId, () => true)).toEqual({ kind: 'not_found' });
    const reborn = { ...newInstallation(), installationId: inst.installationId };
    expect((await ingest(storage, reborn, rows(reborn, [usageEvent(reborn)]))).kind).toBe('stored');
  });

  it('rolls up each changed day: counts, distinct installations and nearest-rank statistics', async () => {
    const now = Date.parse('2030-01-10T12:00:00.000Z');
    const a = newInstallation();
    const b = newInstallation();
    // Two days of one performance event; day 2 has values 1..100 from two installations.
    await ingest(storage, a, rows(a, [performanceEvent(a, 7, 0, now - DAY)], now));
    await ingest(storage, a, rows(a, Array.from({ length: 60 }, (_, k) => performanceEvent(a, k + 1, k, now)), now));
    await ingest(storage, b, rows(b, Array.from({ length: 40 }, (_, k) => performanceEvent(b, k + 61, k, now)), now));
    await storage.rollUp('2000-01-01', (day) => dailyRollup(day, now));
    const got = await storage.dailyRollups({ from: '2030-01-09', to: '2030-01-10', limit: 10 });
    expect(got.map((r) => ({ ...r, measurements: JSON.parse(r.measurements) }))).toEqual([
      { day: '2030-01-09', source: 'candor.candor', name: 'candor.flush', events: 1, installations: 1, computedAt: now, measurements: { value: { count: 1, min: 7, max: 7, p50: 7, p95: 7, p99: 7 } } },
      { day: '2030-01-10', source: 'candor.candor', name: 'candor.flush', events: 100, installations: 2, computedAt: now, measurements: { value: { count: 100, min: 1, max: 100, p50: 50, p95: 95, p99: 99 } } },
    ]);
    expect(await storage.rollUp('2000-01-01', () => { throw new Error('nothing is pending'); })).toBe(0);

    // Deleting an installation rolls its days up again without it.
    await storage.deleteInstallation(b.installationId, () => true);
    await storage.rollUp('2000-01-01', (day) => dailyRollup(day, now + 1));
    const [, day2] = await storage.dailyRollups({ from: '2030-01-09', to: '2030-01-10', limit: 10 });
    expect(day2).toMatchObject({ events: 60, installations: 1, computedAt: now + 1 });

    // Paging: after the first key comes the second.
    const [first] = await storage.dailyRollups({ from: '2030-01-09', to: '2030-01-10', limit: 1 });
    expect(await storage.dailyRollups({ from: '2030-01-09', to: '2030-01-10', limit: 5, after: first })).toHaveLength(1);
  });

  // A day of its own (2031-05-05), so that other tests' days only pass through the accumulators.
  describe('the roll-up of a day of many events', () => {
    const now = Date.parse('2031-05-05T20:00:00.000Z');
    const noon = Date.parse('2031-05-05T12:00:00.000Z');
    const DAY_ROLLED = '2031-05-05';
    const inst = newInstallation();
    const late = newInstallation();
    // 1,300 events, 1,100 of them in one millisecond (more than two slices of 500 on SQLite), the rest after.
    const events = Array.from({ length: 1300 }, (_, k) => performanceEvent(inst, k + 1, k, k < 1100 ? noon : noon + k));
    const expected = () => {
      const all = dailyRollup(DAY_ROLLED, now);
      for (const e of events) { all.add(inst.installationId, JSON.stringify(e)); }
      return all.finish();
    };
    /** What the storage holds for the day, measurements parsed. */
    const held = async () => (await storage.dailyRollups({ from: DAY_ROLLED, to: DAY_ROLLED, limit: 10 })).map((r) => ({ ...r, measurements: JSON.parse(r.measurements) as unknown }));
    const parsed = (rows: RollupRow[]) => rows.map((r) => ({ ...r, measurements: JSON.parse(r.measurements) as unknown }));

    beforeAll(async () => {
      for (let k = 0; k < events.length; k += 100) { await ingest(storage, inst, rows(inst, events.slice(k, k + 100), now)); }
    });

    it('reads every event of the day, also where one millisecond spans several slices, and lets other work run meanwhile', async () => {
      // An immediate queued before the roll-up starts: a roll-up that read the day in one piece would add every event before it runs.
      let turned = false;
      setImmediate(() => { turned = true; });
      let addedAfterTurn = 0;
      await storage.rollUp('2000-01-01', (day) => {
        const accumulator = dailyRollup(day, now);
        return { add: (id, json) => { if (day === DAY_ROLLED && turned) { addedAfterTurn++; } accumulator.add(id, json); }, finish: () => accumulator.finish() };
      });
      expect(await held()).toEqual(parsed(expected()));
      expect(addedAfterTurn).toBeGreaterThan(0);
    });

    it('saves a day that changed while it was read, as read, and does it again in the next run', async () => {
      // One event of another installation on the day, deleted while the roll-up reads the day: the deletion marks the day again.
      await ingest(storage, late, rows(late, [performanceEvent(late, 5000, 0, noon - 1)], now));
      let deleting: Promise<unknown> | undefined;
      await storage.rollUp('2000-01-01', (day) => {
        const accumulator = dailyRollup(day, now);
        return {
          add: (id, json) => { if (day === DAY_ROLLED) { deleting ??= storage.deleteInstallation(late.installationId, () => true); } accumulator.add(id, json); },
          finish: () => accumulator.finish(),
        };
      });
      await deleting;
      // As read: with the deleted event (1,301 events, two installations).
      expect((await held())[0]).toMatchObject({ events: 1301, installations: 2 });
      // Still marked: the next run counts the day without it.
      expect(await storage.rollUp('2000-01-01', (day) => dailyRollup(day, now))).toBeGreaterThanOrEqual(1);
      expect(await held()).toEqual(parsed(expected()));
    });

    it('runs one roll-up at a time: a second one started meanwhile finds the days done', async () => {
      await ingest(storage, inst, rows(inst, [performanceEvent(inst, 1301, 1300, noon + 5000)], now));
      const accumulated: string[] = [];
      const accumulate = (day: string) => { accumulated.push(day); return dailyRollup(day, now); };
      // (On PostgreSQL either may get the lock first.)
      const recomputed = await Promise.all([storage.rollUp('2000-01-01', accumulate), storage.rollUp('2000-01-01', accumulate)]);
      expect(Math.max(...recomputed)).toBeGreaterThanOrEqual(1);
      expect(Math.min(...recomputed)).toBe(0);
      expect(accumulated.filter((d) => d === DAY_ROLLED)).toHaveLength(1);
      expect((await held())[0]).toMatchObject({ events: 1301, installations: 1 });
    });
  });

  // In 1990, so that no other test's events are old enough to expire.
  it('expires the events of old days, and leaves their roll-up as it was', async () => {
    const now = Date.parse('1990-03-10T12:00:00.000Z');
    const inst = newInstallation();
    await ingest(storage, inst, rows(inst, [usageEvent(inst, 0, now - 3 * DAY), usageEvent(inst, 1, now - DAY), usageEvent(inst, 2, now)], now));
    await storage.rollUp('1990-01-01', (day) => dailyRollup(day, now));
    expect(await storage.deleteEventsBefore('1990-03-09')).toBe(1);
    expect((await storage.exportPage(inst.installationId, undefined, 10)).map((r) => r.correctedAt)).toEqual([now - DAY, now]);
    // A late event for the expired day is marked, but the roll-up of a day before the oldest kept one is not redone.
    await ingest(storage, inst, rows(inst, [usageEvent(inst, 3, now - 3 * DAY)], now));
    await storage.rollUp('1990-03-09', () => { throw new Error('an expired day is never recomputed'); });
    const [expired] = await storage.dailyRollups({ from: '1990-03-07', to: '1990-03-07', limit: 1 });
    expect(expired).toMatchObject({ events: 1, installations: 1 });
  });

  it('answers a ping', async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
  });

  it('stores each event exactly once when many writers send the same events at once', async () => {
    const inst = newInstallation();
    const events = rows(inst, Array.from({ length: 40 }, (_, k) => usageEvent(inst, k)));
    // Overlapping slices, all at once, including the very first batch of the installation.
    const slices = Array.from({ length: 12 }, (_, k) => events.slice((k * 3) % 30, ((k * 3) % 30) + 12));
    const outcomes = await Promise.all(slices.map((s) => ingest(storage, inst, s)));
    const unique = new Set(slices.flat().map((e) => e.eventId));
    expect(outcomes.every((o) => o.kind === 'stored')).toBe(true);
    expect(outcomes.reduce((n, o) => n + (o.kind === 'stored' ? o.accepted : 0), 0)).toBe(unique.size);
    const stored = await storage.exportPage(inst.installationId, undefined, 100);
    expect(stored.map((r) => r.eventId).sort()).toEqual([...unique].sort());
  });

  it('lets exactly one of two first batches with different owners record the installation', async () => {
    const inst = newInstallation();
    const rival = { ...newInstallation(), installationId: inst.installationId };
    const outcomes = await Promise.all([ingest(storage, inst, rows(inst, [usageEvent(inst)])), ingest(storage, rival, rows(rival, [usageEvent(rival)]))]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['forbidden', 'stored']);
  });
});

describe('SQLite migrations', () => {
  it('brings a database of the first schema up to date, keeping the days it had marked for the roll-up', async () => {
    const file = (await freshDatabase('sqlite')).slice('sqlite:'.length);
    const old = new Database(file);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    old.exec(SQLITE_MIGRATIONS[0]!.sql);
    old.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, ?, 0)').run(SQLITE_MIGRATIONS[0]!.name);
    old.prepare('INSERT INTO rollup_pending (day) VALUES (?)').run('2031-06-01');
    old.close();
    const storage = await openStorage(readDatabase(`sqlite:${file}`), 1);
    try {
      const accumulated: string[] = [];
      expect(await storage.rollUp('2000-01-01', (day) => { accumulated.push(day); return dailyRollup(day, 0); })).toBe(1);
      expect(accumulated).toEqual(['2031-06-01']);
      expect(await storage.rollUp('2000-01-01', () => { throw new Error('nothing is pending'); })).toBe(0);
    } finally {
      await storage.close();
    }
  });
});
