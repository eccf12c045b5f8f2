// Opens the storage that --database names, with its migrations applied.
import type { DatabaseLocation } from '../config/options';
import type { Storage } from './storage';

/** Loads only the driver it needs: the other one's native module or protocol code never starts. */
export async function openStorage(location: DatabaseLocation, pgPoolSize: number): Promise<Storage> {
  if (location.kind === 'sqlite') { return (await import('./sqlite/sqlite-storage')).openSqliteStorage(location.path); }
  return (await import('./postgres/postgres-storage')).openPostgresStorage(location.url, pgPoolSize);
}

/** The location as it may be printed: a PostgreSQL password never is. */
export function describeLocation(location: DatabaseLocation): string {
  if (location.kind === 'sqlite') { return `sqlite:${location.path}`; }
  const url = new URL(location.url);
  if (url.password) { url.password = '***'; }
  return url.toString();
}
