// The first schema, as in SQLite but with PostgreSQL's types: ids are `uuid` (16 bytes, sorted by their
// bytes, which for UUIDv7 is time order). The event is `text`, not `jsonb`: jsonb refuses `\u0000` and
// reorders members, and the export must return each event exactly as it came. Events arrive roughly in
// the order of their corrected time, so a BRIN index serves the roll-up and retention at almost no cost
// per insert. rollup_pending has no key and no index: concurrent batches never wait on each other to mark
// the same day as changed, a mark is one heap insert, and the roll-up takes all marks at once.
export const sql = `
CREATE TABLE installations (
  installation_id uuid NOT NULL PRIMARY KEY,
  owner_key_hash  text NOT NULL,
  first_seen_at   bigint NOT NULL
);

CREATE TABLE events (
  installation_id uuid NOT NULL,
  event_id        uuid NOT NULL,
  received_at     bigint NOT NULL,
  sent_at         bigint NOT NULL,
  corrected_at    bigint NOT NULL,
  event           text NOT NULL,
  PRIMARY KEY (installation_id, event_id)
);
CREATE INDEX events_by_time ON events USING brin (corrected_at);

CREATE TABLE rollup_pending (
  day text COLLATE "C" NOT NULL
);

CREATE TABLE daily_rollups (
  day           text COLLATE "C" NOT NULL,
  source        text COLLATE "C" NOT NULL,
  name          text COLLATE "C" NOT NULL,
  events        bigint NOT NULL,
  installations bigint NOT NULL,
  measurements  text NOT NULL,
  computed_at   bigint NOT NULL,
  PRIMARY KEY (day, source, name)
);
`;
