// The daily aggregate, computed on the user's machine: per UTC day and event, how many times it
// happened and the spread of its measurements. Only these summaries leave, not a second copy of every
// value. State is a plain object so the host can persist it between sessions.
import type { EventInput } from '../events/event-input';
import { statsOf } from '../../../protocol/stats';

/** Values kept per measurement and day; beyond it, a uniform reservoir sample keeps memory bounded. */
export const MAX_VALUES_PER_MEASUREMENT = 2_000;
/** Distinct (source, event) pairs tracked per day; more are counted in `overflow`. */
export const MAX_EVENTS_PER_DAY = 200;

export interface AggregateState {
  /** UTC day → `source\u0000name` → entry. */
  days: Record<string, Record<string, { count: number; values: Record<string, { seen: number; kept: number[] }> }>>;
}

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export class DailyAggregator {
  constructor(private readonly state: AggregateState, private readonly random: () => number = Math.random) {}

  /** Counts an event that the intake accepted, with the numbers it measured. */
  record(atMs: number, source: string, input: EventInput): void {
    if (input.kind === 'dailyAggregate' || input.kind === 'heartbeat') { return; }
    const day = (this.state.days[utcDay(atMs)] ??= {});
    const key = `${source}\u0000${input.name}`;
    if (!day[key] && Object.keys(day).length >= MAX_EVENTS_PER_DAY) { return; }
    const entry = (day[key] ??= { count: 0, values: {} });
    entry.count++;
    for (const [name, value] of Object.entries(measurementsOf(input))) {
      const m = (entry.values[name] ??= { seen: 0, kept: [] });
      m.seen++;
      if (m.kept.length < MAX_VALUES_PER_MEASUREMENT) { m.kept.push(value); continue; }
      const slot = Math.floor(this.random() * m.seen);
      if (slot < MAX_VALUES_PER_MEASUREMENT) { m.kept[slot] = value; }
    }
  }

  /** The aggregate events of every day before `todayMs`'s UTC day, removed from the state. */
  takeFinishedDays(todayMs: number): EventInput[] {
    const today = utcDay(todayMs);
    const out: EventInput[] = [];
    for (const day of Object.keys(this.state.days).filter((d) => d < today).sort()) {
      for (const [key, entry] of Object.entries(this.state.days[day]!)) {
        const [eventSource, eventName] = key.split('\u0000') as [string, string];
        const measurements: Record<string, NonNullable<ReturnType<typeof statsOf>>> = {};
        for (const [name, m] of Object.entries(entry.values)) {
          const stats = statsOf(m.kept);
          if (stats) { measurements[name] = { ...stats, count: m.seen }; }
        }
        out.push({ kind: 'dailyAggregate', name: 'candor.dailyAggregate', data: { day, eventName, eventSource, count: entry.count, measurements } });
      }
      delete this.state.days[day];
    }
    return out;
  }
}

function measurementsOf(input: EventInput): Record<string, number> {
  if (input.kind === 'performance') { return { value: input.data.value }; }
  if (input.kind === 'usage') { return { ...(input.data.measurements ?? {}) } as Record<string, number>; }
  if (input.kind === 'session' && input.data.durationMs !== undefined) { return { durationMs: input.data.durationMs }; }
  return {};
}
