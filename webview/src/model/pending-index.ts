// The pending batches of the latest state, read once: each event's exact slice of its batch's bytes,
// with the few fields the panel groups and filters by. A batch is read again only when its bytes change,
// so a live update of one collecting batch does not re-read the other 9,500 events.
import type { PendingBatch } from '../../../generated/types';
import { type BatchLayout, layOutBatch } from './batch-layout';
import { utf8Length } from './utf8';

export interface PendingEvent {
  /**
   * Unique in the panel: the batch id and the event's id (its place, for an event without a usable or
   * unique id). It follows the event when other events before it go, so a selection never slides onto
   * an event the user did not choose; an event moved to another batch is a new row.
   */
  readonly key: string;
  readonly batchId: string;
  readonly index: number;
  /** The event's `id`, if it has a usable one (discarding needs it). */
  readonly id: string | undefined;
  readonly kind: string;
  readonly name: string;
  readonly extension: string;
  /** The event exactly as it stands in the batch's bytes. */
  readonly text: string;
  readonly bytes: number;
  readonly value: unknown;
  /** `text` in lower case, for the search box. */
  readonly haystack: string;
}

export interface ReadBatch {
  readonly batch: PendingBatch;
  readonly layout: BatchLayout;
  readonly events: readonly PendingEvent[];
  /** The size of the body in UTF-8 bytes, as counted here (not as the extension said). */
  readonly bodyBytes: number;
}

export const UNKNOWN = '(unknown)';
const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function readBatch(batch: PendingBatch): ReadBatch {
  const layout = layOutBatch(batch.body);
  const events: PendingEvent[] = [];
  if (layout.ok) {
    const values = layout.parsed.events as unknown[];
    const seen = new Set<string>();
    layout.events.forEach((span, index) => {
      const value = values[index];
      const e = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
      const source = (e.source !== null && typeof e.source === 'object' ? e.source : {}) as Record<string, unknown>;
      const text = batch.body.slice(span.start, span.end);
      const raw = str(e.id);
      const id = raw !== undefined && UUIDV7.test(raw) ? raw : undefined;
      const unique = id !== undefined && !seen.has(id);
      if (id !== undefined) { seen.add(id); }
      events.push({
        key: unique ? `${batch.batchId}:${id}` : `${batch.batchId}:#${index}`,
        batchId: batch.batchId,
        index,
        id,
        kind: str(e.kind) ?? UNKNOWN,
        name: str(e.name) ?? UNKNOWN,
        extension: str(source.extension) ?? UNKNOWN,
        text,
        bytes: utf8Length(batch.body, span.start, span.end),
        value,
        haystack: text.toLowerCase(),
      });
    });
  }
  return { batch, layout, events, bodyBytes: utf8Length(batch.body) };
}

export class PendingIndex {
  private byId = new Map<string, ReadBatch>();
  private list: readonly ReadBatch[] = [];
  private flat: readonly PendingEvent[] = [];
  /** How many batches the last update had to read (the others were unchanged). */
  lastReadCount = 0;

  update(pending: readonly PendingBatch[]): void {
    const next = new Map<string, ReadBatch>();
    let read = 0;
    this.list = pending.map((batch) => {
      const known = this.byId.get(batch.batchId);
      const r = known && known.batch.body === batch.body ? { ...known, batch } : (read++, readBatch(batch));
      next.set(batch.batchId, r);
      return r;
    });
    this.byId = next;
    this.lastReadCount = read;
    this.flat = this.list.flatMap((b) => b.events);
  }

  get batches(): readonly ReadBatch[] { return this.list; }
  get events(): readonly PendingEvent[] { return this.flat; }
  batch(batchId: string): ReadBatch | undefined { return this.byId.get(batchId); }
}
