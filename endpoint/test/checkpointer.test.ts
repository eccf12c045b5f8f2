// WAL checkpoints in a worker thread, on a real SQLite file: the worker copies the WAL into the database
// while the writer never checkpoints, truncates the WAL when stopped, and reports its own failure.
import Database from 'better-sqlite3';
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CheckpointReport, startCheckpointer } from '../src/storage/sqlite/checkpointer';
import { LockWait } from '../src/storage/sqlite/lock-wait';

describe('the checkpointer', () => {
  it('moves the WAL into the database file off the writer, and truncates it when stopped', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'candor-ckpt-')), 'x.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (v TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    db.transaction(() => { for (let k = 0; k < 2000; k++) { insert.run('x'.repeat(1000)); } })();
    // The writer alone never checkpoints: everything is still in the WAL.
    expect(statSync(file).size).toBeLessThan(64 * 1024);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(2_000_000);
    let failed = false;
    const checkpointer = startCheckpointer(file, { onFailure: () => { failed = true; }, intervalMs: 20 });
    const deadline = Date.now() + 10_000;
    while (statSync(file).size < 2_000_000 && Date.now() < deadline) { await new Promise((r) => setTimeout(r, 20)); }
    expect(statSync(file).size).toBeGreaterThan(2_000_000);
    await checkpointer.stop();
    expect(statSync(`${file}-wal`).size).toBe(0);
    expect(failed).toBe(false);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2000 });
    db.close();
    rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('reports a worker that cannot run, so that the writer checkpoints again', async () => {
    let failed = false;
    startCheckpointer(path.join(os.tmpdir(), 'no-such-folder-candor', 'x.db'), { onFailure: () => { failed = true; } });
    const deadline = Date.now() + 10_000;
    while (!failed && Date.now() < deadline) { await new Promise((r) => setTimeout(r, 20)); }
    expect(failed).toBe(true);
  });
});

describe('the WAL under sustained writes', () => {
  // Commits of 20 KB every millisecond or so, as under full load, and a checkpoint every 100 ms: each
  // PASSIVE checkpoint has more to copy than the pause between two commits, so it never catches up, and
  // without the limit the WAL grows by everything written (measured: 30 MB of 30 MB here). The writer is
  // set up as the endpoint's: no busy_timeout, its writes through a LockWait that the worker holds.
  async function walAfterSustainedWrites(walLimitBytes: number) {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'candor-ckpt-')), 'x.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 0');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (v TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const batch = db.transaction(() => { for (let k = 0; k < 20; k++) { insert.run('x'.repeat(1000)); } });
    const lock = new LockWait(5000);
    const signals: string[] = [];
    const reports: CheckpointReport[] = [];
    const syncFd = openSync(file, 'r');
    const checkpointer = startCheckpointer(file, {
      onFailure: () => {}, intervalMs: 100, walLimitBytes, syncFd, onCheckpoint: (r) => reports.push(r),
      hold: () => { signals.push('hold'); lock.hold(); },
      release: () => { signals.push('release'); lock.release(); },
    });
    let largest = 0;
    for (let i = 0; i < 1500; i++) {
      await lock.run(() => batch.immediate());
      largest = Math.max(largest, statSync(`${file}-wal`).size);
      await new Promise((r) => setTimeout(r, 1));
    }
    await checkpointer.stop();
    const rows = (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    db.close();
    closeSync(syncFd);
    rmSync(path.dirname(file), { recursive: true, force: true });
    return { walBytes: largest, rows, signals, reports };
  }

  it('stays near its limit: once it is larger, the writer is held while the worker starts it over', async () => {
    const bounded = await walAfterSustainedWrites(2 * 1024 * 1024);
    expect(bounded.rows).toBe(30_000);
    // Measured: about 5 MB (the limit, plus what 100 ms of writes add); 30 MB without the limit.
    expect(bounded.walBytes).toBeLessThan(16 * 1024 * 1024);
    // Each start-over was announced and ended: the writer never stays held.
    expect(bounded.signals.length).toBeGreaterThanOrEqual(2);
    expect(bounded.signals.join(' ')).toMatch(/^(hold release ?)+$/);
    // Each hold was followed by its RESTART, except one the worker asked for as it was being stopped.
    expect(bounded.reports.filter((r) => r.restartMs !== undefined).length).toBeGreaterThanOrEqual(bounded.signals.length / 2 - 1);
  });

  it('syncs the database file after each checkpoint that copied pages, off the lock, so that a RESTART has little left to sync', async () => {
    const { reports } = await walAfterSustainedWrites(2 * 1024 * 1024);
    const passive = reports.filter((r) => r.restartMs === undefined && (r.copiedBytes ?? 0) > 0);
    expect(passive.length).toBeGreaterThan(5);
    // A PASSIVE checkpoint under a stream of commits never reaches the end of the WAL, so SQLite alone
    // would have synced none of these.
    expect(passive.every((r) => r.syncedDatabase)).toBe(true);
  });
});
