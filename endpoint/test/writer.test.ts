// The SQLite writer thread on a real file: batches that arrive together are committed together, each with
// its own outcome; held, it commits nothing until released; stopped, it commits what it was given first;
// a thread that dies costs its batches a 503, not the endpoint, and the next batch starts a new one.
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEvents } from '../src/ingest/check-events';
import { enrich } from '../src/ingest/enrich';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage';
import { Writer } from '../src/storage/sqlite/writer';
import { DatabaseUnavailableError, type IngestInput } from '../src/storage/storage';
import { type Installation, batchOf, mixedEvents, newInstallation } from './support/events';
import { scratchFiles } from './support/scratch-files';

const scratchFile = scratchFiles('candor-writer-');

/** A database file with the endpoint's tables, made by the storage itself, and closed again. */
async function migratedFile(): Promise<string> {
  const file = scratchFile();
  await openSqliteStorage(file).close();
  return file;
}

function inputOf(inst: Installation, events = 5, ownerKeyHash = inst.hash): IngestInput {
  const now = Date.now();
  const checked = checkEvents(batchOf(inst, mixedEvents(inst, events, now), now));
  return { installationId: inst.installationId, ownerKeyHash, receivedAt: now, events: enrich(checked.candidates, { receivedAt: now, sentAt: now }) };
}

const count = (file: string) => {
  const db = new Database(file, { readonly: true });
  try { return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n; } finally { db.close(); }
};

