// Rate limits of PROTOCOL.md §4 (429 with Retry-After): per client address, checked before the body is
// read, and per installation, checked once the batch has named its installation. Counting is
// @fastify/rate-limit's (fixed one-minute windows in an LRU store per process); with several replicas
// each counts its own share.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemError } from './problem';

export interface RateLimitSettings {
  perAddressPerMinute: number;
  perInstallationPerMinute: number;
}

export interface RateLimits {
  /** Throws 429 when the request's address is over its limit. */
  byAddress(request: FastifyRequest): Promise<void>;
  /** Throws 429 when the installation is over its limit. */
  byInstallation(request: FastifyRequest, installationId: string): Promise<void>;
}

type Check = (request: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number }>;

const installationOf = new WeakMap<FastifyRequest, string>();

export async function registerRateLimits(app: FastifyInstance, settings: RateLimitSettings): Promise<RateLimits> {
  await app.register(rateLimit, { global: false, timeWindow: 60_000, cache: 100_000, max: 1 });
  const create = (app as unknown as { createRateLimit(o: object): Check }).createRateLimit.bind(app);
  const address = settings.perAddressPerMinute > 0
    ? create({ max: settings.perAddressPerMinute, keyGenerator: (r: FastifyRequest) => `a:${r.ip}` }) : undefined;
  const installation = settings.perInstallationPerMinute > 0
    ? create({ max: settings.perInstallationPerMinute, keyGenerator: (r: FastifyRequest) => `i:${installationOf.get(r) ?? ''}` }) : undefined;
  return {
    async byAddress(request) {
      if (address) { refuseIfExceeded(await address(request), 'this address', settings.perAddressPerMinute); }
    },
    async byInstallation(request, installationId) {
      if (!installation) { return; }
      installationOf.set(request, installationId);
      refuseIfExceeded(await installation(request), 'this installation', settings.perInstallationPerMinute);
    },
  };
}

function refuseIfExceeded(limit: { isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number }, who: string, max: number): void {
  if (limit.isAllowed || !limit.isExceeded) { return; }
  const retryAfterSeconds = Math.max(1, limit.ttlInSeconds ?? 60);
  throw new ProblemError(429, 'rate_limited',
    `More than ${max} requests a minute from ${who}. Retry after ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
}
