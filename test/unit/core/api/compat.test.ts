// The two compatibility routes: calls shaped like @vscode/extension-telemetry's and VS Code's
// TelemetrySender, both reaching the same checked reporter.
import { describe, expect, it } from 'vitest';
import validateCatalogue from '../../../../generated/validators/catalogue.cjs';
import type { EventCatalogue } from '../../../../generated/types';
import { CatalogueRegistry } from '../../../../extension/core/catalogue/registry';
import { CallerLimiter } from '../../../../extension/core/api/caller-limits';
import { Reporter } from '../../../../extension/core/api/reporter';
import { createSender } from '../../../../extension/core/api/telemetry-sender';
import { Milestones } from '../../../../extension/core/builtin/milestones';
import type { EventInput } from '../../../../extension/core/events/event-input';
import type { TrackResult } from '../../../../extension/core/events/intake';
import { toFieldErrors } from '../../../../protocol/validation-errors';
import { gitGraphCatalogue } from './fixtures';

async function setup() {
  const clock = { now: () => 1_000_000 };
  const saved = new Map<string, EventCatalogue>();
  const registry = new CatalogueRegistry({ get: (id) => saved.get(id), set: async (id, c) => { saved.set(id, c); } }, (e) => toFieldErrors(e));
  await registry.register(gitGraphCatalogue(), 'acme.git-graph', validateCatalogue);
  const inputs: EventInput[] = [];
  const reporter = new Reporter({ extension: 'acme.git-graph', version: '2.1.0' }, undefined, {
    registry, clock, limiter: new CallerLimiter(clock), milestones: new Milestones({ reached: {} }, () => 0), onRefused: () => {},
    intake: { track: async (_s, input) => { inputs.push(input); return { status: 'accepted', eventId: 'x' }; } },
  });
  return { reporter, inputs };
}

describe('send(name, values): the incumbent call shape', () => {
  it('routes members to declared properties and measurements by the catalogue', async () => {
    const { reporter, inputs } = await setup();
    expect((await reporter.send('openView', { trigger: 'palette', nodes: 12 })).status).toBe('accepted');
    expect(inputs[0]).toEqual({ kind: 'usage', name: 'openView', data: { properties: { trigger: 'palette' }, measurements: { nodes: 12 } } });
  });

  it('takes a performance value from its one number', async () => {
    const { reporter, inputs } = await setup();
    expect((await reporter.send('renderTime', { view: 'graph', duration: 31.5 })).status).toBe('accepted');
    expect(inputs[0]).toEqual({ kind: 'performance', name: 'renderTime', data: { value: 31.5, unit: 'ms', properties: { view: 'graph' } } });
    expect(await reporter.send('renderTime', { a: 1, b: 2 })).toMatchObject({ status: 'refused', code: 'invalid_event' });
  });

  it('refuses an undeclared member by name', async () => {
    const { reporter } = await setup();
    const result = await reporter.send('openView', { trigger: 'palette', userName: 'alice' });
    expect(result).toMatchObject({ status: 'refused', errors: [{ pointer: '/data/properties/userName' }] });
  });
});

describe('the TelemetrySender', () => {
  it('strips the logger\'s prefix and every common.* member, machine id included', async () => {
    const { reporter, inputs } = await setup();
    const results: TrackResult[] = [];
    const sender = createSender(reporter, 'acme.git-graph', 'renderFailed', { onResult: (r) => results.push(r) });
    sender.sendEventData('Acme.git-graph/openView', { trigger: 'button', 'common.vscodemachineid': 'f00dfeed', 'common.extname': 'acme.git-graph' });
    sender.sendErrorData(new RangeError('bad range'), { stage: 'layout', 'common.vscodesessionid': 's' });
    await new Promise((r) => setImmediate(r));
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(inputs[0]).toEqual({ kind: 'usage', name: 'openView', data: { properties: { trigger: 'button' } } });
    expect(inputs[1]).toMatchObject({ kind: 'error', name: 'renderFailed', data: { errorType: 'RangeError', message: 'bad range', properties: { stage: 'layout' } } });
    expect(JSON.stringify(inputs)).not.toContain('f00dfeed');
  });

  it('tells about a refusal it cannot return', async () => {
    const { reporter } = await setup();
    const results: { r: TrackResult; name: string }[] = [];
    const sender = createSender(reporter, 'acme.git-graph', undefined, { onResult: (r, name) => results.push({ r, name }) });
    sender.sendEventData('acme.git-graph/unknownEvent', {});
    sender.sendErrorData(new Error('x'));
    await new Promise((r) => setImmediate(r));
    expect(results.map((x) => [x.name, x.r.status === 'refused' && x.r.code])).toEqual([['(error)', 'unregistered_event'], ['unknownEvent', 'unregistered_event']]);
  });
});
