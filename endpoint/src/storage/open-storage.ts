// Opens the storage that --database names, with its migrations applied.
import type { DatabaseLocation } from '../config/options';
import { openPostgresStorage } from './postgres/postgres-storage';
import { openSqliteStorage } from './sqlite/sqlite-storage';
import type { Storage } from './storage';

export async function openStorage(location: DatabaseLocation, pgPoolSize: number): Promise<Storage> {
  return location.kind === 'sqlite' ? openSqliteStorage(location.path) : openPostgresStorage(location.url, pgPoolSize);
}

/** The location as it may be printed: a PostgreSQL password never is. */
export function describeLocation(location: DatabaseLocation): string {
  if (location.kind === 'sqlite') { return `sqlite:${location.path}`; }
  const url = new URL(location.url);
  if (url.password) { url.password = '***'; }
  return url.toString();
}
