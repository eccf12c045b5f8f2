// The one way into the pipeline, for Candor's own events and other extensions' alike.
import type { FieldError, ReasonCode } from '../../../generated/types';
import type { EventInput } from './event-input';

export interface EventSource {
  /** `publisher.name`, lower case. */
  readonly extension: string;
  readonly version: string;
}

export type TrackResult =
  /** Stored durably; it will be sent (or shown for review) when consent and the endpoint allow. */
  | { readonly status: 'accepted'; readonly eventId: string }
  /** Not recorded, and not an error of the caller: consent does not allow this kind now, or Candor is paused for intake. */
  | { readonly status: 'notCollected'; readonly reason: string }
  /** Refused: the event breaks a rule; nothing was recorded. The message names the field and the rule. */
  | { readonly status: 'refused'; readonly code: ReasonCode; readonly message: string; readonly errors: readonly FieldError[] };

export interface IntakeOptions {
  /** Names in `data.properties` whose values are identifiers: replaced by a keyed hash before storing. */
  readonly identifiers?: readonly string[];
}

export interface Intake {
  track(source: EventSource, input: EventInput, options?: IntakeOptions): Promise<TrackResult>;
}
