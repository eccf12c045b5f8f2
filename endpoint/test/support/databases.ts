// The two databases every endpoint test runs on: a fresh SQLite file, and a fresh database on the test
// run's PostgreSQL cluster.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { createDatabase } from '../../testing/postgres-cluster.mjs';

export const DATABASES = ['sqlite', 'postgres'] as const;

export type DatabaseKind = (typeof DATABASES)[number];

/** A `--database` value for a new, empty database of that kind. */
export async function freshDatabase(kind: DatabaseKind): Promise<string> {
  if (kind === 'sqlite') {
    // In the run's scratch folder, which the global setup removes at the end.
    return `sqlite:${path.join(mkdtempSync(path.join(inject('scratchFolder'), 'sqlite-')), 'candor.db')}`;
  }
  return createDatabase(inject('postgresUrl'), `candor_${randomBytes(6).toString('hex')}`);
}
