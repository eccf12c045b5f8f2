// The references: what a batch costs with nothing but Node.js and the drivers. One process, one of:
//   parse     node:http, read the body, JSON.parse it, answer 200;
//   validate  the same, and validate each event with the generated validator;
//   sqlite    the same, and insert the events with better-sqlite3 (WAL, synchronous=NORMAL, one
//             transaction per batch, INSERT OR IGNORE on the (installation, id) primary key);
//   pg        the same, and insert them into PostgreSQL with one multi-row
//             INSERT … ON CONFLICT DO NOTHING per batch; `pg-prepared`: the same statement prepared once
//             per connection and batch size; `pg-unnest`: one INSERT … SELECT FROM unnest() of arrays.
// Prints "listening on http://HOST:PORT" like the endpoint.
import Database from 'better-sqlite3';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import validateEvent from '../../generated/validators/event.cjs';

const [mode = 'parse', database = ''] = process.argv.slice(2);
type Event = { id: string; installationId: string };
type Store = (events: Event[], raw: string[]) => Promise<void> | void;

async function makeStore(): Promise<Store> {
  if (mode === 'sqlite') {
    const db = new Database(database);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE IF NOT EXISTS events (installation_id TEXT NOT NULL, event_id TEXT NOT NULL, event TEXT NOT NULL, PRIMARY KEY (installation_id, event_id))');
    const insert = db.prepare('INSERT OR IGNORE INTO events (installation_id, event_id, event) VALUES (?, ?, ?)');
    const tx = db.transaction((events: Event[], raw: string[]) => { events.forEach((e, i) => insert.run(e.installationId, e.id, raw[i])); });
    return (events, raw) => tx(events, raw);
  }
  if (mode.startsWith('pg')) {
    const pool = new pg.Pool({ connectionString: database, max: 10 });
    await pool.query('CREATE TABLE IF NOT EXISTS events (installation_id uuid NOT NULL, event_id uuid NOT NULL, event text NOT NULL, PRIMARY KEY (installation_id, event_id))');
    if (mode === 'pg-unnest') {
      return async (events, raw) => {
        await pool.query(`INSERT INTO events (installation_id, event_id, event) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])
          ON CONFLICT DO NOTHING`, [events.map((e) => e.installationId), events.map((e) => e.id), raw]);
      };
    }
    return async (events, raw) => {
      const values = events.map((_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(',');
      const text = `INSERT INTO events (installation_id, event_id, event) VALUES ${values} ON CONFLICT DO NOTHING`;
      const params = events.flatMap((e, i) => [e.installationId, e.id, raw[i]]);
      await (mode === 'pg-prepared' ? pool.query({ name: `insert-${events.length}`, text, values: params }) : pool.query(text, params));
    };
  }
  return () => {};
}

async function main(): Promise<void> {
  const store = await makeStore();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', async () => {
      try {
        const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: Event[] };
        if (mode !== 'parse') {
          for (const e of batch.events) { if (!validateEvent(e)) { throw new Error('invalid event'); } }
        }
        if (mode !== 'parse' && mode !== 'validate') { await store(batch.events, batch.events.map((e) => JSON.stringify(e))); }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (error) {
        response.writeHead(500).end(String(error));
      }
    });
  });
  server.keepAliveTimeout = 72_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
  });
}

process.on('SIGTERM', () => process.exit(0));
void main();
