// The statistics of a measurement as the spec defines them (daily-aggregate.schema.json, `stats`): count,
// min, max and the nearest-rank percentiles p50/p95/p99. The client computes them over one installation's
// day (the dailyAggregate event), the reference endpoint over every installation's (the daily roll-up);
// both must agree on the method, so both use this.
import type { Stats } from '../generated/types';

/** Nearest-rank percentile of ascending values: the smallest value with at least `percent`% of the values at or below it. */
export function nearestRank(sortedAscending: readonly number[], percent: number): number {
  if (sortedAscending.length === 0) { throw new Error('no values'); }
  const rank = Math.max(1, Math.ceil((percent / 100) * sortedAscending.length));
  return sortedAscending[Math.min(rank, sortedAscending.length) - 1]!;
}

/** The statistics of `values` (in any order), or undefined when there are none. */
export function statsOf(values: readonly number[]): Stats | undefined {
  if (values.length === 0) { return undefined; }
  // A typed array sorts numbers numerically, without a comparator call per comparison.
  const sorted = Array.from(Float64Array.from(values).sort());
  return {
    count: sorted.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    p50: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
  };
}
