// WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever commit fills
// the WAL, copying it into the database file and syncing it: measured here, that commit then takes 30 to
// 50 ms instead of half a millisecond, and every batch queued behind it waits as long. So the endpoint's
// connection never checkpoints; a worker thread with its own connection does, every second, in PASSIVE
// mode (it never blocks the writer). Under sustained load a PASSIVE checkpoint never catches up with the
// writer, and SQLite only starts the WAL over once everything in it was copied: measured here, the WAL
// reached 570 MB in 8 s at 485 batches/s. So once the WAL is larger than WAL_RESTART_BYTES, the worker
// runs one RESTART checkpoint: the writer waits for the rest of the copy and a sync of the database file
// (measured: about 200 ms), and the next commit starts the WAL over, truncated to JOURNAL_LIMIT_BYTES
// (journal_size_limit, on the writer's connection). The threshold is large so that such a pause comes
// once per gigabyte written (about once a minute at full load on this machine, never at ordinary
// loads), and the disk use stays bounded. If the worker fails, automatic checkpoints come back, so that
// the WAL stays bounded then too.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const pageSize = db.pragma('page_size', { simple: true });
let timer;
const checkpoint = (mode) => { try { return db.pragma('wal_checkpoint(' + mode + ')')[0]; } catch { return undefined; /* busy: next time */ } };
const tick = () => {
  const done = checkpoint('PASSIVE');
  if (done && done.log * pageSize > workerData.walLimitBytes) { checkpoint('RESTART'); }
  timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', (message) => {
  if (message !== 'stop') { return; }
  clearTimeout(timer);
  checkpoint('TRUNCATE');
  db.close();
  parentPort.postMessage('stopped');
});
tick();
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** The WAL's size beyond which the writer is made to start it over. */
export const WAL_RESTART_BYTES = 1024 * 1024 * 1024;
/** What the WAL file is truncated to when it starts over. */
export const JOURNAL_LIMIT_BYTES = 64 * 1024 * 1024;

export function startCheckpointer(file: string, onFailure: () => void, intervalMs = 1000, walLimitBytes = WAL_RESTART_BYTES): Checkpointer {
  const driver = createRequire(__filename).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, intervalMs, walLimitBytes } });
  let stopping = false;
  const failed = () => { if (!stopping) { onFailure(); } };
  worker.on('error', failed);
  worker.on('exit', failed);
  worker.unref();
  return {
    stop: () => new Promise<void>((resolve) => {
      stopping = true;
      worker.once('message', () => { void worker.terminate().then(() => resolve()); });
      worker.once('exit', () => resolve());
      worker.postMessage('stop');
    }),
  };
}
