// WAL checkpoints in a worker thread, on a real SQLite file: the worker copies the WAL into the database
// while the writer never checkpoints, truncates the WAL when stopped, and reports its own failure.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCheckpointer } from '../src/storage/sqlite/checkpointer';

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
    const checkpointer = startCheckpointer(file, () => { failed = true; }, 20);
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
    startCheckpointer(path.join(os.tmpdir(), 'no-such-folder-candor', 'x.db'), () => { failed = true; });
    const deadline = Date.now() + 10_000;
    while (!failed && Date.now() < deadline) { await new Promise((r) => setTimeout(r, 20)); }
    expect(failed).toBe(true);
  });
});

describe('the WAL under sustained writes', () => {
  // Commits of 20 KB every millisecond or so, as under full load, and a checkpoint every 100 ms: each
  // PASSIVE checkpoint has more to copy than the pause between two commits, so it never catches up, and
  // without the limit the WAL grows by everything written (measured: 30 MB of 30 MB here).
  async function walAfterSustainedWrites(walLimitBytes: number): Promise<{ walBytes: number; rows: number }> {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'candor-ckpt-')), 'x.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('wal_autocheckpoint = 0');
    db.pragma(`journal_size_limit = ${walLimitBytes}`);
    db.exec('CREATE TABLE t (v TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const batch = db.transaction(() => { for (let k = 0; k < 20; k++) { insert.run('x'.repeat(1000)); } });
    const checkpointer = startCheckpointer(file, () => {}, 100, walLimitBytes);
    let largest = 0;
    for (let i = 0; i < 1500; i++) {
      batch();
      largest = Math.max(largest, statSync(`${file}-wal`).size);
      await new Promise((r) => setTimeout(r, 1));
    }
    await checkpointer.stop();
    const rows = (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    db.close();
    rmSync(path.dirname(file), { recursive: true, force: true });
    return { walBytes: largest, rows };
  }

  it('stays near its limit: once it is larger, the writer is made to start it over', async () => {
    const bounded = await walAfterSustainedWrites(2 * 1024 * 1024);
    expect(bounded.rows).toBe(30_000);
    // Measured: about 5 MB (the limit, plus what 100 ms of writes add); 30 MB without the limit.
    expect(bounded.walBytes).toBeLessThan(16 * 1024 * 1024);
  });
});
