// Waiting for SQLite's write lock off the event loop (lock-wait.ts): the logic with a fake clock, then a
// real SQLite file whose lock another connection holds.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockWait } from '../src/storage/sqlite/lock-wait';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage';
import { DatabaseUnavailableError } from '../src/storage/storage';
import { checkEvents } from '../src/ingest/check-events';
import { enrich } from '../src/ingest/enrich';
import { batchOf, newInstallation, usageEvent } from './support/events';

const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

/** A clock that moves only when the code under test sleeps. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleeps,
    sleep: async (ms: number) => { sleeps.push(ms); now += ms; },
  };
}

describe('LockWait', () => {
  it('runs the work at once, in the same turn, when nothing waits and the lock is free', async () => {
    const wait = new LockWait(1000);
    let ran = false;
    const result = wait.run(() => { ran = true; return 7; });
    expect(ran).toBe(true);
    await expect(result).resolves.toBe(7);
  });

  it('retries work that finds the lock taken, a millisecond apart, until the lock is free', async () => {
    const time = fakeTime();
    const wait = new LockWait(1000, time.sleep, time.now);
    let tries = 0;
    await expect(wait.run(() => { if (++tries < 5) { throw busy(); } return 'stored'; })).resolves.toBe('stored');
    expect(tries).toBe(5);
    expect(time.sleeps).toEqual([1, 1, 1]); // the first try is at once, the second without a pause
  });

  it('gives up with the busy error once the timeout has passed', async () => {
    const time = fakeTime();
    const wait = new LockWait(50, time.sleep, time.now);
    let tries = 0;
    await expect(wait.run(() => { tries++; throw busy(); })).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(time.now()).toBe(50);
    expect(tries).toBe(52); // at once, then at 0, 1, …, 50 ms
  });

  it('is idle once every work queued so far has settled, and at once when none waits', async () => {
    const wait = new LockWait(1000);
    let idle = false;
    await wait.idle();
    let free = false;
    const queued = [wait.run(() => { if (!free) { throw busy(); } return 1; }), wait.run(() => { throw new Error('constraint failed'); })];
    const idled = wait.idle().then(() => { idle = true; });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(idle).toBe(false);
    free = true;
    await idled;
    await expect(queued[0]).resolves.toBe(1);
    await expect(queued[1]).rejects.toThrow('constraint failed');
  });

  it('does not retry other errors', async () => {
    const wait = new LockWait(1000);
    let tries = 0;
    await expect(wait.run(() => { tries++; throw new Error('constraint failed'); })).rejects.toThrow('constraint failed');
    expect(tries).toBe(1);
  });

  it('queues work behind work that waits, runs it in order of arrival, and never beside it', async () => {
    let held = true;
    const order: string[] = [];
    const wait = new LockWait(10_000);
    const write = (name: string) => wait.run(() => { if (held) { order.push(`${name} busy`); throw busy(); } order.push(name); return name; });
    const first = write('first');
    const second = write('second');
    const third = write('third');
    await new Promise((r) => setTimeout(r, 20));
    // Only the first in line has tried again while the lock was held.
    expect(new Set(order)).toEqual(new Set(['first busy']));
    held = false;
    expect(await Promise.all([first, second, third])).toEqual(['first', 'second', 'third']);
    expect(order.filter((o) => !o.endsWith('busy'))).toEqual(['first', 'second', 'third']);
  });

  it('while held, queues work without trying it, and runs it as soon as the hold is released', async () => {
    const wait = new LockWait(10_000);
    let tries = 0;
    wait.hold();
    const write = wait.run(() => { tries++; return 'stored'; });
    await new Promise((r) => setTimeout(r, 20));
    expect(tries).toBe(0);
    wait.release();
    await expect(write).resolves.toBe('stored');
    expect(tries).toBe(1);
  });

  it('refuses work held past its timeout as busy, without having tried it', async () => {
    const time = fakeTime();
    const wait = new LockWait(30, time.sleep, time.now);
    let tries = 0;
    wait.hold();
    await expect(wait.run(() => { tries++; })).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(tries).toBe(0);
    expect(time.now()).toBe(30);
  });

  it('goes on with the queue after work that failed', async () => {
    const time = fakeTime();
    const wait = new LockWait(5, time.sleep, time.now);
    let held = true;
    const first = wait.run(() => { if (held) { throw busy(); } return 1; });
    const second = wait.run(() => 2);
    await expect(first).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    held = false;
    await expect(second).resolves.toBe(2);
    await expect(wait.run(() => 3)).resolves.toBe(3);
  });
});

describe('a batch on SQLite while another connection holds the write lock', () => {
  async function withLockedFile(lockTimeoutMs: number, work: (ctx: { storage: ReturnType<typeof openSqliteStorage>; other: Database.Database }) => Promise<void>) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-lock-'));
    const file = path.join(dir, 'candor.db');
    const storage = openSqliteStorage(file, { lockTimeoutMs });
    const other = new Database(file);
    try {
      await work({ storage, other });
    } finally {
      if (other.inTransaction) { other.exec('ROLLBACK'); }
      other.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const input = () => {
    const inst = newInstallation();
    const now = Date.now();
    const events = enrich(checkEvents(batchOf(inst, [usageEvent(inst, 0), usageEvent(inst, 1)], now)).candidates, { receivedAt: now, sentAt: now });
    return { installationId: inst.installationId, ownerKeyHash: inst.hash, receivedAt: now, events };
  };

  it('waits for the lock without stopping the event loop, and is stored once the lock is free', async () => {
    await withLockedFile(5000, async ({ storage, other }) => {
      other.exec('BEGIN IMMEDIATE');
      let settled = false;
      const stored = storage.ingest(input()).finally(() => { settled = true; });
      // A blocked event loop (SQLite's own busy_timeout) would not tick at all until the lock came free.
      let ticks = 0;
      const ticker = setInterval(() => { ticks++; }, 5);
      await new Promise((r) => setTimeout(r, 300));
      clearInterval(ticker);
      expect(settled).toBe(false);
      expect(ticks).toBeGreaterThan(20);
      other.exec('COMMIT');
      expect(await stored).toEqual({ kind: 'stored', accepted: 2 });
    });
  });

  it('is refused as "database unavailable" (503) once it has waited the lock timeout, and nothing is stored', async () => {
    await withLockedFile(200, async ({ storage, other }) => {
      other.exec('BEGIN IMMEDIATE');
      const batch = input();
      const started = Date.now();
      await expect(storage.ingest(batch)).rejects.toBeInstanceOf(DatabaseUnavailableError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      other.exec('COMMIT');
      expect(await storage.exportPage(batch.installationId, undefined, 10)).toEqual([]);
      // The same batch, sent again once the lock is free, is stored.
      expect(await storage.ingest(batch)).toEqual({ kind: 'stored', accepted: 2 });
    });
  });
});