describe('the SQLite writer thread', () => {
  it('commits batches that arrive together in one transaction, each with its own owner check and outcome', async () => {
    const file = await migratedFile();
    const commits: number[] = [];
    const writer = new Writer(file, { lockTimeoutMs: 5000, onCommit: (batches) => commits.push(batches) });
    const owners = Array.from({ length: 20 }, () => newInstallation());
    const first = inputOf(owners[0]!);
    await writer.ingest(first);
    commits.length = 0;
    // Handed over in one turn of the event loop: the thread finds them all queued.
    const outcomes = await Promise.all([
      ...owners.map((inst) => writer.ingest(inputOf(inst))),
      writer.ingest(inputOf(owners[0]!, 5, newInstallation().hash)),
      writer.ingest(first),
    ]);
    await writer.stop();
    expect(outcomes.slice(0, 20)).toEqual(owners.map(() => ({ kind: 'stored', accepted: 5 })));
    // Another owner key hash is refused alone; the group around it is committed.
    expect(outcomes[20]).toEqual({ kind: 'forbidden' });
    expect(outcomes[21]).toEqual({ kind: 'stored', accepted: 0 });
    expect(commits.reduce((a, b) => a + b, 0)).toBe(22);
    expect(commits.length).toBeLessThan(22);
    expect(Math.max(...commits)).toBeGreaterThan(1);
    expect(count(file)).toBe(5 + 20 * 5);
  });

  it('keeps each group within its limit of batches', async () => {
    const file = await migratedFile();
    const commits: number[] = [];
    const writer = new Writer(file, { lockTimeoutMs: 5000, maxGroup: 4, onCommit: (batches) => commits.push(batches) });
    await Promise.all(Array.from({ length: 17 }, () => writer.ingest(inputOf(newInstallation(), 2))));
    await writer.stop();
    expect(commits.reduce((a, b) => a + b, 0)).toBe(17);
    expect(Math.max(...commits)).toBeLessThanOrEqual(4);
    expect(count(file)).toBe(34);
  });

  it('fails only the batch at fault when a group cannot be committed, and commits the others of its group', async () => {
    const file = await migratedFile();
    const writer = new Writer(file, { lockTimeoutMs: 5000 });
    // No owner key hash for a new installation: its insert throws, a fault (not "later").
    const broken = { ...inputOf(newInstallation()), ownerKeyHash: undefined as unknown as string };
    const outcomes = await Promise.allSettled([
      writer.ingest(inputOf(newInstallation())), writer.ingest(broken), writer.ingest(inputOf(newInstallation())),
    ]);
    await writer.stop();
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (outcomes[1] as PromiseRejectedResult).reason;
    expect(reason).not.toBeInstanceOf(DatabaseUnavailableError);
    expect(String(reason.message)).toMatch(/NOT NULL/);
    expect(count(file)).toBe(10);
  });

  it('commits nothing while held, and what waited once released', async () => {
    const file = await migratedFile();
    const writer = new Writer(file, { lockTimeoutMs: 5000 });
    await writer.ingest(inputOf(newInstallation()));
    await writer.hold();
    let settled = false;
    const waiting = writer.ingest(inputOf(newInstallation())).finally(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    expect(count(file)).toBe(5);
    writer.release();
    expect(await waiting).toEqual({ kind: 'stored', accepted: 5 });
    await writer.stop();
    expect(count(file)).toBe(10);
  });

  it('commits every batch it was given before it stops, and refuses later ones as unavailable', async () => {
    const file = await migratedFile();
    const writer = new Writer(file, { lockTimeoutMs: 5000 });
    const given = Array.from({ length: 30 }, () => writer.ingest(inputOf(newInstallation(), 3)));
    const stopped = writer.stop();
    await expect(writer.ingest(inputOf(newInstallation()))).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await stopped;
    expect((await Promise.all(given)).every((o) => o.kind === 'stored' && o.accepted === 3)).toBe(true);
    expect(count(file)).toBe(90);
  });

  it('answers "unavailable" for the batches of a thread that cannot run, and starts a new thread for the next batch', async () => {
    // A file without the endpoint's tables: the thread fails as it prepares its statements.
    const file = scratchFile();
    new Database(file).close();
    const writer = new Writer(file, { lockTimeoutMs: 5000 });
    const inst = newInstallation();
    const lost = await Promise.allSettled([writer.ingest(inputOf(inst)), writer.ingest(inputOf(inst))]);
    for (const outcome of lost) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(DatabaseUnavailableError);
    }
    await expect(writer.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await openSqliteStorage(file).close();
    await writer.ping();
    expect(await writer.ingest(inputOf(inst))).toEqual({ kind: 'stored', accepted: 5 });
    await writer.stop();
  });

  it('does not make a new, empty database where the file has gone', async () => {
    const file = path.join(path.dirname(await migratedFile()), 'gone.db');
    const writer = new Writer(file, { lockTimeoutMs: 5000 });
    await expect(writer.ingest(inputOf(newInstallation()))).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(existsSync(file)).toBe(false);
    await writer.stop();
  });

  it('makes the storage unready (its ping fails) while the thread cannot run, and ready again once it can', async () => {
    const file = await migratedFile();
    const other = new Database(file);
    const storage = openSqliteStorage(file);
    try {
      // Before the thread has started: without the events table it cannot prepare its statements.
      other.exec('ALTER TABLE events RENAME TO events_away');
      await expect(storage.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
      other.exec('ALTER TABLE events_away RENAME TO events');
      await storage.ping();
      expect(await storage.ingest(inputOf(newInstallation()))).toEqual({ kind: 'stored', accepted: 5 });
    } finally {
      other.close();
      await storage.close();
    }
  });

  it('checkpoints in its own commits once told that the checkpoint worker is gone, so that the WAL stays bounded', async () => {
    const wal = async (checkpointInCommits: boolean) => {
      const file = await migratedFile();
      const writer = new Writer(file, { lockTimeoutMs: 5000 });
      if (checkpointInCommits) { writer.checkpointInCommits(); }
      // About 10 MB of WAL pages (80 KB a batch), more than SQLite's automatic checkpoint lets it hold (1,000 pages).
      for (let k = 0; k < 125; k++) { await writer.ingest(inputOf(newInstallation(), 50)); }
      const size = statSync(`${file}-wal`).size;
      await writer.stop();
      return size;
    };
    const without = await wal(false);
    const withCheckpoints = await wal(true);
    expect(without).toBeGreaterThan(8 * 1024 * 1024);
    expect(withCheckpoints).toBeLessThan(6 * 1024 * 1024);
  });
});
