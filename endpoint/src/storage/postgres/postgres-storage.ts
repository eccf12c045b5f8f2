// Storage on PostgreSQL (the `pg` client), shared by any number of endpoint processes. A batch is one
// statement: it records or checks the installation's owner (holding a share lock on its row, so that a
// concurrent deletion waits or is waited for), inserts the new events with ON CONFLICT DO NOTHING, and
// marks their days for the roll-up. Every statement commits before the answer, so a 200 is durable.
import pg from 'pg';
import { sameHash } from '../same-hash';
import {
  DatabaseUnavailableError, type DeleteOutcome, type ExportRow, type IngestInput, type IngestOutcome,
  type RollupInput, type RollupKey, type RollupQuery, type RollupRow, type Storage,
} from '../storage';
import { MIGRATIONS } from './migrations';

/** Serialises migrations and roll-ups between processes (an arbitrary constant of this program). */
const MIGRATION_LOCK = 0x43616e64;
const ROLLUP_LOCK = 0x43616e65;

const INGEST = `
WITH new_owner AS (
  INSERT INTO installations (installation_id, owner_key_hash, first_seen_at) VALUES ($1, $2, $3)
  ON CONFLICT (installation_id) DO NOTHING
  RETURNING owner_key_hash
), held_owner AS (
  SELECT owner_key_hash FROM installations WHERE installation_id = $1 FOR SHARE
), owner AS (
  SELECT owner_key_hash FROM new_owner UNION ALL SELECT owner_key_hash FROM held_owner LIMIT 1
), inserted AS (
  INSERT INTO events (installation_id, event_id, kind, name, source, day, received_at, sent_at, corrected_at, event, measures)
  SELECT $1, e.event_id, e.kind, e.name, e.source, e.day, e.received_at, e.sent_at, e.corrected_at, e.event, e.measures
  FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::bigint[], $12::text[], $13::text[])
    AS e(event_id, kind, name, source, day, received_at, sent_at, corrected_at, event, measures)
  WHERE EXISTS (SELECT 1 FROM owner WHERE owner_key_hash = $2)
  ON CONFLICT (installation_id, event_id) DO NOTHING
  RETURNING event_id, day, source, name
), pending AS (
  INSERT INTO rollup_pending (day, source, name) SELECT DISTINCT day, source, name FROM inserted
)
SELECT (SELECT owner_key_hash FROM owner) AS owner,
       (SELECT coalesce(array_agg(event_id::text), '{}') FROM inserted) AS inserted`;

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

class PostgresStorage implements Storage {
  readonly dialect = 'postgres' as const;

  constructor(private readonly pool: pg.Pool) {}

  async ingest(input: IngestInput): Promise<IngestOutcome> {
    const e = input.events;
    const params = [input.installationId, input.ownerKeyHash, input.receivedAt,
      e.map((x) => x.eventId), e.map((x) => x.kind), e.map((x) => x.name), e.map((x) => x.source), e.map((x) => x.day),
      e.map((x) => x.receivedAt), e.map((x) => x.sentAt), e.map((x) => x.correctedAt), e.map((x) => x.json), e.map((x) => x.measures)];
    // A first batch of a new installation that races another one for the same id sees neither its own
    // insert (it did nothing) nor the other's row (not in its snapshot): run it again, once, on a new snapshot.
    for (let attempt = 0; ; attempt++) {
      const { rows } = await this.query<{ owner: string | null; inserted: string[] }>(INGEST, params);
      const owner = rows[0]?.owner ?? null;
      if (owner === null && attempt === 0) { continue; }
      if (owner === null || !sameHash(owner, input.ownerKeyHash)) { return { kind: 'forbidden' }; }
      return { kind: 'stored', inserted: new Set(rows[0]!.inserted) };
    }
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
      await c.query('INSERT INTO rollup_pending (day, source, name) SELECT DISTINCT day, source, name FROM events WHERE installation_id = $1', [installationId]);
      const deleted = await c.query('DELETE FROM events WHERE installation_id = $1', [installationId]);
      await c.query('DELETE FROM installations WHERE installation_id = $1', [installationId]);
      return { kind: 'deleted', events: deleted.rowCount ?? 0 };
    });
  }

  async deleteEventsBefore(day: string): Promise<number> {
    let total = 0;
    for (;;) {
      // In chunks, so that no single transaction holds many row locks or a long snapshot.
      const r = await this.query('DELETE FROM events WHERE ctid = ANY (ARRAY(SELECT ctid FROM events WHERE day < $1 LIMIT 5000))', [day]);
      total += r.rowCount ?? 0;
      if ((r.rowCount ?? 0) === 0) { return total; }
    }
  }

  async rollUp(oldestDay: string, summarise: (key: RollupKey, inputs: RollupInput[]) => RollupRow): Promise<number> {
    return this.transaction(async (c) => {
      // One process rolls up at a time; the others wait here, then find the work done.
      await c.query('SELECT pg_advisory_xact_lock($1)', [ROLLUP_LOCK]);
      // Deletes the marks committed so far; a batch committing later keeps its own mark for the next run,
      // and the reads below, each on a newer snapshot, see every event whose mark was deleted here.
      const keys = (await c.query<RollupKey>(`WITH taken AS (DELETE FROM rollup_pending RETURNING day, source, name)
        SELECT DISTINCT day, source, name FROM taken WHERE day >= $1 ORDER BY day, source, name`, [oldestDay])).rows;
      for (const key of keys) {
        const inputs = (await c.query<{ installation_id: string; measures: string | null }>(
          'SELECT installation_id::text, measures FROM events WHERE day = $1 AND source = $2 AND name = $3', [key.day, key.source, key.name]))
          .rows.map((r) => ({ installationId: r.installation_id, measures: r.measures }));
        if (inputs.length === 0) {
          await c.query('DELETE FROM daily_rollups WHERE day = $1 AND source = $2 AND name = $3', [key.day, key.source, key.name]);
          continue;
        }
        const row = summarise(key, inputs);
        await c.query(`INSERT INTO daily_rollups (day, source, name, events, installations, measurements, computed_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7)
          ON CONFLICT (day, source, name) DO UPDATE SET events = excluded.events, installations = excluded.installations,
            measurements = excluded.measurements, computed_at = excluded.computed_at`,
        [row.day, row.source, row.name, row.events, row.installations, row.measurements, row.computedAt]);
      }
      return keys.length;
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

  private async query<R extends pg.QueryResultRow>(text: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, params);
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
