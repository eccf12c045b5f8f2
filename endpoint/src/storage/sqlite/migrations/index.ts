// The SQLite migrations, in order. A migration is never edited once released: add the next number.
import * as m0001 from './0001-initial';
import * as m0002 from './0002-rollup-taken';

export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'initial', sql: m0001.sql },
  { version: 2, name: 'rollup-taken', sql: m0002.sql },
];
