// Compares two owner key hashes in constant time, so that timing tells nothing about a held hash.
import { timingSafeEqual } from 'node:crypto';

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
