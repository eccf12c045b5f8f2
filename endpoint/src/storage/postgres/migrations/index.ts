// The PostgreSQL migrations, in order. A migration is never edited once released: add the next number.
import * as m0001 from './0001-initial';

export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'initial', sql: m0001.sql },
];
