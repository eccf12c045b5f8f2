// Storage on an embedded SQLite file (better-sqlite3). WAL lets readers run beside the one writer;
// synchronous=NORMAL makes a commit durable against a crash or kill of the process (the WAL is in the
// operating system's hands once the transaction returns), though not against a power loss, which may
// lose the last commits. A batch is committed either on the endpoint's own connection or in a thread of
// its own, several per transaction (writer.ts), whichever commit-placement.ts finds faster at the time.
// Reads and the rare other writes (deletion, retention, roll-ups) run on the endpoint's own connection,
// each write one IMMEDIATE transaction that, when the write lock is held elsewhere (the writer thread,
// the checkpoint worker, another process on the same file), waits in lock-wait.ts, off the event loop,
// instead of failing. Checkpoints run in a worker thread (checkpointer.ts).
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { dayOf, dayRange } from '../../calendar';
import {
  DatabaseUnavailableError, type DayAccumulator, type DeleteOutcome, type ExportRow, type Holding, type IngestInput,
  type IngestOutcome, type RollupQuery, type RollupRow, type Storage, type StorageHealth,
} from '../storage';
import { type Checkpointer, startCheckpointer } from './checkpointer';
import { type CommitPlace, CommitPlacement, eventLoopUtilisation } from './commit-placement';
import { MARK_DAY } from './day-marks';
import { SqliteHealth } from './health';
import { type IngestTransaction, ingestTransaction } from './ingest-transaction';
import { LockWait } from './lock-wait';
import { asStorageError } from './storage-error';
import { Writer } from './writer';
import { MIGRATIONS } from './migrations';

export interface SqliteOptions {
  /** How long a write waits for the lock before it is answered 503 (retry later). */
  lockTimeoutMs?: number;
  /** The WAL's size beyond which it is started over (checkpointer.ts); the tests use a small one. */
  walLimitBytes?: number;
  /** After each commit of batches: how many it held, how long it took (ms), and where it ran. */
  onCommit?(batches: number, ms: number, place: CommitPlace): void;
}

