// Asking once (never nag): the first time the editor allows telemetry and Candor is not yet enabled,
// Candor asks; whatever the answer — enable, not now, or closing the notification — it is recorded on
// this machine and the question is not asked again. The user can always change it in the settings or
// with "Candor: Show Consent and Status".

export type FirstRunChoice = 'enabled' | 'notNow' | 'dismissed' | 'alreadyEnabled';

export interface FirstRunFacts {
  /** What was recorded last time, if anything. */
  readonly recorded: FirstRunChoice | undefined;
  /** The editor allows at least error telemetry (asking is pointless when it allows none). */
  readonly editorAllows: boolean;
  readonly candorEnabled: boolean;
}

export type FirstRunDecision = { readonly ask: false; readonly record?: FirstRunChoice } | { readonly ask: true };

export function firstRun(facts: FirstRunFacts): FirstRunDecision {
  if (facts.recorded !== undefined) { return { ask: false }; }
  // Someone (the user, an administrator's policy) already turned it on: nothing to ask, ever.
  if (facts.candorEnabled) { return { ask: false, record: 'alreadyEnabled' }; }
  // Not now, and not recorded: ask once the editor allows telemetry at all.
  if (!facts.editorAllows) { return { ask: false }; }
  return { ask: true };
}
