// The storage contract, run the same on SQLite and PostgreSQL: ownership, dedupe per installation,
// export order and paging, deletion, retention, the daily roll-up, and (on PostgreSQL) concurrent writers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CandorEvent } from '../../generated/types';
import { dailyRollup } from '../src/analytics/summarise';
import { checkEvents } from '../src/ingest/check-events';
import { enrich } from '../src/ingest/enrich';
import { readDatabase } from '../src/config/options';
import { openStorage } from '../src/storage/open-storage';
import type { EventRow, Storage } from '../src/storage/storage';
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
