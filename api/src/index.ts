// candor-api: the types of Candor's API, a helper to get it, and a drop-in TelemetryReporter.
export * from './types';
export { getCandor } from './get-candor';
export { TelemetryReporter, type DropInOptions } from './telemetry-reporter';
export { TelemetryReporter as default } from './telemetry-reporter';
