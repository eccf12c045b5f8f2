// Statistics of a day's measurements as the daily aggregate reports them: count, min, max and the
// nearest-rank percentiles p50/p95/p99 (the smallest value with at least p% of values at or below it).

export interface Stats {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export function nearestRank(sortedAscending: readonly number[], percent: number): number {
  if (sortedAscending.length === 0) { throw new Error('no values'); }
  const rank = Math.max(1, Math.ceil((percent / 100) * sortedAscending.length));
  return sortedAscending[rank - 1]!;
}

export function statsOf(values: readonly number[]): Stats | undefined {
  if (values.length === 0) { return undefined; }
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    p50: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
  };
}
