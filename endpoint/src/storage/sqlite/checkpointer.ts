// WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever commit fills
// the WAL, copying it into the database file and syncing it: measured here, that commit then takes 30 to
// 50 ms instead of half a millisecond, and every batch queued behind it waits as long. So the endpoint's
// connection never checkpoints; a worker thread with its own connection does, every second, in PASSIVE
// mode (it never blocks the writer). If the worker fails, automatic checkpoints come back, so that the
// WAL never grows without bound.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
let timer;
const checkpoint = (mode) => { try { db.pragma('wal_checkpoint(' + mode + ')'); } catch { /* busy: next time */ } };
const tick = () => { checkpoint('PASSIVE'); timer = setTimeout(tick, workerData.intervalMs); };
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

export function startCheckpointer(file: string, onFailure: () => void, intervalMs = 1000): Checkpointer {
  const driver = createRequire(__filename).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, intervalMs } });
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
