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
