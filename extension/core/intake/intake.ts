// The way in: every event — Candor's own and, through the API of issue 7, other extensions' — enters by
// `track` (the `Intake` contract of ../events/intake.ts). In order: consent for its kind (a cheap no-op answer when not allowed: nothing is built,
// nothing is stored), the caller's input (refused with each field and rule), the envelope, scrubbing and
// hashing, the size limit, then the queue with group commit. The promise resolves when the event is on
// disk. Per-caller limits and catalogue checks (issue 7) sit in front of this and call it.
import type { ConsentState } from '../consent/consent';
import { allowsKind } from '../consent/consent';
import { EVENT_KINDS } from '../../../generated/event-kinds';
import { newEventId } from '../../../protocol/ids';
import { CLIENT_MAX_EVENT_BYTES } from '../../../protocol/limits';
import type { Clock } from '../ports/clock';
import type { ClientFacts } from '../ports/environment';
import { hashIdentifier } from '../privacy/hasher';
import type { Identity } from '../privacy/identity';
import type { Queue } from '../queue/queue';
import { EventBuilder } from './build-event';
import { checkInput } from './check-input';
import type { EventSource, Intake, IntakeOptions } from '../events/intake';
import type { EventInput } from '../events/event-input';
import type { EventKind, TrackInput, TrackResult } from './track-input';

export interface IntakeTarget {
  readonly queue: Queue;
  readonly identity: Identity;
}

export interface IntakeDeps {
  readonly clock: Clock;
  readonly builder: EventBuilder;
  readonly client: ClientFacts;
  /** A random id for this session; only its keyed hash is ever stored. */
  readonly sessionSecret: string;
  readonly consent: () => ConsentState;
  /** Where events go now, if the queue and identity are ready. */
  readonly target: () => IntakeTarget | undefined;
  /** Makes them ready (opens the queue, makes the identity on first use). */
  readonly prepare: () => Promise<IntakeTarget>;
}

const KINDS: ReadonlySet<string> = new Set(EVENT_KINDS);

export class EventIntake implements Intake {
  private sequence = 0;
  private sessionHash = { salt: undefined as Buffer | undefined, value: '' };
  private declined = new WeakMap<ConsentState, Promise<TrackResult>>();

  constructor(private readonly deps: IntakeDeps) {}

  /** Records one event. Never throws; the result says what happened and, if nothing, why. */
  track(source: EventSource, event: EventInput, options?: IntakeOptions): Promise<TrackResult> {
    const e = event as Partial<EventInput> | null | undefined;
    return this.trackInput(e !== null && typeof e === 'object' && !Array.isArray(e)
      ? { kind: e.kind, name: e.name, source, data: e.data, ...(options?.identifiers ? { identifiers: options.identifiers } : {}) }
      : event);
  }

  /** The same, for an input that carries its source (tests, and callers that build whole inputs). */
  trackInput(input: TrackInput | unknown): Promise<TrackResult> {
    const kind = (input as { kind?: unknown } | null)?.kind;
    if (typeof kind === 'string' && KINDS.has(kind)) {
      const consent = this.deps.consent();
      if (!allowsKind(consent, kind as EventKind)) { return this.notCollected(consent); }
    }
    const errors = checkInput(input);
    if (errors.length > 0) {
      return Promise.resolve({ status: 'refused', code: 'invalid_event', errors,
        message: `The event was not recorded: ${errors.slice(0, 3).map((e) => `${e.pointer || '(the event)'} ${e.message}`).join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}.` });
    }
    const target = this.deps.target();
    if (target) { return this.record(input as TrackInput, target); }
    return this.deps.prepare().then((t) => {
      // Consent may have changed while the queue was opening: ask again.
      if (!allowsKind(this.deps.consent(), (input as TrackInput).kind)) { return this.notCollected(this.deps.consent()); }
      return this.record(input as TrackInput, t);
    }, (error: Error) => notStored(error));
  }

  private notCollected(consent: ConsentState): Promise<TrackResult> {
    let answer = this.declined.get(consent);
    if (!answer) {
      answer = Promise.resolve({ status: 'notCollected', reason: consent.explanation });
      this.declined.set(consent, answer);
    }
    return answer;
  }

  private record(input: TrackInput, { queue, identity }: IntakeTarget): Promise<TrackResult> {
    const now = this.deps.clock.now();
    const id = newEventId(now);
    const event = this.deps.builder.build(input, {
      id, timestamp: new Date(now).toISOString(), sequence: this.sequence, installationId: identity.installationId,
      sessionId: this.hashedSession(identity), client: this.deps.client,
    }, identity.salt);
    const line = JSON.stringify(event);
    const bytes = Buffer.byteLength(line);
    if (bytes > CLIENT_MAX_EVENT_BYTES) {
      return Promise.resolve({ status: 'refused', code: 'event_too_large', errors: [{ pointer: '', message: `is ${bytes} bytes as JSON; the limit is ${CLIENT_MAX_EVENT_BYTES}` }],
        message: `The event was not recorded: it is ${bytes} bytes as JSON, more than the ${CLIENT_MAX_EVENT_BYTES} allowed; send fewer or shorter properties.` });
    }
    this.sequence = (this.sequence + 1) % 4294967296;
    // The ledger's first step, "queued", is not written per event: the event id carries its time (UUIDv7).
    return new Promise<TrackResult>((resolve) => {
      queue.add({ id, kind: event.kind, name: event.name, extension: event.source.extension, installationId: event.installationId, at: now, line, bytes },
        () => resolve({ status: 'accepted', eventId: id }), (error) => resolve(notStored(error)));
    });
  }

  private hashedSession(identity: Identity): string {
    if (this.sessionHash.salt !== identity.salt) {
      this.sessionHash = { salt: identity.salt, value: hashIdentifier(identity.salt, this.deps.sessionSecret) };
    }
    return this.sessionHash.value;
  }
}

/** Storage failed (a full or unwritable disk): not the caller's fault, so `notCollected` with the reason. */
function notStored(error: unknown): TrackResult {
  const message = error instanceof Error ? error.message : String(error);
  return { status: 'notCollected', reason: `Candor could not write its queue (${message}); this event was not recorded. Events accepted before are safe.` };
}
