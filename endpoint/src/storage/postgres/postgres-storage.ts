// Storage on PostgreSQL (the `pg` client), shared by any number of endpoint processes. A batch is one
// prepared statement: it checks the installation's owner (holding a share lock on its row, so that a
// concurrent deletion waits or is waited for), inserts the new events with ON CONFLICT DO NOTHING, and
// marks their days for the roll-up; the first batch of an installation records its owner instead. Every
// statement commits before the answer, so a 200 is durable.
import pg from 'pg';
import { dayOf, dayRange } from '../../calendar';
import { sameHash } from '../same-hash';
import {
  type DayAccumulator, DatabaseUnavailableError, type DeleteOutcome, type ExportRow, type IngestInput, type IngestOutcome,
  type RollupQuery, type RollupRow, type Storage,
} from '../storage';
import { MIGRATIONS } from './migrations';

/** Serialises migrations and roll-ups between processes (an arbitrary constant of this program). */
const MIGRATION_LOCK = 0x43616e64;
const ROLLUP_LOCK = 0x43616e65;

/**
 * The rows of a batch as VALUES: the installation and the two delivery times are parameters shared by
 * every row; each event adds its id, corrected time and text. With the owner check, the insert and the
 * marks in one statement, a batch is one round trip. Prepared once per batch size on each connection.
 */
function eventRows(count: number): string {
  return Array.from({ length: count }, (_, i) => `($1::uuid, $${6 + 3 * i}::uuid, $3::bigint, $4::bigint, $${7 + 3 * i}::bigint, $${8 + 3 * i})`).join(',');
}

/**
 * A statement's text for each batch size, made once (at most one per size up to the batch limit): pg is
 * given the text with every use of a prepared statement and compares it with the prepared one, and making
 * a 50-row text on every batch was about 2% of the endpoint's CPU on PostgreSQL (a profile).
 */
function byBatchSize(make: (count: number) => string): (count: number) => string {
  const made = new Map<number, string>();
  return (count) => {
    let text = made.get(count);
    if (text === undefined) { text = make(count); made.set(count, text); }
    return text;
  };
}

const INSERT_AND_MARK = (count: number) => `
inserted AS (
  INSERT INTO events (installation_id, event_id, received_at, sent_at, corrected_at, event)
  SELECT * FROM (VALUES ${eventRows(count)}) AS v
  WHERE EXISTS (SELECT 1 FROM owner WHERE owner_key_hash = $2)
  ON CONFLICT (installation_id, event_id) DO NOTHING
  RETURNING event_id
), marked AS (
  -- The days of the batch, marked if anything was stored: a day of duplicates only is recomputed for nothing, harmlessly.
  INSERT INTO rollup_pending (day) SELECT unnest($5::text[]) WHERE EXISTS (SELECT 1 FROM inserted)
)
SELECT (SELECT owner_key_hash FROM owner) AS owner, (SELECT count(*) FROM inserted)::integer AS accepted`;

/**
 * The common case: a known installation. The share lock on its row makes a concurrent deletion wait for
 * this batch (or this batch wait for it, and then find no owner).
 */
const INGEST_KNOWN = byBatchSize((count) => `
WITH owner AS (SELECT owner_key_hash FROM installations WHERE installation_id = $1 FOR SHARE),
${INSERT_AND_MARK(count)}`);

/** The first batch of an installation (or a race between two): records the owner if none is held. */
const INGEST_FIRST = byBatchSize((count) => `
WITH ${OWNER_OF_FIRST},
${INSERT_AND_MARK(count)}`);

const OWNER_OF_FIRST = `new_owner AS (
  INSERT INTO installations (installation_id, owner_key_hash, first_seen_at) VALUES ($1, $2, $3)
  ON CONFLICT (installation_id) DO NOTHING
  RETURNING owner_key_hash
), held_owner AS (
  SELECT owner_key_hash FROM installations WHERE installation_id = $1 FOR SHARE
), owner AS (
  SELECT owner_key_hash FROM new_owner UNION ALL SELECT owner_key_hash FROM held_owner LIMIT 1
)`;

/** A batch whose events were all refused still checks, or records, the owner (PROTOCOL.md §4 step 6). */
const OWNER_ONLY_KNOWN = `SELECT owner_key_hash AS owner, 0 AS accepted FROM installations WHERE installation_id = $1`;
const OWNER_ONLY_FIRST = `WITH ${OWNER_OF_FIRST} SELECT (SELECT owner_key_hash FROM owner) AS owner, 0 AS accepted`;

