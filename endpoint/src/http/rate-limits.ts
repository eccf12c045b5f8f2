// Rate limits of PROTOCOL.md §4 (429 with Retry-After): per client address, checked before the body is
// read, and per installation, checked once the batch has named its installation. Each counts requests in
// fixed one-minute windows per key, per process (with several replicas each counts its own share), in
// toad-cache's LRU map (the store @fastify/rate-limit keeps its counts in), so that a flood of new keys
// costs bounded memory: past the bound, the least recently seen key starts a fresh window.
// The check is synchronous. @fastify/rate-limit's own is asynchronous (two awaits and a promise per call,
// then ours); on the no-op route that was about 0.7% of the HTTP layer's estimated cycles.
import { LruMap } from 'toad-cache';
import { ProblemError } from './problem';

export interface RateLimitSettings {
  perAddressPerMinute: number;
  perInstallationPerMinute: number;
}

export interface RateLimits {
  /** Throws 429 when the request's address is over its limit. */
  byAddress(address: string): void;
  /** Throws 429 when the installation is over its limit. */
  byInstallation(installationId: string): void;
}

/** Keys remembered per limit: 50,000 installation ids took 30 MB of heap. Both limits together keep as
 * many as the one store of 100,000 they shared before. */
const KEYS = 50_000;
const MINUTE_MS = 60_000;

interface Window {
  start: number;
  count: number;
}

export class FixedWindowLimit {
  private readonly windows: LruMap<Window>;

  constructor(readonly max: number, private readonly windowMs = MINUTE_MS, capacity = KEYS, private readonly now: () => number = Date.now) {
    this.windows = new LruMap<Window>(capacity);
  }

  /** Counts a request for `key`: 0 while within the limit, else the seconds until its window ends (≥ 1). */
  hit(key: string): number {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    return window.count <= this.max ? 0 : Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
  }
}

export function createRateLimits(settings: RateLimitSettings, now: () => number = Date.now): RateLimits {
  const limit = (max: number) => (max > 0 ? new FixedWindowLimit(max, MINUTE_MS, KEYS, now) : undefined);
  const address = limit(settings.perAddressPerMinute);
  const installation = limit(settings.perInstallationPerMinute);
  return {
    byAddress(ip) {
      if (address) { refuseIfOver(address, ip, 'this address'); }
    },
    byInstallation(installationId) {
      if (installation) { refuseIfOver(installation, installationId, 'this installation'); }
    },
  };
}

function refuseIfOver(limit: FixedWindowLimit, key: string, who: string): void {
  const retryAfterSeconds = limit.hit(key);
  if (retryAfterSeconds === 0) { return; }
  throw new ProblemError(429, 'rate_limited',
    `More than ${limit.max} requests a minute from ${who}. Retry after ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
}
