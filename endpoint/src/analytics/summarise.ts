// The daily roll-up of one event on one day: how many events, how many distinct installations, and for
// each measurement its count, min, max and nearest-rank p50/p95/p99 — the statistics a dailyAggregate
// event carries (daily-aggregate.schema.json, `stats`), computed here over every installation.
import type { Stats } from '../../../generated/types';
import type { RollupInput, RollupKey, RollupRow } from '../storage/storage';

const MAX_MEASUREMENTS = 64;

/** Nearest-rank percentile of sorted values: the smallest value with at least p% of values at or below it. */
export function nearestRank(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function statsOf(values: number[]): Stats {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  return {
    count: list.length,
    min: list[0]!,
    max: list[list.length - 1]!,
    p50: nearestRank(list, 50),
    p95: nearestRank(list, 95),
    p99: nearestRank(list, 99),
  };
}

export function summarise(key: RollupKey, inputs: readonly RollupInput[], computedAt: number): RollupRow {
  const installations = new Set<string>();
  const values = new Map<string, number[]>();
  for (const input of inputs) {
    installations.add(input.installationId);
    if (input.measures === null) { continue; }
    // Object.entries, not indexing: a measurement may be called `__proto__` (JSON.parse makes it an own member).
    for (const [name, v] of Object.entries(JSON.parse(input.measures) as Record<string, unknown>)) {
      if (typeof v !== 'number') { continue; }
      let list = values.get(name);
      if (list === undefined) { list = []; values.set(name, list); }
      list.push(v);
    }
  }
  // At most the 64 measurements with the most values (daily-rollups.schema.json), listed by name.
  const names = [...values.keys()]
    .sort((a, b) => values.get(b)!.length - values.get(a)!.length || (a < b ? -1 : 1))
    .slice(0, MAX_MEASUREMENTS)
    .sort();
  let measurements = '{';
  for (const name of names) {
    measurements += `${measurements.length > 1 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(statsOf(values.get(name)!))}`;
  }
  measurements += '}';
  return { ...key, events: inputs.length, installations: installations.size, measurements, computedAt };
}
