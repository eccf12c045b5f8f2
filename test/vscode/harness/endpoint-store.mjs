// What the reference endpoint stored, read straight from its SQLite file by the launcher (Node, beside
// the editor). The tests in the editor ask for it over the bridge: reading the file is independent of
// the client under test (no owner secret needed, no route of the endpoint's own involved), and the
// extension host cannot load better-sqlite3 itself under every launcher (Electron has its own ABI).
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT } from '../../../scripts/vscode/paths.mjs';

// better-sqlite3 is the endpoint workspace's dependency; resolve it from there.
const requireFromEndpoint = createRequire(path.join(ROOT, 'endpoint', 'package.json'));

/**
 * Every installation and event in the endpoint's database, read-only (the endpoint keeps writing; WAL
 * lets both be). Events are parsed from the JSON text the endpoint keeps verbatim, in event-id order.
 * @param {string} databaseFile
 * @returns {{ installations: { installationId: string, ownerKeyHash: string }[], events: { installationId: string, eventId: string, event: any }[] }}
 */
export function readStoredEvents(databaseFile) {
  const Database = requireFromEndpoint('better-sqlite3');
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const installations = db.prepare('SELECT installation_id AS installationId, owner_key_hash AS ownerKeyHash FROM installations ORDER BY installation_id').all();
    const events = db.prepare('SELECT installation_id AS installationId, event_id AS eventId, event FROM events ORDER BY event_id').all()
      .map((r) => ({ installationId: r.installationId, eventId: r.eventId, event: JSON.parse(r.event) }));
    return { installations, events };
  } finally {
    db.close();
  }
}
