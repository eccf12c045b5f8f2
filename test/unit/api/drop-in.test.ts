// The drop-in TelemetryReporter, driven with @vscode/extension-telemetry's own call shapes (its README
// and typical use), against Candor's real reporter core behind a fake `vscode.extensions`.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import validateCatalogue from '../../../generated/validators/catalogue.cjs';
import type { EventCatalogue } from '../../../generated/types';
import type { CandorApi, RegisterResult, TrackResult } from '../../../api/src/types';
import { CatalogueRegistry } from '../../../extension/core/catalogue/registry';
import { CallerLimiter } from '../../../extension/core/api/caller-limits';
import { Reporter } from '../../../extension/core/api/reporter';
import { Milestones } from '../../../extension/core/builtin/milestones';
import type { EventInput } from '../../../extension/core/events/event-input';
import { toFieldErrors } from '../../../protocol/validation-errors';

const state = vi.hoisted(() => ({ api: undefined as unknown }));
vi.mock('vscode', () => ({
  extensions: { getExtension: (id: string) => (id === 'candor.candor' && state.api ? { isActive: true, exports: state.api } : undefined) },
}));

const catalogue: EventCatalogue = {
  extension: 'acme.sample',
  events: [
    { name: 'sampleEvent', kind: 'usage', description: 'The sample ran.', purpose: 'FeatureInsight',
      properties: { stringProp: { type: 'string', description: 'Some string.', classification: 'SystemMetaData' } },
      measurements: { numericMeasure: { description: 'Some number.' } } },
    { name: 'commandFailed', kind: 'error', description: 'A command failed.', purpose: 'PerformanceAndHealth',
      properties: { command: { type: 'string', description: 'Which command.', classification: 'SystemMetaData' }, retries: { type: 'integer', minimum: 0, maximum: 10, description: 'Retries.', classification: 'SystemMetaData' } } },
  ],
};

function fakeCandor(inputs: EventInput[]): CandorApi {
  const saved = new Map<string, EventCatalogue>();
  const registry = new CatalogueRegistry({ get: (id) => saved.get(id), set: async (id, c) => { saved.set(id, c); } }, (e) => toFieldErrors(e));
  const clock = { now: () => 0 };
  return {
    apiVersion: 1,
    async register(c): Promise<RegisterResult> {
      const r = await registry.register(c, 'acme.sample', validateCatalogue);
      if (!r.ok) { return r; }
      return { ok: true, newEventNames: r.newEventNames, reporter: new Reporter({ extension: 'acme.sample', version: '1.0.0' }, undefined, {
        registry, clock, limiter: new CallerLimiter(clock), milestones: new Milestones({ reached: {} }, () => 0), onRefused: () => {},
        intake: { track: async (_s, input) => { inputs.push(input); return { status: 'accepted', eventId: String(inputs.length) }; } } }) };
    },
    createTelemetrySender: () => { throw new Error('unused'); },
    consent: () => ({ usageAllowed: false, errorsAllowed: true, explanation: 'Errors only.' }),
    onDidChangeConsent: () => ({ dispose() {} }),
  };
}

describe('the drop-in TelemetryReporter', () => {
  let inputs: EventInput[];
  beforeEach(() => { inputs = []; state.api = fakeCandor(inputs); });

  it('takes the incumbent\'s call shapes unchanged', async () => {
    const { default: TelemetryReporter } = await import('../../../api/src/index');
    const results: TrackResult[] = [];
    const reporter = new TelemetryReporter(catalogue, { onResult: (r) => results.push(r) });
    reporter.sendTelemetryEvent('sampleEvent', { stringProp: 'some string' }, { numericMeasure: 123 });
    reporter.sendTelemetryErrorEvent('commandFailed', { command: 'sample.run' }, { retries: 2 });
    reporter.sendDangerousTelemetryEvent('sampleEvent', { stringProp: 'dangerous is not a bypass' });
    reporter.sendRawTelemetryEvent('sampleEvent');
    await reporter.dispose();
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    expect(inputs[0]).toEqual({ kind: 'usage', name: 'sampleEvent', data: { properties: { stringProp: 'some string' }, measurements: { numericMeasure: 123 } } });
    expect(inputs[1]).toMatchObject({ kind: 'error', name: 'commandFailed', data: { errorType: 'Error', properties: { command: 'sample.run', retries: 2 } } });
    expect(reporter.telemetryLevel).toBe('error');
  });

  it('reports a refusal instead of throwing or dropping silently', async () => {
    const { default: TelemetryReporter } = await import('../../../api/src/index');
    const results: { r: TrackResult; name: string }[] = [];
    const reporter = new TelemetryReporter(catalogue, { onResult: (r, name) => results.push({ r, name }) });
    reporter.sendTelemetryEvent('notDeclared', { a: 'b' });
    reporter.sendTelemetryEvent('sampleEvent', { path: '/home/alice/x' });
    await reporter.dispose();
    expect(results.map((x) => x.r.status === 'refused' && x.r.code)).toEqual(['unregistered_event', 'invalid_event']);
    expect(inputs).toEqual([]);
  });

  it('is a quiet no-op when Candor is not installed', async () => {
    state.api = undefined;
    const { default: TelemetryReporter } = await import('../../../api/src/index');
    const reporter = new TelemetryReporter(catalogue);
    expect(() => reporter.sendTelemetryEvent('sampleEvent')).not.toThrow();
    await reporter.dispose();
    expect(reporter.telemetryLevel).toBe('off');
  });
});
