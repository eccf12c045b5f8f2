// The transaction that stores batches, the same wherever a batch is committed (commit-placement.ts): on
// the endpoint's own connection or on the writer thread's. The thread is handed this function's source
// (writer.ts), so the function uses nothing from outside its own body but `require` and globals; the
// types are erased.
import type BetterSqlite3 from 'better-sqlite3';
import type { IngestInput, IngestOutcome } from '../storage';

/** Batches stored in one transaction (`.immediate(…)`), each with its own owner check and outcome. */
export type IngestTransaction = BetterSqlite3.Transaction<(inputs: readonly IngestInput[]) => IngestOutcome[]>;

/** `markDaySql`: day-marks.ts's statement (the thread cannot import it). */
export function ingestTransaction(db: BetterSqlite3.Database, markDaySql: string): IngestTransaction {
  const { timingSafeEqual } = require('node:crypto') as typeof import('node:crypto');
  const owner = db.prepare<[string], { owner_key_hash: string }>('SELECT owner_key_hash FROM installations WHERE installation_id = ?');
  const addOwner = db.prepare('INSERT INTO installations (installation_id, owner_key_hash, first_seen_at) VALUES (?, ?, ?)');
  // Only an event already stored is skipped: OR IGNORE would also skip a row that breaks NOT NULL, and
  // the event would be counted a duplicate and dropped by its client.
  const addEvent = db.prepare(`INSERT INTO events (installation_id, event_id, received_at, sent_at, corrected_at, event)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (installation_id, event_id) DO NOTHING`);
  const markDay = db.prepare(markDaySql);

  // Constant time, as storage/same-hash.ts (which the thread cannot import).
  const sameHash = (a: string, b: string) => {
    const x = Buffer.from(a, 'utf8');
    const y = Buffer.from(b, 'utf8');
    return x.length === y.length && timingSafeEqual(x, y);
  };
  const ingestOne = (input: IngestInput): IngestOutcome => {
    const held = owner.get(input.installationId);
    if (held === undefined) {
      addOwner.run(input.installationId, input.ownerKeyHash, input.receivedAt);
    } else if (!sameHash(held.owner_key_hash, input.ownerKeyHash)) {
      return { kind: 'forbidden' };
    }
    let accepted = 0;
    const days = new Set<string>();
    for (const e of input.events) {
      if (addEvent.run(input.installationId, e.eventId, e.receivedAt, e.sentAt, e.correctedAt, e.json).changes === 1) {
        accepted++;
        days.add(e.day);
      }
    }
    for (const day of days) { markDay.run(day); }
    return { kind: 'stored', accepted };
  };
  return db.transaction((inputs: readonly IngestInput[]) => inputs.map(ingestOne));
}
