// Whether Candor may collect and send, decided from everything that must agree. Pure: the editor's
// facts come in as plain values, so the whole truth table is testable without an editor.
import type { EventEnvelope } from '../../../generated/types';

export type EventKind = EventEnvelope['kind'];

/** The editor's telemetry level, as VS Code defines it (`telemetry.telemetryLevel`). */
export type TelemetryLevel = 'all' | 'error' | 'crash' | 'off';

export interface ConsentInputs {
  /** The editor allows usage telemetry (its TelemetryLogger's `isUsageEnabled`: level `all`). */
  readonly editorUsageEnabled: boolean;
  /** The editor allows error telemetry (`isErrorsEnabled`: level `error` or `all`). */
  readonly editorErrorsEnabled: boolean;
  /** The level the user set, for explanations only; the two flags above decide. */
  readonly editorLevel: TelemetryLevel;
  /** Candor's own opt-in, `candor.enabled`. */
  readonly candorEnabled: boolean;
  /** The endpoint to send to, or undefined when none is set or the setting is invalid. */
  readonly endpoint: string | undefined;
  /** Why the endpoint setting is unusable, when it is set but invalid. */
  readonly endpointProblem?: string;
}

export interface ConsentState {
  readonly usageAllowed: boolean;
  readonly errorsAllowed: boolean;
  readonly editorLevel: TelemetryLevel;
  readonly candorEnabled: boolean;
  readonly endpoint: string | undefined;
  /** One sentence naming the condition that stops sending, or saying what is sent and where. */
  readonly explanation: string;
}

export function evaluateConsent(inputs: ConsentInputs): ConsentState {
  const base = {
    editorLevel: inputs.editorLevel,
    candorEnabled: inputs.candorEnabled,
    endpoint: inputs.endpoint,
  };
  const off = (explanation: string): ConsentState => ({ ...base, usageAllowed: false, errorsAllowed: false, explanation });
  if (!inputs.editorErrorsEnabled) {
    return off(`Off: the editor's telemetry level is "${inputs.editorLevel}", which allows no extension to send telemetry.`);
  }
  if (!inputs.candorEnabled) {
    return off('Off: Candor is not enabled (the setting candor.enabled is off).');
  }
  if (!inputs.endpoint) {
    return off(inputs.endpointProblem
      ? `Off: the endpoint setting is not usable: ${inputs.endpointProblem}`
      : 'Off: no endpoint is set (the setting candor.endpoint).');
  }
  if (!inputs.editorUsageEnabled) {
    return { ...base, usageAllowed: false, errorsAllowed: true,
      explanation: `Errors only: the editor's telemetry level is "${inputs.editorLevel}"; sending error events to ${inputs.endpoint}.` };
  }
  return { ...base, usageAllowed: true, errorsAllowed: true, explanation: `On: sending usage, performance and error events to ${inputs.endpoint}.` };
}

/** Whether an event of this kind may be collected and sent in this state. Error events need `error` or above; all others need `all`. */
export function allowsKind(state: ConsentState, kind: EventKind): boolean {
  return kind === 'error' ? state.errorsAllowed : state.usageAllowed;
}
