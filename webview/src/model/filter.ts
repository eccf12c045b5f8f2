// Which pending events are shown: by source extension, kind and name, and a search through their bytes.
import type { PendingEvent } from './pending-index';

export interface Filter {
  readonly extension: string;
  readonly kind: string;
  readonly name: string;
  readonly search: string;
}

/** The empty value of a facet: no restriction. */
export const ANY = '';
export const NO_FILTER: Filter = { extension: ANY, kind: ANY, name: ANY, search: '' };

export function applyFilter(events: readonly PendingEvent[], f: Filter): PendingEvent[] {
  const needle = f.search.trim().toLowerCase();
  return events.filter((e) => (f.extension === ANY || e.extension === f.extension)
    && (f.kind === ANY || e.kind === f.kind)
    && (f.name === ANY || e.name === f.name)
    && (needle === '' || e.haystack.includes(needle)));
}

export type FacetName = 'extension' | 'kind' | 'name';

/** Each facet's values with how many events have them, sorted by value: the choices of the filter menus. */
export function facets(events: readonly PendingEvent[]): Record<FacetName, [string, number][]> {
  const count = (pick: (e: PendingEvent) => string) => {
    const m = new Map<string, number>();
    for (const e of events) { const k = pick(e); m.set(k, (m.get(k) ?? 0) + 1); }
    return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  };
  return { extension: count((e) => e.extension), kind: count((e) => e.kind), name: count((e) => e.name) };
}
