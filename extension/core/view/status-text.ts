// What the status bar item says, for each state of consent and delivery; pure, so every state is tested.
import type { ConsentState } from '../consent/consent';
import type { PipelineStatus } from '../pipeline';

/** The item's text and tooltip; pure, so every state can be checked. */
export function statusText(consent: ConsentState, status?: PipelineStatus): { text: string; detail: string } {
  const on = consent.usageAllowed || consent.errorsAllowed;
  if (!on) { return { text: '$(circle-slash) Candor: off', detail: consent.explanation }; }
  const scope = consent.usageAllowed ? '' : ': errors only';
  const pending = status?.pendingEvents ?? 0;
  const waiting = pending === 1 ? '1 event waits to be sent.' : `${pending} events wait to be sent.`;
  if (status?.paused) { return { text: `$(debug-pause) Candor: paused${scope ? ' (errors only)' : ''}`, detail: `Sending is paused; events are still recorded. ${waiting} ${consent.explanation}` }; }
  if (status && status.awaitingReview > 0) {
    return { text: `$(eye) Candor: ${status.awaitingReview} to review`, detail: `${status.awaitingReview} batch(es) wait for your approval before they are sent (review mode). ${consent.explanation}` };
  }
  if (status?.lastFailure?.held) {
    return { text: '$(key) Candor: sending held', detail: `Sending is held: ${status.lastFailure.message}. ${waiting}` };
  }
  if (status?.lastFailure) {
    const next = status.nextAttemptAt ? ` Next attempt at ${new Date(status.nextAttemptAt).toLocaleTimeString()}.` : '';
    return { text: `$(warning) Candor: delivery failed`, detail: `The last delivery failed: ${status.lastFailure.message}.${next} ${waiting}` };
  }
  const count = pending > 0 ? `${scope ? ',' : ':'} ${pending} pending` : '';
  return { text: `$(pulse) Candor${scope}${count}`, detail: `${consent.explanation} ${waiting}` };
}
