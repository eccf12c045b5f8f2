// The rows of the pending list: a header for each group, then its events. Grouping by batch keeps the
// order in which batches will be sent; the other groupings sort by their value.
import type { PendingEvent, PendingIndex } from './pending-index';

export type GroupBy = 'batch' | 'extension' | 'kind' | 'name';
export const GROUPINGS: readonly GroupBy[] = ['batch', 'extension', 'kind', 'name'];

export interface GroupRow {
  readonly type: 'group';
  readonly key: string;
  readonly groupBy: GroupBy;
  /** The batch id, the extension, the kind or the name. */
  readonly value: string;
  readonly events: readonly PendingEvent[];
  readonly bytes: number;
}
export interface EventRow { readonly type: 'event'; readonly key: string; readonly event: PendingEvent }
export type Row = GroupRow | EventRow;

const groupKey: Record<GroupBy, (e: PendingEvent) => string> = {
  batch: (e) => e.batchId, extension: (e) => e.extension, kind: (e) => e.kind, name: (e) => e.name,
};

export function buildRows(shown: readonly PendingEvent[], groupBy: GroupBy, index: PendingIndex): Row[] {
  const groups = new Map<string, PendingEvent[]>();
  for (const e of shown) {
    const k = groupKey[groupBy](e);
    let g = groups.get(k);
    if (!g) { g = []; groups.set(k, g); }
    g.push(e);
  }
  let entries = [...groups];
  if (groupBy === 'batch') {
    const order = new Map(index.batches.map((b, i) => [b.batch.batchId, i]));
    entries.sort(([a], [b]) => order.get(a)! - order.get(b)!);
  } else {
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  const rows: Row[] = [];
  for (const [value, events] of entries) {
    rows.push({ type: 'group', key: `group:${groupBy}:${value}`, groupBy, value, events, bytes: events.reduce((n, e) => n + e.bytes, 0) });
    for (const event of events) { rows.push({ type: 'event', key: event.key, event }); }
  }
  return rows;
}

export interface Totals { readonly batches: number; readonly events: number; readonly bytes: number }

/** Everything pending: batches, events, and the bytes that will be sent (whole bodies). */
export function totals(index: PendingIndex): Totals {
  return {
    batches: index.batches.length,
    events: index.batches.reduce((n, b) => n + (b.layout.ok ? b.events.length : b.batch.eventCount), 0),
    bytes: index.batches.reduce((n, b) => n + b.bodyBytes, 0),
  };
}

/** What the filter shows: its events and their own bytes (without the batches' framing). */
export function shownTotals(shown: readonly PendingEvent[]): { readonly events: number; readonly bytes: number } {
  return { events: shown.length, bytes: shown.reduce((n, e) => n + e.bytes, 0) };
}
