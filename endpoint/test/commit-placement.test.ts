// Where SQLite batches are committed (commit-placement.ts): in the event loop while it has time to spare,
// in the writer thread while it is busy or the thread has batches; the same outcomes in both places; and
// a storage that closes answers every batch it took, wherever it waited.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkEvents } from '../src/ingest/check-events';
import { enrich } from '../src/ingest/enrich';
import { type CommitPlace, CommitPlacement } from '../src/storage/sqlite/commit-placement';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage';
import { DatabaseUnavailableError, type IngestInput } from '../src/storage/storage';
import { type Installation, batchOf, mixedEvents, newInstallation } from './support/events';
import { scratchFiles } from './support/scratch-files';

const scratchFile = scratchFiles('candor-placement-');

function inputOf(inst: Installation, ownerKeyHash = inst.hash): IngestInput {
  const now = Date.now();
  const checked = checkEvents(batchOf(inst, mixedEvents(inst, 5, now), now));
  return { installationId: inst.installationId, ownerKeyHash, receivedAt: now, events: enrich(checked.candidates, { receivedAt: now, sentAt: now }) };
}

const count = (file: string) => {
  const db = new Database(file, { readonly: true });
  try { return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n; } finally { db.close(); }
};

/** Keeps the event loop busy for `ms`, as parsing and checking a stream of batches does. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* busy */ }
}

describe('the placement of a commit', () => {
  const placement = (utilisations: number[]) => {
    let now = 0;
    const measured: number[] = [];
    const p = new CommitPlacement(() => now, () => { const u = utilisations.shift() ?? 0; measured.push(u); return u; }, { busyUtilisation: 0.7, windowMs: 100 });
    return { p, measured, advance: (ms: number) => { now += ms; } };
  };

  it('commits in the event loop while it has time to spare', () => {
    const { p, advance } = placement([0.2, 0.69]);
    expect(p.place(false)).toBe('event-loop');
    advance(150);
    expect(p.place(false)).toBe('event-loop');
    advance(150);
    expect(p.place(false)).toBe('event-loop');
  });

  it('hands batches to the thread while the thread has batches, however idle the event loop', () => {
    const { p } = placement([]);
    expect(p.place(true)).toBe('writer-thread');
    expect(p.place(false)).toBe('event-loop');
  });

  it('hands batches to the thread while the event loop is busy, measured at most once per window', () => {
    const { p, measured, advance } = placement([0.9, 0.1]);
    advance(100);
    expect(p.place(false)).toBe('writer-thread');
    advance(99);
    // Still the last measurement: no new one within the window.
    expect(p.place(false)).toBe('writer-thread');
    expect(measured).toEqual([0.9]);
    advance(1);
    expect(p.place(false)).toBe('event-loop');
    expect(measured).toEqual([0.9, 0.1]);
  });
});

describe('SQLite commits in both places', () => {
  it('commits an idle endpoint\'s batch in the event loop and a busy one\'s in the thread, with the same outcomes', async () => {
    const file = scratchFile();
    const places: CommitPlace[] = [];
    const storage = openSqliteStorage(file, { onCommit: (_batches, _ms, place) => places.push(place) });
    try {
      const [a, b] = [newInstallation(), newInstallation()];
      const [ofA, ofB] = [inputOf(a), inputOf(b)];
      const idle = () => new Promise((resolve) => setTimeout(resolve, 150));
      // The thread started and answering, so that starting it costs no time below.
      await storage.ping();
      const outcomes = [];
      // Idle: in the event loop. New, sent again, another owner.
      await idle();
      outcomes.push(await storage.ingest(ofA), await storage.ingest(ofA), await storage.ingest(inputOf(a, b.hash)));
      // Busy: in the thread, whether or not a new window was measured since.
      for (const input of [ofB, ofB, inputOf(b, a.hash)]) {
        spin(150);
        outcomes.push(await storage.ingest(input));
      }
      // Idle again once a window has passed with nothing to do.
      await idle();
      outcomes.push(await storage.ingest(inputOf(newInstallation())));
      expect(places).toEqual(['event-loop', 'event-loop', 'event-loop', 'writer-thread', 'writer-thread', 'writer-thread', 'event-loop']);
      // What /metrics shows (health.ts): the batches and their commits' time by place.
      const { commits } = storage.health!();
      expect(commits.map((c) => [c.place, c.batches])).toEqual([['event-loop', 4], ['writer-thread', 3]]);
      expect(commits.every((c) => c.seconds > 0)).toBe(true);
      const stored = (accepted: number) => ({ kind: 'stored', accepted });
      expect(outcomes).toEqual([stored(5), stored(0), { kind: 'forbidden' }, stored(5), stored(0), { kind: 'forbidden' }, stored(5)]);
    } finally {
      await storage.close();
    }
    expect(count(file)).toBe(15);
  });

  it('answers a batch that waits for the lock in the event loop before it closes, and refuses later ones as unavailable', { timeout: 20_000 }, async () => {
    const file = scratchFile();
    // The batch waits longer than the checkpoint worker, which gives up its last checkpoint after 5 s
    // (checkpointer.ts) and so does not keep the connection open meanwhile: closing must wait for the batch.
    const storage = openSqliteStorage(file, { lockTimeoutMs: 10_000 });
    // Another process's writer holds the lock: the batch waits for it (lock-wait.ts).
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const waiting = storage.ingest(inputOf(newInstallation()));
    const closed = storage.close();
    await expect(storage.ingest(inputOf(newInstallation()))).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    other.exec('COMMIT');
    other.close();
    expect(await waiting).toEqual({ kind: 'stored', accepted: 5 });
    await closed;
    expect(count(file)).toBe(5);
  });
});
