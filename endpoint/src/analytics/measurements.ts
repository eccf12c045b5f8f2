// Which numbers of an event the daily roll-up summarises, by kind.
import type { CandorEvent } from '../../../generated/types';

/** The event's measurements, name → value (a Map: names may be `constructor` or `__proto__`). */
export function measurementsOf(event: CandorEvent): Map<string, number> {
  const out = new Map<string, number>();
  const put = (name: string, value: number | undefined) => { if (typeof value === 'number' && Number.isFinite(value)) { out.set(name, value); } };
  switch (event.kind) {
    case 'usage':
      // Object.entries, not indexing: JSON.parse makes a `__proto__` member an own property.
      for (const [name, value] of Object.entries(event.data.measurements ?? {})) { put(name, value); }
      break;
    case 'performance': put('value', event.data.value); break;
    case 'session': put('durationMs', event.data.durationMs); break;
    case 'heartbeat': put('intervalMs', event.data.intervalMs); put('activeMs', event.data.activeMs); break;
    case 'milestone': put('msSinceInstall', event.data.msSinceInstall); put('msSincePrevious', event.data.msSincePrevious); break;
    case 'dailyAggregate': put('count', event.data.count); break;
    case 'error': break;
  }
  return out;
}
