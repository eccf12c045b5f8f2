// WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever commit fills
// the WAL, copying it into the database file and syncing it: measured here, that commit then takes 30 to
// 50 ms instead of half a millisecond, and every batch queued behind it waits as long. So the endpoint's
// connection never checkpoints; a worker thread with its own connection does, four times a second, in
// PASSIVE mode (it never blocks the writer).
//
// SQLite starts the WAL over only when a commit finds all of it copied, and a PASSIVE checkpoint copies
// only what was committed before it began: under a steady stream of batches, commits land while it
// copies and syncs, so one pass never ends with everything copied, and the WAL grew by everything
// written (measured: 16 MB/s at 150 batches/s, 20 MB/s at 224, 570 MB in 8 s at 485). So each round
// runs further passes while commits landed during the one before (checkpoint-passes.ts): each has less
// to copy than the one before, and with a few milliseconds between commits one soon has nothing landing
// during it, and the next commit starts the WAL over. Measured at 150 batches/s (the latency
// rate), the WAL then held at most 12–48 MB and was never made to start over; with one pass it reached
// the limit every 17 s. At 250 batches/s and more the passes no longer catch up (a pass begins by
// syncing the WAL, which takes longer than the gap between commits). So once the WAL is larger than
// WAL_RESTART_BYTES, the worker runs one RESTART checkpoint: the endpoint's writers are held (announced
// by 'hold': the writer thread finishes its commit and waits, writer.ts; the endpoint's own connection
// waits in lock-wait.ts; neither competes for the lock, and the event loop goes on) while the rest is
// copied and the database file synced, and the next commit starts the WAL over from its beginning.
//
// That sync is what the writer waits for. A PASSIVE checkpoint that does not reach the end of the WAL does
// not sync the database file, so the pages it copies pile up unsynced, and the RESTART had to sync all of
// them: 300–450 ms measured at 256 MB, about a second at 1 GiB. So the worker syncs the database file
// itself after each checkpoint that copied pages, holding no lock, and a RESTART then held the writer
// 3–30 ms at half load (measured). Four small syncs a second disturb the writer's own WAL writes less
// than one large one: with a sync every second, ordinary batches met 20–50 ms pauses every few seconds;
// syncing only before a RESTART, one of up to 250 ms.
//
// The WAL file keeps its size and is written over, not truncated, while the endpoint runs (truncating
// 1 GiB in the commit that starts it over took the writer about a second, measured), so it takes at most
// about WAL_RESTART_BYTES plus a moment's writes on disk; it is truncated when the endpoint stops. If the
// worker fails, automatic checkpoints come back, so that the WAL stays bounded then too.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { checkpointPasses } from './checkpoint-passes';

/**
 * Passes per round at most. Under full load the passes never catch up (commits come faster than a pass
 * ends), and each pass syncs the WAL; the RESTART at WAL_RESTART_BYTES bounds the WAL then.
 */
const MAX_PASSES = 4;

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { fdatasyncSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const pageSize = db.pragma('page_size', { simple: true });
let timer;
let stopped = false;
let lastSynced = 0;
const checkpoint = (mode) => { try { return db.pragma('wal_checkpoint(' + mode + ')')[0]; } catch { return undefined; /* busy: next time */ } };
const report = (done, syncedDatabase, restartMs) => parentPort.postMessage({
  kind: 'checkpoint', walBytes: done ? done.log * pageSize : undefined, copiedBytes: done ? done.checkpointed * pageSize : undefined, syncedDatabase, restartMs,
});
const checkpointPasses = ${checkpointPasses.toString()};
const tick = () => {
  const done = checkpointPasses(() => checkpoint('PASSIVE'), ${MAX_PASSES});
  // Sync what this checkpoint copied, holding no lock (see the top of checkpointer.ts).
  let synced = false;
  if (done && done.checkpointed > 0 && done.checkpointed !== lastSynced && workerData.syncFd !== undefined) {
    try { fdatasyncSync(workerData.syncFd); synced = true; lastSynced = done.checkpointed; } catch { /* the RESTART syncs */ }
  }
  report(done, synced, undefined);
  if (done && done.log * pageSize > workerData.walLimitBytes) {
    // The endpoint holds its writes first (lock-wait.ts) and answers 'holding'; the RESTART follows then.
    parentPort.postMessage('hold');
    return;
  }
  timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', (message) => {
  if (stopped) { return; }
  if (message === 'holding') {
    const started = performance.now();
    const done = checkpoint('RESTART');
    const restartMs = performance.now() - started;
    parentPort.postMessage('release');
    lastSynced = 0;
    report(done, false, restartMs);
    timer = setTimeout(tick, workerData.intervalMs);
  } else if (message === 'stop') {
    stopped = true;
    clearTimeout(timer);
    checkpoint('TRUNCATE');
    db.close();
    parentPort.postMessage('stopped');
  }
});
tick();
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** The WAL's size beyond which the writer is made to start it over: every 13 s at half of this machine's full rate. */
export const WAL_RESTART_BYTES = 256 * 1024 * 1024;

