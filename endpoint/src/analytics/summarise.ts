// The daily roll-up: for one day, per extension and event name, how many events, how many distinct
// installations, and for each measurement its count, min, max and nearest-rank p50/p95/p99 — the
// statistics a dailyAggregate event carries (daily-aggregate.schema.json, `stats`), computed here over
// every installation. Events are folded in one at a time; only their installation and measurements stay.
import type { CandorEvent } from '../../../generated/types';
import { statsOf } from '../../../protocol/stats';
import type { DayAccumulator, RollupRow } from '../storage/storage';
import { measurementsOf } from './measurements';

const MAX_MEASUREMENTS = 64;

interface Group { source: string; name: string; events: number; installations: Set<string>; values: Map<string, number[]> }

export function dailyRollup(day: string, computedAt: number): DayAccumulator {
  const groups = new Map<string, Group>();
  return {
    add(installationId, eventJson) {
      // Stored events were valid when stored (event.schema.json); the roll-up trusts that.
      const event = JSON.parse(eventJson) as CandorEvent;
      const key = `${event.source.extension}\u0000${event.name}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { source: event.source.extension, name: event.name, events: 0, installations: new Set(), values: new Map() };
        groups.set(key, group);
      }
      group.events++;
      group.installations.add(installationId);
      for (const [name, value] of measurementsOf(event)) {
        let list = group.values.get(name);
        if (list === undefined) { list = []; group.values.set(name, list); }
        list.push(value);
      }
    },
    finish() {
      return [...groups.values()].map((g): RollupRow => ({
        day, source: g.source, name: g.name, events: g.events, installations: g.installations.size, measurements: measurementsJson(g.values), computedAt,
      }));
    },
  };
}

/** At most the 64 measurements with the most values (daily-rollups.schema.json), listed by name. */
function measurementsJson(values: Map<string, number[]>): string {
  const names = [...values.keys()]
    .sort((a, b) => values.get(b)!.length - values.get(a)!.length || (a < b ? -1 : 1))
    .slice(0, MAX_MEASUREMENTS)
    .sort();
  // Written by hand, not from an object: a measurement may be called `__proto__`. A measurement is
  // listed once it has a value, so each has statistics.
  return `{${names.map((name) => `${JSON.stringify(name)}:${JSON.stringify(statsOf(values.get(name)!)!)}`).join(',')}}`;
}
