// The API that the Candor extension's activate() returns to other extensions. Shapes of the wire
// (catalogue, field errors, reason codes) come from the spec's generated types.
import type { EventCatalogue, FieldError, ReasonCode } from '../../generated/types';

export type { EventCatalogue, EventDeclaration, FieldError, PropertyDeclaration, ReasonCode } from '../../generated/types';

export type PropertyValue = string | number | boolean;

export type TrackResult =
  /** Stored durably; it will be sent (or held for review) when consent and the endpoint allow. */
  | { readonly status: 'accepted'; readonly eventId: string }
  /** Not recorded, and not the caller's fault: consent does not allow this kind now, a milestone was already reached, … */
  | { readonly status: 'notCollected'; readonly reason: string }
  /** Refused: the event breaks a rule; nothing was recorded. `message` names the field and the rule. */
  | { readonly status: 'refused'; readonly code: ReasonCode; readonly message: string; readonly errors: readonly FieldError[] };

export interface CandorReporter {
  /** The extension this reporter reports for. */
  readonly extensionId: string;
  /** A feature or command was used. */
  usage(name: string, fields?: { properties?: Record<string, PropertyValue>; measurements?: Record<string, number> }): Promise<TrackResult>;
  /** A measurement, in the unit the catalogue declares. */
  performance(name: string, value: number, fields?: { properties?: Record<string, PropertyValue> }): Promise<TrackResult>;
  /** A failure; message and stack are scrubbed before they are stored. */
  error(name: string, error: unknown, fields?: { properties?: Record<string, PropertyValue>; fatal?: boolean }): Promise<TrackResult>;
  /** A first-time step, reported once per installation with the time since installation. */
  milestone(name: string): Promise<TrackResult>;
  /** `name` as its declaration says, each member of `values` routed to a declared property or measurement. */
  send(name: string, values?: Readonly<Record<string, unknown>>, error?: unknown): Promise<TrackResult>;
  /** Whether events of this kind would be recorded now (both the editor and the user allow them). */
  isEnabled(kind: 'usage' | 'performance' | 'error' | 'milestone'): boolean;
  dispose(): void;
}

export type RegisterResult =
  | { readonly ok: true; readonly reporter: CandorReporter; /** Names the user must approve before their first delivery. */ readonly newEventNames: readonly string[] }
  | { readonly ok: false; readonly message: string; readonly errors: readonly FieldError[] };

export interface ConsentSummary {
  /** Usage, performance and milestone events are recorded. */
  readonly usageAllowed: boolean;
  /** Error events are recorded. */
  readonly errorsAllowed: boolean;
  /** Why, in one sentence. */
  readonly explanation: string;
}

/** Structurally `vscode.TelemetrySender`. */
export interface TelemetrySenderLike {
  sendEventData(eventName: string, data?: Record<string, unknown>): void;
  sendErrorData(error: Error, data?: Record<string, unknown>): void;
}

export interface CandorApi {
  readonly apiVersion: 1;
  /**
   * Registers the calling extension's catalogue and returns its reporter. The catalogue's `extension`
   * must be the id of the calling extension, which Candor checks from the call's own stack.
   */
  register(catalogue: EventCatalogue): Promise<RegisterResult>;
  /** A sender for `vscode.env.createTelemetryLogger(sender)`, reporting through `reporter`. */
  createTelemetrySender(reporter: CandorReporter, options?: { errorEvent?: string; onResult?: (result: TrackResult, eventName: string) => void }): TelemetrySenderLike;
  consent(): ConsentSummary;
  onDidChangeConsent(listener: (consent: ConsentSummary) => void): { dispose(): void };
}

export const CANDOR_EXTENSION_ID = 'candor.candor';
