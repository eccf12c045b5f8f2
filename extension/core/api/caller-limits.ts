// Per-caller limits: one extension that reports in a loop must not crowd out the others or fill the
// user's disk. A token bucket per extension: a burst up to `burst` events, refilled at `perMinute`.
import type { Clock } from '../clock';

export interface CallerLimitOptions {
  /** Sustained events per minute per extension. */
  readonly perMinute: number;
  /** Events an extension may send at once before the rate applies. */
  readonly burst: number;
  /** Largest event (its compact JSON) an extension may send. */
  readonly maxEventBytes: number;
}

export const DEFAULT_CALLER_LIMITS: CallerLimitOptions = { perMinute: 600, burst: 200, maxEventBytes: 16_384 };

export class CallerLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly clock: Clock, private readonly options: CallerLimitOptions = DEFAULT_CALLER_LIMITS) {}

  /** Takes one event from the caller's budget; false when the caller is over its rate. */
  take(callerId: string): boolean {
    const now = this.clock.now();
    const bucket = this.buckets.get(callerId) ?? { tokens: this.options.burst, at: now };
    const refill = ((now - bucket.at) / 60_000) * this.options.perMinute;
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + Math.max(0, refill));
    bucket.at = now;
    this.buckets.set(callerId, bucket);
    if (bucket.tokens < 1) { return false; }
    bucket.tokens -= 1;
    return true;
  }

  /** Milliseconds until the caller may send one more event. */
  retryAfterMs(callerId: string): number {
    const bucket = this.buckets.get(callerId);
    if (!bucket || bucket.tokens >= 1) { return 0; }
    return Math.ceil(((1 - bucket.tokens) / this.options.perMinute) * 60_000);
  }

  get maxEventBytes(): number { return this.options.maxEventBytes; }
}
