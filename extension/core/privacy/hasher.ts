// Identifiers leave the machine only as keyed hashes (PROTOCOL.md §9): HMAC-SHA-256 with the
// installation's local salt, truncated to 128 bits. Without the salt, which never leaves the machine,
// nobody can test a guess against a hash; rotating the salt unlinks old hashes from new ones.
import { createHmac, randomBytes } from 'node:crypto';

export const SALT_BYTES = 32;

export function newSalt(): Buffer {
  return randomBytes(SALT_BYTES);
}

/** The envelope's `hashedId`: 32 lower-case hex digits. */
export function hashIdentifier(salt: Uint8Array, value: string): string {
  return createHmac('sha256', salt).update(value, 'utf8').digest('hex').slice(0, 32);
}
