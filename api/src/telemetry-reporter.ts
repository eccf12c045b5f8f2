// A drop-in for @vscode/extension-telemetry's TelemetryReporter: the same methods, reporting through
// Candor. Switching is a change of import plus a catalogue:
//   import TelemetryReporter from 'candor-api';
//   const reporter = new TelemetryReporter(catalogue);
// Unlike the incumbent there is no bypass: the sendDangerous* methods honour consent like the others.
import type { CandorReporter, EventCatalogue, TrackResult } from './types';
import { getCandor } from './get-candor';

export interface DropInOptions {
  /** Told about every outcome (the incumbent's methods return nothing, so refusals come here). Default: refusals are logged to the console once per message. */
  readonly onResult?: (result: TrackResult, eventName: string) => void;
}

type Level = 'all' | 'error' | 'crash' | 'off';

export class TelemetryReporter {
  private readonly reporter: Promise<CandorReporter | undefined>;
  private pending: Promise<unknown> = Promise.resolve();
  private readonly warned = new Set<string>();
  private level: Level = 'off';

  constructor(catalogue: EventCatalogue, private readonly options: DropInOptions = {}) {
    this.reporter = getCandor().then(async (api) => {
      if (!api) { return undefined; }
      const update = () => { const c = api.consent(); this.level = c.usageAllowed ? 'all' : c.errorsAllowed ? 'error' : 'off'; };
      update();
      api.onDidChangeConsent(update);
      const registration = await api.register(catalogue);
      if (!registration.ok) { this.warn(`Candor refused the catalogue of ${catalogue.extension}: ${registration.message}`); return undefined; }
      return registration.reporter;
    }, (e: unknown) => { this.warn(`Candor is unavailable: ${e instanceof Error ? e.message : String(e)}`); return undefined; });
  }

  /** The level Candor sends at now: `all`, `error` (errors only) or `off`. */
  get telemetryLevel(): Level { return this.level; }

  sendTelemetryEvent(eventName: string, properties?: Record<string, unknown>, measurements?: Record<string, number>): void {
    this.enqueue(eventName, { ...properties, ...measurements });
  }

  sendRawTelemetryEvent(eventName: string, properties?: Record<string, unknown>, measurements?: Record<string, number>): void {
    this.enqueue(eventName, { ...properties, ...measurements });
  }

  sendTelemetryErrorEvent(eventName: string, properties?: Record<string, unknown>, measurements?: Record<string, number>): void {
    this.enqueue(eventName, { ...properties, ...measurements });
  }

  /** Same as sendTelemetryEvent: Candor has no way around the user's choice. */
  sendDangerousTelemetryEvent(eventName: string, properties?: Record<string, unknown>, measurements?: Record<string, number>): void {
    this.enqueue(eventName, { ...properties, ...measurements });
  }

  /** Same as sendTelemetryErrorEvent: Candor has no way around the user's choice. */
  sendDangerousTelemetryErrorEvent(eventName: string, properties?: Record<string, unknown>, measurements?: Record<string, number>): void {
    this.enqueue(eventName, { ...properties, ...measurements });
  }

  /** Waits for what was sent to be recorded, then stops. */
  async dispose(): Promise<void> {
    await this.pending;
    (await this.reporter)?.dispose();
  }

  private enqueue(eventName: string, values: Record<string, unknown>): void {
    // In order, after registration; each call's outcome goes to onResult.
    this.pending = this.pending.then(async () => {
      const reporter = await this.reporter;
      if (!reporter) { return; }
      const result = await reporter.send(eventName, values);
      if (this.options.onResult) { this.options.onResult(result, eventName); }
      else if (result.status === 'refused') { this.warn(`Candor refused "${eventName}": ${result.message}`); }
    });
  }

  private warn(message: string): void {
    if (this.warned.has(message) || this.options.onResult) { return; }
    this.warned.add(message);
    console.warn(message);
  }
}
