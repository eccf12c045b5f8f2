// Identifiers of the protocol. Event, batch and receipt ids are UUIDv7 (time-ordered: an endpoint's
// inserts into an index on them are about 3× faster than with random ids); installation ids are UUIDv4.
import { randomFillSync, randomUUID } from 'node:crypto';

// Random bytes are drawn 4 KiB at a time: one call into the system's generator per 200-odd ids instead
// of one or two per id (which cost more than the rest of making an event, measured in `npm run bench`).
const POOL = Buffer.alloc(4096);
let poolAt = POOL.length;
function random(n: number): Buffer {
  if (poolAt + n > POOL.length) { randomFillSync(POOL); poolAt = 0; }
  const out = Buffer.from(POOL.subarray(poolAt, poolAt + n));
  POOL.fill(0, poolAt, poolAt + n);
  poolAt += n;
  return out;
}

let lastMs = -1;
let counter = 0;
const COUNTER_BITS = 42; // 12 bits of rand_a + the top 30 bits of rand_b (RFC 9562 §6.2, method 1)
const COUNTER_LIMIT = 2 ** COUNTER_BITS;

/**
 * A UUIDv7 for `nowMs`. Monotonic within this process: ids made in the same millisecond (or while the
 * clock steps back) increment a counter that starts at a random value below half its range, so they
 * still sort in the order they were made.
 */
export function newEventId(nowMs: number = Date.now()): string {
  let ms = Math.max(Math.floor(nowMs), lastMs);
  if (ms === lastMs) {
    counter++;
    if (counter >= COUNTER_LIMIT) { ms++; counter = randomCounter(); }
  } else {
    counter = randomCounter();
  }
  lastMs = ms;
  const bytes = random(16);
  bytes.writeUIntBE(ms, 0, 6);
  const high12 = Math.floor(counter / 2 ** 30);
  const low30 = counter % 2 ** 30;
  bytes[6] = 0x70 | (high12 >>> 8);
  bytes[7] = high12 & 0xff;
  bytes[8] = 0x80 | ((low30 >>> 24) & 0x3f);
  bytes[9] = (low30 >>> 16) & 0xff;
  bytes[10] = (low30 >>> 8) & 0xff;
  bytes[11] = low30 & 0xff;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function randomCounter(): number {
  // 41 random bits: the top bit stays 0, leaving room for 2^41 increments in one millisecond.
  const b = random(6);
  return (b.readUIntBE(0, 6) % 2 ** 41);
}

/** A random UUIDv4, for installation ids: nothing in it comes from the machine. */
export function newInstallationId(): string {
  return randomUUID();
}

/** The millisecond timestamp inside a UUIDv7. */
export function uuidv7Time(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
