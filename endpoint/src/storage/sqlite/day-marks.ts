// The mark that says a day's roll-up must be done (again), set by every write that changes the day: a
// stored batch (ingest-transaction.ts, which is given this text so that the writer thread has it too)
// and a deletion. On a day that a roll-up has taken (migration 0002) it clears `taken`: that roll-up
// still saves what it read, and the day stays marked for the next run. On a day already marked and not
// taken it writes nothing.
export const MARK_DAY = 'INSERT INTO rollup_pending (day) VALUES (?) ON CONFLICT (day) DO UPDATE SET taken = NULL WHERE taken IS NOT NULL';
