// The body of the SQLite writer thread (writer.ts starts it). writer.ts hands the thread this function's
// source, so the function uses nothing from outside its own body but `require`, globals and its
// argument; the types below are erased.
//
// Batches are committed in groups: every batch that arrived while the last commit ran goes into the next
// transaction, each batch with its own owner check and outcome. A commit that waits for the disk then
// delays only the batches that came meanwhile, which it commits together, and the event loop of the
// endpoint goes on parsing and checking the next ones.
import type BetterSqlite3 from 'better-sqlite3';
import type { IngestInput, IngestOutcome } from '../storage';
import type { ingestTransaction } from './ingest-transaction';

export interface WriterData {
  /** better-sqlite3's resolved path, so that the thread loads the same driver as the endpoint. */
  driver: string;
  file: string;
  /** How long a group waits for the write lock (held by another process, or by a roll-up) before it fails busy. */
  lockTimeoutMs: number;
  /** At most this many batches per transaction, so that no commit grows without bound under a backlog. */
  maxGroup: number;
  /** The statement that marks a day for the roll-up (day-marks.ts; this thread cannot import it). */
  markDaySql: string;
}

/**
 * One batch's input as it crosses to the thread: its events' texts joined into one string, their ids and
 * days into one each, their times in one array. Copying 50 rows of objects between threads cost the event
 * loop 110–230 µs a batch (measured in the endpoint), several times what copying these few values does.
 */
export interface PackedInput {
  installationId: string;
  ownerKeyHash: string;
  receivedAt: number;
  /** The events' ids, each followed by a newline (an event id holds none: the route checked it). */
  ids: string;
  /** The events' UTC days, each followed by a newline. */
  days: string;
  /** receivedAt, sentAt, correctedAt of each event, in turn. */
  times: Float64Array;
  /** The events' JSON texts one after another, and where each ends. */
  json: string;
  ends: Uint32Array;
}

export type ToWriter =
  | { kind: 'ingest'; id: number; input: PackedInput }
  /** Answered 'pong' once the thread's connection has answered a query, between two commits (readiness). */
  | { kind: 'ping'; id: number }
  /** Commit nothing until 'release' (the checkpoint worker needs the lock); answered 'held'. */
  | { kind: 'hold' }
  | { kind: 'release' }
  /** The checkpoint worker failed: this connection checkpoints again itself, as SQLite does by default. */
  | { kind: 'autocheckpoint' }
  /** Commit what is queued, close the connection and end the thread. */
  | { kind: 'stop' };

export type WriterFailure = { code: string; message: string };

export type FromWriter =
  | { kind: 'committed'; ids: number[]; outcomes: IngestOutcome[]; ms: number }
  | { kind: 'failed'; ids: number[]; failure: WriterFailure }
  | { kind: 'pong'; id: number }
  | { kind: 'held' };

/** `makeIngestTransaction`: ingest-transaction.ts's function, handed over as source too (writer.ts). */
export function writerThread(makeIngestTransaction: typeof ingestTransaction): void {
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const Database = require((workerData as WriterData).driver) as typeof BetterSqlite3;
  const data = workerData as WriterData;
  const port = parentPort!;

  // The endpoint made the file and its tables: one that is gone is a fault, not a new, empty database.
  const db = new Database(data.file, { fileMustExist: true });
  // Per connection: the same durability as the endpoint's own connection (see sqlite-storage.ts), and no
  // checkpoint inside a commit (the checkpoint worker does them). A held lock is waited for below, in
  // steps of a millisecond: SQLite's own busy handler sleeps up to 100 ms at a time.
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('busy_timeout = 0');

  const ingestGroup = makeIngestTransaction(db, data.markDaySql);

  const unpack = (p: PackedInput): IngestInput => {
    const ids = p.ids.split('\n');
    const days = p.days.split('\n');
    const events = new Array<IngestInput['events'][number]>(p.ends.length);
    for (let k = 0, start = 0; k < p.ends.length; start = p.ends[k]!, k++) {
      events[k] = {
        eventId: ids[k]!, day: days[k]!, json: p.json.slice(start, p.ends[k]),
        receivedAt: p.times[3 * k]!, sentAt: p.times[3 * k + 1]!, correctedAt: p.times[3 * k + 2]!,
      };
    }
    return { installationId: p.installationId, ownerKeyHash: p.ownerKeyHash, receivedAt: p.receivedAt, events };
  };
  const isBusy = (error: unknown) => String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const post = (message: FromWriter) => port.postMessage(message);

  const queue: { id: number; input: PackedInput }[] = [];
  let held = false;
  let scheduled = false;
  let stopping = false;

  const commit = (group: { id: number; input: PackedInput }[]) => {
    const ids = group.map((m) => m.id);
    const started = performance.now();
    const deadline = Date.now() + data.lockTimeoutMs;
    for (;;) {
      try {
        const outcomes = ingestGroup.immediate(group.map((m) => unpack(m.input)));
        post({ kind: 'committed', ids, outcomes, ms: performance.now() - started });
        return;
      } catch (error) {
        if (isBusy(error) && Date.now() < deadline) { Atomics.wait(pause, 0, 0, 1); continue; }
        // A fault that is not "later" may be one batch's: each is tried alone, so that it fails no other.
        if (!isBusy(error) && group.length > 1) { for (const one of group) { commit([one]); } return; }
        const e = error as { code?: unknown; message?: unknown };
        post({ kind: 'failed', ids, failure: { code: typeof e.code === 'string' ? e.code : 'ERROR', message: String(e.message ?? error) } });
        return;
      }
    }
  };
  const commitNext = () => {
    scheduled = false;
    if (held || queue.length === 0) { return; }
    commit(queue.splice(0, data.maxGroup));
    schedule();
  };
  // setImmediate runs after the messages that arrived meanwhile have been taken in: they join this group.
  const schedule = () => {
    if (scheduled || held || queue.length === 0) { return; }
    scheduled = true;
    setImmediate(commitNext);
  };

  port.on('message', (message: ToWriter) => {
    switch (message.kind) {
      case 'ingest':
        queue.push({ id: message.id, input: message.input });
        schedule();
        break;
      case 'ping':
        db.prepare('SELECT 1').get();
        post({ kind: 'pong', id: message.id });
        break;
      case 'hold':
        // Between two messages no transaction of this thread is open.
        held = true;
        post({ kind: 'held' });
        break;
      case 'release':
        held = false;
        if (stopping) { stop(); } else { schedule(); }
        break;
      case 'autocheckpoint':
        db.pragma('wal_autocheckpoint = 1000');
        break;
      case 'stop':
        stopping = true;
        if (!held) { stop(); }
        break;
    }
  });

  const stop = () => {
    while (queue.length > 0) { commitNext(); }
    db.close();
    port.close();
  };
}
