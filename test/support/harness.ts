// A whole pipeline wired to fakes (clock, files, endpoint, secrets), for unit tests of its behaviour.
import { evaluateConsent, type ConsentState, type TelemetryLevel } from '../../extension/core/consent/consent';
import type { TrackInput } from '../../extension/core/intake/track-input';
import { Pipeline, type PipelineDeps, type PipelineSettings } from '../../extension/core/pipeline';
import { FakeClock, settle } from './fake-clock';
import { FakeFiles } from './fake-files';
import { FakeEndpoint } from './fake-transport';
import { aliveProcess, directModules, FakeSecrets, generatedValidators, TEST_CLIENT } from './fakes';
import { TEST_PERSONAL } from './pii-corpus';

export const ENDPOINT = 'https://telemetry.example.com/';
export const STORAGE = '/storage';

/** Consent as the editor and settings give it; `endpoint: null` means none is set. */
export function consentAt(level: TelemetryLevel = 'all', candorEnabled = true, endpoint: string | null = ENDPOINT): ConsentState {
  return evaluateConsent({ editorUsageEnabled: level === 'all', editorErrorsEnabled: level === 'all' || level === 'error', editorLevel: level, candorEnabled, endpoint: endpoint ?? undefined });
}

export const SETTINGS: PipelineSettings = { endpoint: ENDPOINT, reviewBeforeSend: false, batchEvents: 500, batchIntervalMs: 30_000 };

export interface Rig {
  readonly clock: FakeClock;
  readonly files: FakeFiles;
  readonly endpoint: FakeEndpoint;
  readonly secrets: FakeSecrets;
  readonly pipeline: Pipeline;
  readonly process: ReturnType<typeof aliveProcess>;
}

export interface RigOptions {
  readonly consent?: ConsentState;
  readonly settings?: Partial<PipelineSettings>;
  readonly deps?: Partial<PipelineDeps>;
  readonly clock?: FakeClock;
  readonly files?: FakeFiles;
  readonly endpoint?: FakeEndpoint;
  readonly secrets?: FakeSecrets;
  readonly pid?: number;
  readonly start?: boolean;
}

/** A started pipeline (consent: all, enabled, endpoint set) with fakes; pass shared fakes to make a second window. */
export async function rig(options: RigOptions = {}): Promise<Rig> {
  const clock = options.clock ?? new FakeClock();
  const files = options.files ?? new FakeFiles();
  const endpoint = options.endpoint ?? new FakeEndpoint();
  const secrets = options.secrets ?? new FakeSecrets();
  const process = aliveProcess(options.pid);
  let n = 0;
  const pipeline = new Pipeline({
    storage: STORAGE, files, clock, transport: endpoint, secrets, validators: generatedValidators, modules: directModules, process, client: TEST_CLIENT,
    personal: TEST_PERSONAL, random: () => { n = (n + 1) % 7; return n / 7; }, ...options.deps,
  });
  clock.waitFor(() => pipeline.idle());
  if (options.start !== false) {
    await pipeline.start(options.consent ?? consentAt('all'), { ...SETTINGS, ...options.settings });
    await settle();
  }
  return { clock, files, endpoint, secrets, pipeline, process };
}

let counter = 0;
export const usage = (properties: Record<string, string | number | boolean> = {}, name = 'test.used'): TrackInput =>
  ({ kind: 'usage', name, source: { extension: 'test.caller', version: '1.0.0' }, data: { properties: { n: counter++, ...properties } } });
export const perf = (value = 12.5): TrackInput =>
  ({ kind: 'performance', name: 'test.measured', source: { extension: 'test.caller', version: '1.0.0' }, data: { value, unit: 'ms' } });
export const failure = (message = 'boom'): TrackInput =>
  ({ kind: 'error', name: 'test.failed', source: { extension: 'test.caller', version: '1.0.0' }, data: { errorType: 'TypeError', message, fatal: false } });

/** Tracks and expects acceptance; returns the event id. */
export async function accept(pipeline: Pipeline, input: TrackInput): Promise<string> {
  const result = await pipeline.trackInput(input);
  if (result.status !== 'accepted') { throw new Error(`expected accepted, got ${JSON.stringify(result)}`); }
  return result.eventId;
}
