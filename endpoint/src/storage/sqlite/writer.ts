// A thread that commits batches (writer-thread.ts), with its own connection, used while the event loop is
// busy (commit-placement.ts). A commit on the event loop stops the whole endpoint while it runs, and while
// the kernel writes back, single commits took 10–22 ms (measured): under load every request that arrived
// meanwhile waited for it, and then for the parsing and checking of every request before it. Here the
// event loop goes on while a commit waits for the disk, and the batches that arrive meanwhile are
// committed together in the next transaction.
//
// If the thread dies, the batches it had are answered "database unavailable" (the client sends them again;
// none of them got a 2xx) and the next batch starts a new thread.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { DatabaseUnavailableError, type IngestInput, type IngestOutcome } from '../storage';
import { MARK_DAY } from './day-marks';
import { ingestTransaction } from './ingest-transaction';
import { asStorageError } from './storage-error';
import { type FromWriter, type PackedInput, type ToWriter, type WriterData, type WriterFailure, writerThread } from './writer-thread';

export interface WriterOptions {
  lockTimeoutMs: number;
  /** Batches per transaction at most (default 64: 3,200 events). */
  maxGroup?: number;
  /** After each group's commit: how many batches it held and how long it took. */
  onCommit?(batches: number, ms: number): void;
}

interface Pending { resolve(outcome: IngestOutcome): void; reject(error: Error): void }

const SOURCE = `(${writerThread.toString()})(${ingestTransaction.toString()})`;

export class Writer {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly pings = new Map<number, { resolve(): void; reject(error: Error): void }>();
  private nextId = 1;
  private held: { acknowledged: Promise<void>; acknowledge(): void } | undefined;
  private autocheckpoint = false;
  private stopping: Promise<void> | undefined;
  private readonly data: WriterData;

  constructor(file: string, private readonly options: WriterOptions) {
    this.data = {
      driver: createRequire(__filename).resolve('better-sqlite3'),
      file,
      lockTimeoutMs: options.lockTimeoutMs,
      maxGroup: options.maxGroup ?? 64,
      markDaySql: MARK_DAY,
    };
  }

  ingest(input: IngestInput): Promise<IngestOutcome> {
    if (this.stopping) { return Promise.reject(new DatabaseUnavailableError('SQLite: the endpoint is stopping')); }
    const id = this.nextId++;
    return new Promise<IngestOutcome>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.owing();
      this.send({ kind: 'ingest', id, input: pack(input) });
    });
  }

  /** Batches handed to the thread and not yet answered: while there are, it may hold the write lock. */
  get hasBatches(): boolean {
    return this.pending.size > 0;
  }

  /** Resolves once the thread (started if need be) has answered a query on its connection: batches can be committed. */
  ping(): Promise<void> {
    if (this.stopping) { return Promise.reject(new DatabaseUnavailableError('SQLite: the endpoint is stopping')); }
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pings.set(id, { resolve, reject });
      this.owing();
      this.send({ kind: 'ping', id });
    });
  }

  /** Resolves once the thread has committed what it was committing and will commit nothing until release(). */
  hold(): Promise<void> {
    if (this.held) { return this.held.acknowledged; }
    let acknowledge = () => {};
    const acknowledged = new Promise<void>((resolve) => { acknowledge = resolve; });
    this.held = { acknowledged, acknowledge };
    // No thread, no lock held: nothing to wait for (a thread started later starts held).
    if (this.worker === undefined) { acknowledge(); } else { this.send({ kind: 'hold' }); }
    return acknowledged;
  }

  release(): void {
    if (!this.held) { return; }
    this.held.acknowledge();
    this.held = undefined;
    if (this.worker) { this.send({ kind: 'release' }); }
  }

  /** The checkpoint worker failed: commits checkpoint again themselves (SQLite's default), now and in any later thread. */
  checkpointInCommits(): void {
    this.autocheckpoint = true;
    if (this.worker) { this.send({ kind: 'autocheckpoint' }); }
  }

  /** Commits what is queued and closes the thread's connection. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      const worker = this.worker;
      if (worker === undefined) { resolve(); return; }
      worker.ref();
      worker.once('exit', () => resolve());
      this.send({ kind: 'stop' });
    });
    return this.stopping;
  }

  private send(message: ToWriter): void {
    this.thread().postMessage(message);
  }

  private thread(): Worker {
    if (this.worker) { return this.worker; }
    const worker = new Worker(SOURCE, { eval: true, workerData: this.data });
    this.worker = worker;
    worker.unref();
    if (this.autocheckpoint) { worker.postMessage({ kind: 'autocheckpoint' } satisfies ToWriter); }
    if (this.held) { worker.postMessage({ kind: 'hold' } satisfies ToWriter); }
    worker.on('message', (message: FromWriter) => this.receive(message));
    const lost = (error?: Error) => this.lost(worker, error);
    worker.on('error', lost);
    worker.on('exit', () => lost());
    return worker;
  }

  private receive(message: FromWriter): void {
    switch (message.kind) {
      case 'committed':
        message.ids.forEach((id, k) => this.settle(id)?.resolve(message.outcomes[k]!));
        this.options.onCommit?.(message.ids.length, message.ms);
        break;
      case 'failed': {
        const error = asError(message.failure);
        for (const id of message.ids) { this.settle(id)?.reject(error); }
        break;
      }
      case 'pong': {
        const ping = this.pings.get(message.id);
        this.pings.delete(message.id);
        this.owed();
        ping?.resolve();
        break;
      }
      case 'held':
        this.held?.acknowledge();
        break;
    }
  }

  private settle(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    this.owed();
    return pending;
  }

  // The thread keeps the process alive only while it owes answers: an idle writer does not hold it open.
  private owing(): void {
    if (this.pending.size + this.pings.size === 1) { this.thread().ref(); }
  }

  private owed(): void {
    if (this.pending.size + this.pings.size === 0 && this.stopping === undefined) { this.worker?.unref(); }
  }

  /** The thread is gone (an error, or it stopped): what it owed is answered "unavailable"; a later batch starts a new one. */
  private lost(worker: Worker, error?: Error): void {
    if (this.worker !== worker) { return; }
    this.worker = undefined;
    const reason = new DatabaseUnavailableError(`SQLite: the writer thread stopped${error ? `: ${error.message}` : ''}`);
    for (const pending of [...this.pending.values(), ...this.pings.values()]) { pending.reject(reason); }
    this.pending.clear();
    this.pings.clear();
    // A dead thread holds no lock.
    this.held?.acknowledge();
  }
}

function pack(input: IngestInput): PackedInput {
  const n = input.events.length;
  const times = new Float64Array(3 * n);
  const ends = new Uint32Array(n);
  let ids = '';
  let days = '';
  let json = '';
  input.events.forEach((e, k) => {
    ids += `${e.eventId}\n`;
    days += `${e.day}\n`;
    json += e.json;
    ends[k] = json.length;
    times[3 * k] = e.receivedAt;
    times[3 * k + 1] = e.sentAt;
    times[3 * k + 2] = e.correctedAt;
  });
  return { installationId: input.installationId, ownerKeyHash: input.ownerKeyHash, receivedAt: input.receivedAt, ids, days, times, json, ends };
}

function asError(failure: WriterFailure): Error {
  return asStorageError(Object.assign(new Error(failure.message), { code: failure.code })) as Error;
}