export function openSqliteStorage(file: string, options: SqliteOptions = {}): Storage {
  const lockTimeoutMs = options.lockTimeoutMs ?? LOCK_TIMEOUT_MS;
  // The writer thread opens the file by name: an in-memory database would be a second, empty one there.
  if (file === ':memory:' || file === '') { throw new Error('SQLite storage needs a file, not an in-memory database'); }
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  // While opening, SQLite itself waits for another process that holds the file (nothing is served yet).
  db.pragma(`busy_timeout = ${lockTimeoutMs}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  // From here on, waiting for the lock is LockWait's, off the event loop.
  db.pragma('busy_timeout = 0');
  const lock = new LockWait(lockTimeoutMs);
  const health = new SqliteHealth();
  const onCommit = (batches: number, ms: number, place: CommitPlace) => {
    health.committed(place, batches, ms);
    options.onCommit?.(batches, ms, place);
  };
  const writer = new Writer(file, { lockTimeoutMs, onCommit: (batches, ms) => onCommit(batches, ms, 'writer-thread') });
  db.pragma('wal_autocheckpoint = 0');
  const syncFd = openSync(file, 'r');
  const checkpointer = startCheckpointer(file, {
    onFailure: () => {
      if (db.open) { db.pragma('wal_autocheckpoint = 1000'); }
      writer.checkpointInCommits();
    },
    // Both connections of this process stop writing before the worker takes the lock.
    hold: () => { lock.hold(); return writer.hold(); },
    release: () => { lock.release(); writer.release(); },
    syncFd,
    walLimitBytes: options.walLimitBytes,
    onCheckpoint: (report) => health.checkpointed(report),
  });
  const placement = new CommitPlacement(() => performance.now(), eventLoopUtilisation(performance));
  return new SqliteStorage(db, { checkpointer, syncFd, health }, lock, { writer, placement, onCommit });
}

const LOCK_TIMEOUT_MS = 5000;

/** Events per slice of a day's roll-up: about 4 ms of reading, parsing and counting on the development machine. */
const DAY_SLICE = 500;

type DayRow = { rowid: number; corrected_at: number; installation_id: string; event: string };

/** Lets the event loop run: what arrived meanwhile (batches, health checks) is served before the next step. */
const nextTurn = () => new Promise<void>((resolve) => { setImmediate(resolve); });

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  db.transaction(() => {
    const applied = new Set(db.prepare('SELECT version FROM schema_migrations').all().map((r) => (r as { version: number }).version));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) { continue; }
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    }
  }).immediate();
}

class SqliteStorage implements Storage {
  readonly dialect = 'sqlite' as const;
  private readonly s;
  private readonly deleteTx;
  private readonly takeNextDay;
  private readonly saveDay;
  private readonly ingestHere: IngestTransaction;
  private readonly writer: Writer;
  private rollingUp: Promise<unknown> = Promise.resolve();
  private closing = false;

  constructor(
    private readonly db: Database.Database,
    private readonly background: { checkpointer: Checkpointer; syncFd: number; health: SqliteHealth },
    private readonly lock: LockWait,
    private readonly commits: { writer: Writer; placement: CommitPlacement; onCommit: (batches: number, ms: number, place: CommitPlace) => void },
  ) {
    this.writer = commits.writer;
    this.ingestHere = ingestTransaction(db, MARK_DAY);
    this.s = {
      owner: db.prepare<[string], { owner_key_hash: string }>('SELECT owner_key_hash FROM installations WHERE installation_id = ?'),
      // The stored ids between a batch's lowest and highest, a few more than the batch has at most: one seek
      // of the primary key, and for a batch of new events (ids of a client only grow) nothing to read.
      idsBetween: db.prepare<[string, string, string, number], string>('SELECT event_id FROM events WHERE installation_id = ? AND event_id BETWEEN ? AND ? LIMIT ?').pluck(),
      // One statement for a whole batch's ids (a JSON array): one probe of the primary key each, in SQLite.
      storedIds: db.prepare<[string, string], string>('SELECT event_id FROM events WHERE installation_id = ? AND event_id IN (SELECT value FROM json_each(?))').pluck(),
      markDay: db.prepare(MARK_DAY),
      page: db.prepare<[string, string, number], { event_id: string; event: string; received_at: number; sent_at: number; corrected_at: number }>(
        `SELECT event_id, event, received_at, sent_at, corrected_at FROM events
         WHERE installation_id = ? AND event_id > ? ORDER BY event_id LIMIT ?`),
      installationTimes: db.prepare<[string], { corrected_at: number }>('SELECT DISTINCT corrected_at FROM events WHERE installation_id = ?'),
      deleteEvents: db.prepare('DELETE FROM events WHERE installation_id = ?'),
      deleteOwner: db.prepare('DELETE FROM installations WHERE installation_id = ?'),
      expireChunk: db.prepare('DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE corrected_at < ? LIMIT 1000)'),
      nextDay: db.prepare<[string], { day: string }>('SELECT day FROM rollup_pending WHERE day > ? ORDER BY day LIMIT 1'),
      takeDay: db.prepare('UPDATE rollup_pending SET taken = ? WHERE day = ?'),
      dayMark: db.prepare<[string], { taken: string | null }>('SELECT taken FROM rollup_pending WHERE day = ?'),
      clearDay: db.prepare('DELETE FROM rollup_pending WHERE day = ?'),
      // A day's events in the order of the time index (whose entries end with the rowid): the next slice
      // after a time, and the rest of the events of one time after a rowid, so that each slice is one seek
      // however many events share a millisecond.
      daySliceAfter: db.prepare<[number, number, number], DayRow>(
        'SELECT rowid, corrected_at, installation_id, event FROM events WHERE corrected_at > ? AND corrected_at < ? ORDER BY corrected_at, rowid LIMIT ?'),
      daySliceAt: db.prepare<[number, number, number], DayRow>(
        'SELECT rowid, corrected_at, installation_id, event FROM events WHERE corrected_at = ? AND rowid > ? ORDER BY rowid LIMIT ?'),
      dropDay: db.prepare('DELETE FROM daily_rollups WHERE day = ?'),
      saveRollup: db.prepare(`INSERT INTO daily_rollups (day, source, name, events, installations, measurements, computed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
    };
    this.deleteTx = db.transaction((installationId: string, proves: (held: string) => boolean): DeleteOutcome => {
      const held = this.s.owner.get(installationId);
      if (held === undefined) { return { kind: 'not_found' }; }
      if (!proves(held.owner_key_hash)) { return { kind: 'forbidden' }; }
      const days = new Set(this.s.installationTimes.all(installationId).map((r) => dayOf(r.corrected_at)));
      for (const day of days) { this.s.markDay.run(day); }
      const events = this.s.deleteEvents.run(installationId).changes;
      this.s.deleteOwner.run(installationId);
      return { kind: 'deleted', events };
    });
    this.takeNextDay = db.transaction((after: string, oldestDay: string, token: string): { day: string; expired: boolean } | undefined => {
      const next = this.s.nextDay.get(after);
      if (next === undefined) { return undefined; }
      const expired = next.day < oldestDay;
      if (expired) { this.s.clearDay.run(next.day); } else { this.s.takeDay.run(token, next.day); }
      return { day: next.day, expired };
    });
    this.saveDay = db.transaction((day: string, token: string, rows: readonly RollupRow[]): boolean => {
      const mark = this.s.dayMark.get(day);
      // Unmarked: a roll-up that took the day after this one (another process on the file) saved a result
      // that nothing changed since, so newer than this one.
      if (mark === undefined) { return false; }
      this.s.dropDay.run(day);
      for (const r of rows) { this.s.saveRollup.run(r.day, r.source, r.name, r.events, r.installations, r.measurements, r.computedAt); }
      // Still ours: nothing changed the day since it was taken. Otherwise it stays marked for the next run.
      if (mark.taken === token) { this.s.clearDay.run(day); }
      return true;
    });
  }

  ingest(input: IngestInput): Promise<IngestOutcome> {
    if (this.closing) { return Promise.reject(new DatabaseUnavailableError('SQLite: the endpoint is stopping')); }
    if (this.commits.placement.place(this.writer.hasBatches) === 'writer-thread') { return this.writer.ingest(input); }
    return this.run(() => {
      const started = performance.now();
      const [outcome] = this.ingestHere.immediate([input]);
      this.commits.onCommit(1, performance.now() - started, 'event-loop');
      return outcome!;
    });
  }

  async ownerKeyHash(installationId: string): Promise<string | undefined> {
    return this.run(() => this.s.owner.get(installationId)?.owner_key_hash);
  }

  async holding(installationId: string, eventIds: readonly string[]): Promise<Holding> {
    return this.run(() => {
      const ownerKeyHash = this.s.owner.get(installationId)?.owner_key_hash;
      // Events are stored only with their installation's owner, in the same transaction.
      if (ownerKeyHash === undefined || eventIds.length === 0) { return { ownerKeyHash, stored: new Set<string>() }; }
      return { ownerKeyHash, stored: this.storedOf(installationId, eventIds) };
    });
  }

  /** Which of `eventIds` are stored. Exact whatever the ids: a stored id outside the range read is only found by the probe. */
  private storedOf(installationId: string, eventIds: readonly string[]): Set<string> {
    let low = eventIds[0]!;
    let high = low;
    for (const id of eventIds) {
      if (id < low) { low = id; }
      if (id > high) { high = id; }
    }
    const between = this.s.idsBetween.all(installationId, low, high, eventIds.length + 1);
    // More stored between them than the batch holds: the range does not answer for every id; probe each.
    // (Stored ids are UUIDv7s, ASCII, ordered alike here and in SQLite; an invalid id in the batch that
    // SQLite orders elsewhere can only narrow the range, and an event missed so counts as new: its insert
    // is ignored as a duplicate, so the answer is still right.)
    if (between.length > eventIds.length) { return new Set(this.s.storedIds.all(installationId, JSON.stringify(eventIds))); }
    const asked = new Set(eventIds);
    return new Set(between.filter((id) => asked.has(id)));
  }

  async exportPage(installationId: string, afterEventId: string | undefined, limit: number): Promise<ExportRow[]> {
    return this.run(() => this.s.page.all(installationId, afterEventId ?? '', limit).map((r) => ({
      eventId: r.event_id, json: r.event, receivedAt: r.received_at, sentAt: r.sent_at, correctedAt: r.corrected_at,
    })));
  }

  async deleteInstallation(installationId: string, provesOwnership: (heldHash: string) => boolean): Promise<DeleteOutcome> {
    return this.run(() => this.deleteTx.immediate(installationId, provesOwnership));
  }

  async deleteEventsBefore(day: string): Promise<number> {
    const [before] = dayRange(day);
    let total = 0;
    for (;;) {
      // In chunks, each its own short transaction, so that batches are not held up behind a long delete.
      const n = await this.run(() => this.db.transaction(() => this.s.expireChunk.run(before).changes).immediate());
      total += n;
      if (n === 0) { return total; }
      await nextTurn();
    }
  }

  /**
   * One roll-up at a time in this process: a second one would take the days the first is reading and read
   * them again, and of two that read a day changing meanwhile, the one that read it first could save last
   * (the next run would put that right; this keeps it from happening).
   */
  rollUp(oldestDay: string, accumulate: (day: string) => DayAccumulator): Promise<number> {
    const run = this.rollingUp.then(() => this.rollUpMarkedDays(oldestDay, accumulate));
    this.rollingUp = run.catch(() => {});
    return run;
  }

  /**
   * Each marked day once, in order: taken (a short write), read in slices with the event loop running
   * between them (reading a day in one transaction stopped the endpoint for 2.2 s at 259,000 events, and
   * every batch with it, measured), and saved (a short write) if it is still marked. A day that changed
   * meanwhile is saved as read and stays marked; one that the roll-up does not finish stays marked too.
   */
  private async rollUpMarkedDays(oldestDay: string, accumulate: (day: string) => DayAccumulator): Promise<number> {
    const token = randomUUID();
    let recomputed = 0;
    let after = '';
    for (;;) {
      const next = await this.run(() => this.takeNextDay.immediate(after, oldestDay, token));
      if (next === undefined) { return recomputed; }
      after = next.day;
      if (next.expired) { continue; }
      const day = accumulate(next.day);
      await this.readDay(next.day, (row) => day.add(row.installation_id, row.event));
      const rows = day.finish();
      if (await this.run(() => this.saveDay.immediate(next.day, token, rows))) { recomputed++; }
      await nextTurn();
    }
  }

  /** Every event of `day`, DAY_SLICE at a time, each slice its own read, with a turn of the event loop between. */
  private async readDay(day: string, each: (row: DayRow) => void): Promise<void> {
    const [from, to] = dayRange(day);
    // After a full slice, the rest of its last millisecond comes first (`tie`), then what follows it.
    let at = from - 1;
    let rowid = 0;
    let tie = false;
    for (;;) {
      const rows = await this.run(() => (tie ? this.s.daySliceAt.all(at, rowid, DAY_SLICE) : this.s.daySliceAfter.all(at, to, DAY_SLICE)));
      for (const row of rows) { each(row); }
      if (rows.length === DAY_SLICE) {
        const last = rows[rows.length - 1]!;
        at = last.corrected_at;
        rowid = last.rowid;
        tie = true;
      } else if (tie) {
        tie = false;
      } else {
        return;
      }
      await nextTurn();
    }
  }

  async dailyRollups(q: RollupQuery): Promise<RollupRow[]> {
    const where = ['day >= ?', 'day <= ?'];
    const params: (string | number)[] = [q.from, q.to];
    if (q.source !== undefined) { where.push('source = ?'); params.push(q.source); }
    if (q.name !== undefined) { where.push('name = ?'); params.push(q.name); }
    if (q.after !== undefined) { where.push('(day, source, name) > (?, ?, ?)'); params.push(q.after.day, q.after.source, q.after.name); }
    params.push(q.limit);
    return this.run(() => this.db.prepare<unknown[], { day: string; source: string; name: string; events: number; installations: number; measurements: string; computed_at: number }>(
      `SELECT day, source, name, events, installations, measurements, computed_at FROM daily_rollups
       WHERE ${where.join(' AND ')} ORDER BY day, source, name LIMIT ?`).all(...params)
      .map((r) => ({ day: r.day, source: r.source, name: r.name, events: r.events, installations: r.installations, measurements: r.measurements, computedAt: r.computed_at })));
  }

  health(): StorageHealth {
    return this.background.health.read();
  }

  async ping(): Promise<void> {
    await this.run(() => this.db.prepare('SELECT 1').get());
    // Ready means batches can be stored: the writer thread runs and its connection answers.
    await this.writer.ping();
  }

  /** Runs synchronous SQLite work once the lock allows; errors that mean "later" become DatabaseUnavailableError. */
  private run<T>(work: () => T): Promise<T> {
    return this.lock.run(work).catch((error: unknown) => { throw asStorageError(error); });
  }

  async close(): Promise<void> {
    this.closing = true;
    // Batches handed to the writer are committed before it stops, and those waiting for the lock here
    // before the connection closes: each is owed an answer.
    await this.writer.stop();
    await this.lock.idle();
    await this.background.checkpointer.stop();
    if (this.db.open) { this.db.close(); }
    // Only now: closing a descriptor of the file earlier would drop the connections' locks on it.
    if (this.background.syncFd >= 0) { closeSync(this.background.syncFd); this.background.syncFd = -1; }
  }
}
