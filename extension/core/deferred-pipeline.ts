// The pipeline, loaded only when it is needed. While consent allows nothing and nothing waits on disk,
// Candor does not even load the pipeline's code: an event gets its "not collected" answer here, at the
// cost of one check. (Microsoft's telemetry library does the same with its sender: "lazy loaded so if
// telemetry is off it's not loaded in".) Other extensions and Candor's own events call this `track`.
import { allowsKind, type ConsentState } from './consent/consent';
import type { EventInput } from './events/event-input';
import type { EventSource, Intake, IntakeOptions, TrackResult } from './events/intake';
import type { Pipeline } from './pipeline';

export class DeferredPipeline implements Intake {
  private loading: Promise<Pipeline> | undefined;
  private ready: Pipeline | undefined;
  private declined = new WeakMap<ConsentState, Promise<TrackResult>>();

  /** `load` makes and starts the pipeline (it requires the lazy bundle in the extension). */
  constructor(private readonly load: () => Promise<Pipeline>, private readonly consent: () => ConsentState) {}

  /** The pipeline, if it was loaded. */
  get loaded(): Pipeline | undefined { return this.ready; }

  /** The pipeline, loaded and started now if it was not yet. */
  get(): Promise<Pipeline> {
    this.loading ??= this.load().then((p) => { this.ready = p; return p; }, (error: unknown) => { this.loading = undefined; throw error; });
    return this.loading;
  }

  track(source: EventSource, event: EventInput, options?: IntakeOptions): Promise<TrackResult> {
    if (this.ready) { return this.ready.track(source, event, options); }
    const consent = this.consent();
    const kind = (event as Partial<EventInput> | null)?.kind;
    if (typeof kind === 'string' && !allowsKind(consent, kind)) {
      let answer = this.declined.get(consent);
      if (!answer) { answer = Promise.resolve({ status: 'notCollected', reason: consent.explanation }); this.declined.set(consent, answer); }
      return answer;
    }
    return this.get().then((p) => p.track(source, event, options), (error: Error) =>
      ({ status: 'notCollected', reason: `Candor could not start its queue (${error.message}); this event was not recorded.` }));
  }
}
