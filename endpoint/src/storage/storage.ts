// The one storage interface. Two implementations, SQLite (embedded, the default) and PostgreSQL (shared by
// several endpoint processes), run the same test suite. Times are milliseconds since the epoch; days are
// UTC `YYYY-MM-DD` of an event's corrected time.
//
// An event is stored as little as the routes need: its ids, the three times of PROTOCOL.md §4 and its
// JSON text, verbatim. Everything else (name, extension, measurements) stays inside that text; the daily
// roll-up reads it from there, off the path of a batch, so that a batch writes narrow rows.

/** One accepted event, as it is stored. */
export interface EventRow {
  eventId: string;
  receivedAt: number;
  sentAt: number;
  correctedAt: number;
  /** UTC day of `correctedAt`: the roll-up marks it as changed. */
  day: string;
  /** The event's compact JSON, kept as text: returned verbatim by the export, `\u0000` included. */
  json: string;
}

export interface IngestInput {
  installationId: string;
  ownerKeyHash: string;
  receivedAt: number;
  events: readonly EventRow[];
}

/**
 * `forbidden`: the installation is held with another owner key hash, and nothing was stored.
 * `stored`: how many of the input's events were new and are now committed; the others were already stored.
 */
export type IngestOutcome = { kind: 'forbidden' } | { kind: 'stored'; accepted: number };

/** What a storage already holds for one installation, read before a batch is checked (Storage.holding). */
export interface Holding {
  /** The installation's owner key hash, or undefined if it holds nothing for it. */
  ownerKeyHash: string | undefined;
  /** Those of the asked event ids that are stored for it. */
  stored: ReadonlySet<string>;
}

export interface ExportRow {
  eventId: string;
  json: string;
  receivedAt: number;
  sentAt: number;
  correctedAt: number;
}

export type DeleteOutcome = { kind: 'not_found' } | { kind: 'forbidden' } | { kind: 'deleted'; events: number };

/** The daily roll-up of one event (by extension and name) on one day. */
export interface RollupRow {
  day: string;
  source: string;
  name: string;
  events: number;
  installations: number;
  /** JSON object: measurement name → stats. */
  measurements: string;
  computedAt: number;
}

export interface RollupKey {
  day: string;
  source: string;
  name: string;
}

/** Folds the events of one day, one at a time, into that day's roll-ups. */
export interface DayAccumulator {
  add(installationId: string, eventJson: string): void;
  finish(): RollupRow[];
}

export interface RollupQuery {
  from: string;
  to: string;
  source?: string | undefined;
  name?: string | undefined;
  /** Only keys after this one, in (day, source, name) order. */
  after?: RollupKey | undefined;
  limit: number;
}

/** Sums since the storage opened (counters), and the WAL's present size. */
export interface StorageHealth {
  /** Batches committed and the seconds their commits took, by where they ran. */
  commits: { place: string; batches: number; seconds: number }[];
  /** The WAL's contents after the last checkpoint round, in bytes (undefined before the first). */
  walBytes: number | undefined;
  /** RESTART checkpoints (the writers held while the WAL is copied and started over), and their seconds. */
  walRestarts: { count: number; seconds: number };
}

export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  /** Records the owner key hash of a new installation, checks it for a known one, and stores new events, in one transaction. */
  ingest(input: IngestInput): Promise<IngestOutcome>;
  /** The owner key hash held for the installation, or undefined if it holds nothing for it. */
  ownerKeyHash(installationId: string): Promise<string | undefined>;
  /**
   * Optional: the owner key hash and which of `eventIds` are stored, read without a write transaction.
   * Where a read is nearly free (SQLite, in the process) the batch route asks before checking the events,
   * so that events sent again are found duplicates without being serialised or written, and a batch sent
   * again costs no write at all. PostgreSQL leaves it out: there it would cost a round trip on every batch.
   */
  holding?(installationId: string, eventIds: readonly string[]): Promise<Holding>;
  /** Up to `limit` events of the installation with ids after `afterEventId`, by id. */
  exportPage(installationId: string, afterEventId: string | undefined, limit: number): Promise<ExportRow[]>;
  /**
   * Deletes the installation's events and owner key hash in one transaction, if `provesOwnership` accepts
   * the held hash; marks the days it had events on for a new roll-up.
   */
  deleteInstallation(installationId: string, provesOwnership: (heldHash: string) => boolean): Promise<DeleteOutcome>;
  /** Deletes the events of days before `day`; returns how many. */
  deleteEventsBefore(day: string): Promise<number>;
  /**
   * Recomputes the roll-ups of every day marked as changed (by a batch or a deletion) since the last
   * roll-up — all events of the day through `accumulate(day)`, replacing the day's roll-ups — and clears
   * those marks. A day changed again while it is read keeps (or gets back) its mark, so the next run
   * counts the change; a run cut short leaves its days marked. Reading a day does not stop other work
   * (batches, health checks) for long. Days before `oldestDay` are cleared without recomputing (their
   * events are gone or going). Returns how many days were recomputed.
   */
  rollUp(oldestDay: string, accumulate: (day: string) => DayAccumulator): Promise<number>;
  dailyRollups(query: RollupQuery): Promise<RollupRow[]>;
  /** Optional: what /metrics shows of the database's own work (SQLite: its commits and its WAL), read at each scrape. */
  health?(): StorageHealth;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The database cannot be reached (as opposed to a fault in a query): answered with 503, not 500. */
export class DatabaseUnavailableError extends Error {}
