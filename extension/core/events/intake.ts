// The one way into the pipeline, for Candor's own events and other extensions' alike.
import type { TrackResult } from '../../../api/src/types';
import type { EventInput } from './event-input';

export interface EventSource {
  /** `publisher.name`, lower case. */
  readonly extension: string;
  readonly version: string;
}

/** The outcome of recording one event; the same type other extensions see through Candor's API. */
export type { TrackResult } from '../../../api/src/types';

export interface IntakeOptions {
  /** Names in `data.properties` whose values are identifiers: replaced by a keyed hash before storing. */
  readonly identifiers?: readonly string[];
}

export interface Intake {
  track(source: EventSource, input: EventInput, options?: IntakeOptions): Promise<TrackResult>;
}
