// Reads what the endpoint stored, straight from its database, so that the hostile-input tests can check
// the database itself rather than trust the endpoint's own answers.
import Database from 'better-sqlite3';
import pg from 'pg';

export interface StoredRow {
  installationId: string;
  eventId: string;
  json: string;
}

export async function storedEvents(database: string): Promise<StoredRow[]> {
  if (database.startsWith('sqlite:')) {
    const db = new Database(database.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    try {
      return db.prepare<[], { installation_id: string; event_id: string; event: string }>('SELECT installation_id, event_id, event FROM events').all()
        .map((r) => ({ installationId: r.installation_id, eventId: r.event_id, json: r.event }));
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    const { rows } = await client.query<{ installation_id: string; event_id: string; event: string }>('SELECT installation_id::text, event_id::text, event FROM events');
    return rows.map((r) => ({ installationId: r.installation_id, eventId: r.event_id, json: r.event }));
  } finally {
    await client.end();
  }
}
