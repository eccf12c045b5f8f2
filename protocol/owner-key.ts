// The proof of ownership of PROTOCOL.md §5: a 256-bit secret that only the installation holds, and
// the SHA-256 of it that every batch carries and the endpoint keeps.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** A new owner secret: 32 random bytes, base64url without padding (43 characters). */
export function newOwnerSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function isOwnerSecret(value: unknown): value is string {
  return typeof value === 'string' && SECRET.test(value);
}

/** The owner key hash: lower-case hex SHA-256 of the secret's UTF-8 bytes. */
export function ownerKeyHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether `secret` hashes to `expectedHash`, compared in constant time. */
export function secretMatches(secret: string, expectedHash: string): boolean {
  const actual = Buffer.from(ownerKeyHash(secret), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
