// An event as the queue holds it: its compact JSON line (the exact bytes that will be sent) and the few
// facts the queue decides on, so it never parses a line again.
import type { CandorEvent, EventEnvelope } from '../../../generated/types';

export type EventKind = EventEnvelope['kind'];

export interface EventMeta {
  readonly id: string;
  readonly kind: EventKind;
  readonly name: string;
  readonly extension: string;
  readonly installationId: string;
  /** The event's time in ms, for the age limit. */
  readonly at: number;
}

export interface QueuedEvent extends EventMeta {
  /** Compact JSON of the event, without a newline. */
  readonly line: string;
  /** UTF-8 length of `line`. */
  readonly bytes: number;
}

export function metaOf(event: CandorEvent): EventMeta {
  return {
    id: event.id, kind: event.kind, name: event.name, extension: event.source.extension,
    installationId: event.installationId, at: Date.parse(event.timestamp),
  };
}

export function queuedFrom(event: CandorEvent, line: string = JSON.stringify(event)): QueuedEvent {
  return { ...metaOf(event), line, bytes: Buffer.byteLength(line) };
}