export async function openPostgresStorage(url: string, poolSize: number): Promise<Storage> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'candor-endpoint',
    // Times and counts are bigint; they fit a JavaScript number (ms until year 285,616).
    types: { getTypeParser: (oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) } as never,
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresStorage(pool);
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) { continue; }
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

/** How many installations a process remembers having seen (it forgets them all past that). */
const SEEN_LIMIT = 100_000;

class PostgresStorage implements Storage {
  readonly dialect = 'postgres' as const;
  /**
   * Installations this process has stored for: their next batch takes the fast statement first. Only a
   * choice of statement: both check the owner in the database, so a stale entry costs a retry, never
   * correctness.
   */
  private readonly seen = new Set<string>();

  constructor(private readonly pool: pg.Pool) {}

  async ingest(input: IngestInput): Promise<IngestOutcome> {
    const e = input.events;
    const head = e[0];
    const params: unknown[] = [input.installationId, input.ownerKeyHash, head?.receivedAt ?? input.receivedAt, head?.sentAt ?? input.receivedAt,
      [...new Set(e.map((x) => x.day))]];
    for (const x of e) { params.push(x.eventId, x.correctedAt, x.json); }
    type Row = { owner: string | null; accepted: number };
    const none = e.length === 0;
    const known = async () => (none
      ? await this.query<Row>({ name: 'candor-owner-known', text: OWNER_ONLY_KNOWN, values: [input.installationId] })
      : await this.query<Row>({ name: `candor-ingest-known-${e.length}`, text: INGEST_KNOWN(e.length), values: params })).rows[0];
    const first = async () => (none
      ? await this.query<Row>({ name: 'candor-owner-first', text: OWNER_ONLY_FIRST, values: params.slice(0, 3) })
      : await this.query<Row>({ name: `candor-ingest-first-${e.length}`, text: INGEST_FIRST(e.length), values: params })).rows[0];
    let row = this.seen.has(input.installationId) ? await known() : undefined;
    // The first statement records a new owner or checks a held one. A first batch that races another one
    // for the same new id sees neither its own insert (it did nothing) nor the other's row (not in its
    // snapshot): run it again, once, on a new snapshot.
    for (let attempt = 0; attempt < 2 && (row?.owner ?? null) === null; attempt++) { row = await first(); }
    if (!row || row.owner === null || !sameHash(row.owner, input.ownerKeyHash)) { return { kind: 'forbidden' }; }
    if (this.seen.size >= SEEN_LIMIT) { this.seen.clear(); }
    this.seen.add(input.installationId);
    return { kind: 'stored', accepted: row.accepted };
  }

  async ownerKeyHash(installationId: string): Promise<string | undefined> {
    const { rows } = await this.query<{ owner_key_hash: string }>('SELECT owner_key_hash FROM installations WHERE installation_id = $1', [installationId]);
    return rows[0]?.owner_key_hash;
  }

  async exportPage(installationId: string, afterEventId: string | undefined, limit: number): Promise<ExportRow[]> {
    const { rows } = await this.query<{ event_id: string; event: string; received_at: number; sent_at: number; corrected_at: number }>(
      `SELECT event_id::text, event, received_at, sent_at, corrected_at FROM events
       WHERE installation_id = $1 AND event_id > $2 ORDER BY event_id LIMIT $3`,
      [installationId, afterEventId ?? '00000000-0000-0000-0000-000000000000', limit]);
    return rows.map((r) => ({ eventId: r.event_id, json: r.event, receivedAt: r.received_at, sentAt: r.sent_at, correctedAt: r.corrected_at }));
  }

  async deleteInstallation(installationId: string, provesOwnership: (heldHash: string) => boolean): Promise<DeleteOutcome> {
    return this.transaction(async (c) => {
      const held = (await c.query<{ owner_key_hash: string }>('SELECT owner_key_hash FROM installations WHERE installation_id = $1 FOR UPDATE', [installationId])).rows[0];
      if (held === undefined) { return { kind: 'not_found' }; }
      if (!provesOwnership(held.owner_key_hash)) { return { kind: 'forbidden' }; }
      const times = (await c.query<{ corrected_at: number }>('SELECT DISTINCT corrected_at FROM events WHERE installation_id = $1', [installationId])).rows;
      await c.query('INSERT INTO rollup_pending (day) SELECT unnest($1::text[])', [[...new Set(times.map((t) => dayOf(t.corrected_at)))]]);
      const deleted = await c.query('DELETE FROM events WHERE installation_id = $1', [installationId]);
      await c.query('DELETE FROM installations WHERE installation_id = $1', [installationId]);
      return { kind: 'deleted', events: deleted.rowCount ?? 0 };
    });
  }

