// What a caller hands to `track`: an event's kind, name, source and data, without the envelope fields
// that Candor fills in itself (id, time, sequence, installation, session, client). The shapes are the
// generated types of the schemas, so a caller in TypeScript is checked at compile time; a caller in
// JavaScript (another extension) is checked at run time by check-input.ts.
import type { CandorEvent } from '../../../generated/types';

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

/** The outcome of `track`: the API's own result type (accepted, notCollected with a reason, refused with a code and fields). */
export type { TrackResult } from '../events/intake';
