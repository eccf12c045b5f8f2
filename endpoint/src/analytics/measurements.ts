// Which numbers of an event the daily roll-up summarises, by kind. Kept with the event when it is
// stored, so that the roll-up never parses whole events.
import type { CandorEvent } from '../../../generated/types';

/** The event's measurements, name → value, or null when it has none. */
export function measurementsOf(event: CandorEvent): Map<string, number> | null {
  const out = new Map<string, number>();
  const put = (name: string, value: number | undefined) => { if (typeof value === 'number' && Number.isFinite(value)) { out.set(name, value); } };
  switch (event.kind) {
    case 'usage':
      for (const [name, value] of Object.entries(event.data.measurements ?? {})) { put(name, value); }
      break;
    case 'performance': put('value', event.data.value); break;
    case 'session': put('durationMs', event.data.durationMs); break;
    case 'heartbeat': put('intervalMs', event.data.intervalMs); put('activeMs', event.data.activeMs); break;
    case 'milestone': put('msSinceInstall', event.data.msSinceInstall); put('msSincePrevious', event.data.msSincePrevious); break;
    case 'dailyAggregate': put('count', event.data.count); break;
    case 'error': break;
  }
  return out.size > 0 ? out : null;
}

/** As stored: a JSON object (names may be `constructor` or `__proto__`, so it is written from a Map). */
export function measurementsJson(measurements: Map<string, number> | null): string | null {
  if (measurements === null) { return null; }
  let json = '{';
  for (const [name, value] of measurements) { json += `${json.length > 1 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(value)}`; }
  return `${json}}`;
}
