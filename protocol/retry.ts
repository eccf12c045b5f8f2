// When a client may send a batch again (PROTOCOL.md §8): which answers are retryable, how to read
// Retry-After in both its forms, and exponential backoff with full jitter.

/** Statuses a client retries; every other status is final. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
export const RETRY_AFTER_MAX_MS = 24 * 60 * 60_000;
/** How long a held batch waits when neither the token nor the endpoint changes: the backoff's cap. */
export const HOLD_RETRY_MS = BACKOFF_CAP_MS;

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * Statuses that hold a batch (PROTOCOL.md §8): the ingest token is missing or wrong, or the installation's
 * proof of ownership is. Nothing is wrong with the events, and only the user can fix it, so the client keeps
 * them, stops sending, and tries again when the token or the endpoint changes, or else after HOLD_RETRY_MS.
 */
export const HOLDING_STATUSES: ReadonlySet<number> = new Set([401, 403]);

export function isHoldingStatus(status: number): boolean {
  return HOLDING_STATUSES.has(status);
}

/**
 * Milliseconds to wait from `Retry-After` (delay-seconds or HTTP-date, RFC 9110 §10.2.3), or undefined
 * when absent or unparsable. Capped at 24 hours; a date in the past means no wait.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) { return undefined; }
  const value = header.trim();
  if (/^[0-9]{1,12}$/.test(value)) { return Math.min(Number(value) * 1000, RETRY_AFTER_MAX_MS); }
  // An HTTP-date always names its weekday and "GMT"; Date.parse alone would also take "1" or "2026".
  if (!/^[A-Za-z]{3}, [0-9]{2} [A-Za-z]{3} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$/.test(value)) { return undefined; }
  const at = Date.parse(value);
  if (Number.isNaN(at)) { return undefined; }
  return Math.min(Math.max(0, at - nowMs), RETRY_AFTER_MAX_MS);
}

/**
 * The wait before attempt `failures + 1`: a uniformly random time in [0, min(cap, base × 2^failures)]
 * ("full jitter"), so that many clients do not retry in lock-step after an outage.
 * `random` returns a number in [0, 1).
 */
export function backoffDelay(failures: number, random: () => number, baseMs = BACKOFF_BASE_MS, capMs = BACKOFF_CAP_MS): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(0, failures), 30));
  return Math.floor(random() * ceiling);
}
