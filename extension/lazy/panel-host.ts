// Entry of dist/lazy/panel-host.js: the panel's host (its page, CSP, message checks and session), loaded
// when Show Pending Events or Show Consent and Status is first run.
export { CandorPanel } from '../host/panel/panel';
