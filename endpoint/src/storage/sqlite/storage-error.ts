// Which SQLite errors mean "try again later" (answered 503 with Retry-After) rather than a fault (500).
import { DatabaseUnavailableError } from '../storage';
import { isBusy } from './lock-wait';

/** The lock held past its timeout, I/O errors and a full disk are "later"; so is a connection already closed. */
export function asStorageError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const text = typeof code === 'string' ? code : '';
  if (isBusy(error) || text.startsWith('SQLITE_LOCKED') || text.startsWith('SQLITE_IOERR') || text === 'SQLITE_FULL') {
    return new DatabaseUnavailableError(`SQLite: ${text}`);
  }
  if (error instanceof TypeError && /database connection is not open/.test(error.message)) {
    return new DatabaseUnavailableError('SQLite: the database is closed');
  }
  return error;
}