/** What one round of the worker did. */
export interface CheckpointReport {
  /** The WAL's contents after the checkpoint (undefined: the checkpoint could not run, e.g. busy). */
  walBytes: number | undefined;
  /** How much of it is copied into the database file. */
  copiedBytes: number | undefined;
  /** Whether the database file was synced after the copy, off the lock. */
  syncedDatabase: boolean;
  /** Set when the WAL was made to start over: how long the writer was held. */
  restartMs: number | undefined;
}

export interface CheckpointerOptions {
  /** The worker cannot run: the writer should checkpoint again itself. */
  onFailure(): void;
  /**
   * An open descriptor of the database file, for the worker to sync it after each checkpoint. Owned by
   * the caller, who closes it only after every connection to the file: closing any descriptor of a file
   * drops all of the process's POSIX locks on it, SQLite's included.
   */
  syncFd?: number;
  onCheckpoint?(report: CheckpointReport): void;
  /** The worker is about to take the write lock: the endpoint's connections should try no write until release(); it takes the lock once this resolves. */
  hold?(): void | Promise<void>;
  release?(): void;
  intervalMs?: number;
  walLimitBytes?: number;
}

export function startCheckpointer(file: string, options: CheckpointerOptions): Checkpointer {
  const intervalMs = options.intervalMs ?? 250;
  const walLimitBytes = options.walLimitBytes ?? WAL_RESTART_BYTES;
  const driver = createRequire(__filename).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, intervalMs, walLimitBytes, syncFd: options.syncFd } });
  let stopping: Promise<void> | undefined;
  let stopped = () => {};
  let holding = false;
  const release = () => { if (holding) { holding = false; options.release?.(); } };
  const failed = () => {
    release();
    if (stopping === undefined) { options.onFailure(); }
  };
  worker.on('error', failed);
  worker.on('exit', failed);
  worker.on('message', (message: unknown) => {
    if (message === 'hold') {
      // Between two messages no synchronous SQLite call of this thread is running: from here on, the
      // endpoint's connection holds no lock until release; the writer thread's, once hold() resolves.
      holding = true;
      void Promise.resolve(options.hold?.()).then(() => { if (holding) { worker.postMessage('holding'); } });
    } else if (message === 'release') {
      release();
    } else if (message === 'stopped') {
      stopped();
    } else if ((message as { kind?: unknown }).kind === 'checkpoint') {
      options.onCheckpoint?.(message as CheckpointReport);
    }
  });
  worker.unref();
  return {
    // Once: a second stop() (a storage closed twice) gets the first one's promise, not a wait for a worker that is gone.
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        // Keeps the process alive until the worker has truncated the WAL and closed its connection.
        worker.ref();
        // A hold the worker asked for just before it read 'stop' is never followed by its RESTART.
        const done = () => { release(); resolve(); };
        stopped = () => { void worker.terminate().then(done); };
        worker.once('exit', done);
        worker.postMessage('stop');
      });
      return stopping;
    },
  };
}
