// The first schema. Events are keyed by (installation, event id), which makes dedupe a primary-key
// conflict and the export a range scan in id (time) order; the index on the corrected time serves the
// daily roll-up and retention. The event itself is kept as its JSON text, verbatim.
export const sql = `
CREATE TABLE installations (
  installation_id TEXT NOT NULL PRIMARY KEY,
  owner_key_hash  TEXT NOT NULL,
  first_seen_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE events (
  installation_id TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  received_at     INTEGER NOT NULL,
  sent_at         INTEGER NOT NULL,
  corrected_at    INTEGER NOT NULL,
  event           TEXT NOT NULL,
  PRIMARY KEY (installation_id, event_id)
);
CREATE INDEX events_by_time ON events (corrected_at);

CREATE TABLE rollup_pending (
  day TEXT NOT NULL PRIMARY KEY
) WITHOUT ROWID;

CREATE TABLE daily_rollups (
  day           TEXT NOT NULL,
  source        TEXT NOT NULL,
  name          TEXT NOT NULL,
  events        INTEGER NOT NULL,
  installations INTEGER NOT NULL,
  measurements  TEXT NOT NULL,
  computed_at   INTEGER NOT NULL,
  PRIMARY KEY (day, source, name)
) WITHOUT ROWID;
`;
