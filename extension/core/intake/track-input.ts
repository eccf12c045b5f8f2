// What a caller hands to `track`: an event's kind, name, source and data, without the envelope fields
// that Candor fills in itself (id, time, sequence, installation, session, client). The shapes are the
// generated types of the schemas, so a caller in TypeScript is checked at compile time; a caller in
// JavaScript (another extension) is checked at run time by check-input.ts.
import type { CandorEvent, FieldError, ReasonCode } from '../../../generated/types';

export type EventKind = CandorEvent['kind'];
export type EventOfKind<K extends EventKind> = Extract<CandorEvent, { kind: K }>;

export type TrackInput = {
  [K in EventKind]: {
    readonly kind: K;
    /** The event's name from its extension's catalogue. */
    readonly name: string;
    /** The reporting extension. Set by Candor from the caller's registration (issue 7), never by the caller itself. */
    readonly source: { readonly extension: string; readonly version: string };
    readonly data: EventOfKind<K>['data'];
    /**
     * Names of `data.properties` whose values identify someone or something (the catalogue's
     * `EndUserPseudonymizedInformation`): they are hashed with the installation's salt, never sent as given.
     */
    readonly identifiers?: readonly string[];
  }
}[EventKind];

export type TrackResult =
  /** Stored durably; it will be sent (or, if it cannot be, counted as a drop with a reason). */
  | { readonly status: 'accepted'; readonly eventId: string }
  /** Not recorded, because consent does not allow this kind now. Not an error: the caller need do nothing. */
  | { readonly status: 'notCollected'; readonly reason: string }
  /** Not recorded, because the event is wrong: the code, and each field with the rule it breaks. */
  | { readonly status: 'refused'; readonly code: Extract<ReasonCode, 'invalid_event' | 'event_too_large'>; readonly message: string; readonly errors: readonly FieldError[] }
  /** Not recorded, because Candor could not store it (a full or unwritable disk); nothing else was lost. */
  | { readonly status: 'failed'; readonly message: string };