  async deleteEventsBefore(day: string): Promise<number> {
    const [before] = dayRange(day);
    let total = 0;
    for (;;) {
      // In chunks, so that no single transaction holds many row locks or a long snapshot.
      const r = await this.query('DELETE FROM events WHERE ctid = ANY (ARRAY(SELECT ctid FROM events WHERE corrected_at < $1 LIMIT 5000))', [before]);
      total += r.rowCount ?? 0;
      if ((r.rowCount ?? 0) === 0) { return total; }
    }
  }

  async rollUp(oldestDay: string, accumulate: (day: string) => DayAccumulator): Promise<number> {
    return this.transaction(async (c) => {
      // One process rolls up at a time; the others wait here, then find the work done.
      await c.query('SELECT pg_advisory_xact_lock($1)', [ROLLUP_LOCK]);
      // Deletes the marks committed so far; a batch committing later keeps its own mark for the next run,
      // and the reads below, each on a newer snapshot, see every event whose mark was deleted here.
      const days = (await c.query<{ day: string }>(`WITH taken AS (DELETE FROM rollup_pending RETURNING day)
        SELECT DISTINCT day FROM taken WHERE day >= $1 ORDER BY day`, [oldestDay])).rows.map((r) => r.day);
      for (const day of days) {
        const accumulator = accumulate(day);
        // A cursor, so that a day of many events passes through in slices, not all at once.
        await c.query('DECLARE day_events NO SCROLL CURSOR FOR SELECT installation_id::text, event FROM events WHERE corrected_at >= $1 AND corrected_at < $2', dayRange(day));
        for (;;) {
          const { rows } = await c.query<{ installation_id: string; event: string }>('FETCH 2000 FROM day_events');
          for (const r of rows) { accumulator.add(r.installation_id, r.event); }
          if (rows.length < 2000) { break; }
        }
        await c.query('CLOSE day_events');
        await c.query('DELETE FROM daily_rollups WHERE day = $1', [day]);
        for (const r of accumulator.finish()) {
          await c.query(`INSERT INTO daily_rollups (day, source, name, events, installations, measurements, computed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [r.day, r.source, r.name, r.events, r.installations, r.measurements, r.computedAt]);
        }
      }
      return days.length;
    });
  }

  async dailyRollups(q: RollupQuery): Promise<RollupRow[]> {
    const params: (string | number)[] = [q.from, q.to];
    const where = ['day >= $1', 'day <= $2'];
    if (q.source !== undefined) { params.push(q.source); where.push(`source = $${params.length}`); }
    if (q.name !== undefined) { params.push(q.name); where.push(`name = $${params.length}`); }
    if (q.after !== undefined) {
      params.push(q.after.day, q.after.source, q.after.name);
      where.push(`(day, source, name) > ($${params.length - 2}, $${params.length - 1}, $${params.length})`);
    }
    params.push(q.limit);
    const { rows } = await this.query<{ day: string; source: string; name: string; events: number; installations: number; measurements: string; computed_at: number }>(
      `SELECT day, source, name, events, installations, measurements, computed_at FROM daily_rollups
       WHERE ${where.join(' AND ')} ORDER BY day, source, name LIMIT $${params.length}`, params);
    return rows.map((r) => ({ day: r.day, source: r.source, name: r.name, events: r.events, installations: r.installations, measurements: r.measurements, computedAt: r.computed_at }));
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1', []);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow>(text: string | pg.QueryConfig, params?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return typeof text === 'string' ? await this.pool.query<R>(text, params) : await this.pool.query<R>(text);
    } catch (error) {
      throw classify(error);
    }
  }

  private async transaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try { client = await this.pool.connect(); } catch (error) { throw classify(error); }
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => { broken = true; });
      throw classify(error);
    } finally {
      client.release(broken);
    }
  }
}

/**
 * Errors that mean "the database cannot be reached or is not accepting work now" become
 * DatabaseUnavailableError (503, retryable); anything else stays a fault (500).
 */
function classify(error: unknown): unknown {
  const e = error as { code?: string; message?: string };
  const code = e.code ?? '';
  const unavailable = code.startsWith('08') // connection exception
    || code === '57P01' || code === '57P02' || code === '57P03' // admin shutdown, crash shutdown, cannot connect now
    || code === '53300' || code === '53400' // too many connections, configuration limit exceeded
    || code === '40001' || code === '40P01' // serialization failure, deadlock: try again
    || code === '3D000' || code === '28000' || code === '28P01' // the database is gone, or the login no longer works
    || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(code)
    || /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i.test(e.message ?? '');
  return unavailable ? new DatabaseUnavailableError(`PostgreSQL: ${code || e.message}`) : error;
}
