import { describe, expect, it } from 'vitest';
import validateCatalogue from '../../../../generated/validators/catalogue.cjs';
import validateEvent from '../../../../generated/validators/event.cjs';
import type { EventCatalogue, ReasonCode } from '../../../../generated/types';
import { CatalogueRegistry } from '../../../../extension/core/catalogue/registry';
import { CallerLimiter } from '../../../../extension/core/api/caller-limits';
import { Reporter } from '../../../../extension/core/api/reporter';
import { Milestones } from '../../../../extension/core/builtin/milestones';
import type { EventInput } from '../../../../extension/core/events/event-input';
import type { EventSource, Intake, IntakeOptions, TrackResult } from '../../../../extension/core/events/intake';
import { toFieldErrors } from '../../../../protocol/validation-errors';
import { rig } from '../../../support/harness';
import { gitGraphCatalogue } from './fixtures';

class RecordingIntake implements Intake {
  readonly calls: { source: EventSource; input: EventInput; options?: IntakeOptions }[] = [];
  async track(source: EventSource, input: EventInput, options?: IntakeOptions): Promise<TrackResult> {
    this.calls.push({ source, input, options });
    return { status: 'accepted', eventId: `id-${this.calls.length}` };
  }
}

/** Wraps an input in a complete envelope, to check the result against the spec's event schema. */
const asEvent = (input: EventInput) => ({
  id: '01936d3c-5a4e-7b1c-9f3e-2d4c6a8b0e12', timestamp: '2026-11-29T18:23:14.512Z', sequence: 0,
  installationId: '3f1c2b9e-8d7a-4e6f-b5c4-a3d2e1f0c9b8', sessionId: '9b2f0c7e4a1d6b3e8f5a2c9d0e7b4a1f',
  source: { extension: 'acme.git-graph', version: '2.1.0' },
  client: { candorVersion: '0.1.0', editorName: 'Visual Studio Code', editorVersion: '1.100.3', platform: 'linux' },
  ...input,
});

async function setup(options: { perMinute?: number; burst?: number; maxEventBytes?: number; intake?: Intake } = {}) {
  let now = Date.parse('2026-11-29T12:00:00Z');
  const clock = { now: () => now };
  const saved = new Map<string, EventCatalogue>();
  const registry = new CatalogueRegistry({ get: (id) => saved.get(id), set: async (id, c) => { saved.set(id, c); } }, (e) => toFieldErrors(e));
  await registry.register(gitGraphCatalogue(), 'acme.git-graph', validateCatalogue);
  const intake = new RecordingIntake();
  const refused: ReasonCode[] = [];
  const reporter = new Reporter({ extension: 'acme.git-graph', version: '2.1.0' }, '/home/alice/.vscode/extensions/acme.git-graph-2.1.0', {
    registry, intake: options.intake ?? intake, clock,
    limiter: new CallerLimiter(clock, { perMinute: options.perMinute ?? 600, burst: options.burst ?? 200, maxEventBytes: options.maxEventBytes ?? 16_384 }),
    milestones: new Milestones({ reached: {} }, () => Date.parse('2026-11-29T11:58:00Z')),
    onRefused: (code) => refused.push(code),
  });
  return { reporter, intake, refused, advance: (ms: number) => { now += ms; } };
}

describe('a reporter', () => {
  it('sends each kind as a valid event of the spec, with identifiers marked for hashing', async () => {
    const { reporter, intake } = await setup();
    expect((await reporter.usage('openView', { properties: { trigger: 'button', repoId: 'github.com/alice/secret' }, measurements: { nodes: 40 } })).status).toBe('accepted');
    expect((await reporter.performance('renderTime', 12.5, { properties: { view: 'graph' } })).status).toBe('accepted');
    const err = new TypeError('Cannot read properties of undefined');
    err.stack = 'TypeError: Cannot read properties of undefined\n    at draw (/home/alice/.vscode/extensions/acme.git-graph-2.1.0/dist/extension.js:10:5)\n    at /home/alice/work/project/tool.js:1:1';
    expect((await reporter.error('renderFailed', err, { properties: { stage: 'layout' }, fatal: true })).status).toBe('accepted');
    expect((await reporter.milestone('firstGraph')).status).toBe('accepted');
    expect(intake.calls.map((c) => c.input.kind)).toEqual(['usage', 'performance', 'error', 'milestone']);
    for (const call of intake.calls) {
      expect(validateEvent(asEvent(call.input)), JSON.stringify(validateEvent.errors)).toBe(true);
    }
    expect(intake.calls[0]!.options?.identifiers).toEqual(['repoId']);
    expect(intake.calls[1]!.input).toMatchObject({ data: { value: 12.5, unit: 'ms' } });
    expect(intake.calls[2]!.input).toMatchObject({ data: { errorType: 'TypeError', fatal: true,
      stack: [{ function: 'draw', file: 'dist/extension.js', line: 10, column: 5 }, { file: '<path>.js', line: 1, column: 1 }] } });
    expect(JSON.stringify(intake.calls[2]!.input)).not.toContain('alice');
    expect(intake.calls[3]!.input).toEqual({ kind: 'milestone', name: 'firstGraph', data: { msSinceInstall: 120_000 } });
  });

  it('refuses an undeclared name, listing what is declared, and counts the drop', async () => {
    const { reporter, intake, refused } = await setup();
    const result = await reporter.usage('closeView');
    expect(result).toMatchObject({ status: 'refused', code: 'unregistered_event' });
    expect(result.status === 'refused' && result.message).toMatch(/declared: openView, renderTime, renderFailed, firstGraph/);
    expect(intake.calls).toHaveLength(0);
    expect(refused).toEqual(['unregistered_event']);
  });

  it('refuses the wrong kind and broken fields, naming field and rule, without throwing', async () => {
    const { reporter, intake } = await setup();
    expect(await reporter.performance('openView', 3)).toMatchObject({ status: 'refused', code: 'invalid_event', errors: [{ pointer: '/kind' }] });
    const bad = await reporter.usage('openView', { properties: { trigger: 'menu' } });
    expect(bad).toMatchObject({ status: 'refused', code: 'invalid_event', errors: [{ pointer: '/data/properties/trigger' }] });
    expect(bad.status === 'refused' && bad.message).toMatch(/declared enum/);
    expect(await reporter.performance('renderTime', Number.POSITIVE_INFINITY)).toMatchObject({ status: 'refused', errors: [{ pointer: '/data/value' }] });
    expect(await reporter.usage(42 as unknown as string)).toMatchObject({ status: 'refused', code: 'unregistered_event' });
    expect(intake.calls).toHaveLength(0);
  });

  it('limits a caller that sends in a loop, and lets it go on once the rate allows', async () => {
    const { reporter, refused, advance } = await setup({ perMinute: 60, burst: 3 });
    const results = [];
    for (let i = 0; i < 5; i++) { results.push((await reporter.usage('openView', { properties: { trigger: 'button' } })).status); }
    expect(results).toEqual(['accepted', 'accepted', 'accepted', 'refused', 'refused']);
    expect(refused).toEqual(['caller_rate_limited', 'caller_rate_limited']);
    advance(1_000);
    expect((await reporter.usage('openView', { properties: { trigger: 'button' } })).status).toBe('accepted');
  });

  it('refuses an event over the per-event size', async () => {
    const { reporter } = await setup({ maxEventBytes: 300 });
    expect(await reporter.error('renderFailed', new Error('x'.repeat(400)))).toMatchObject({ status: 'refused', code: 'event_too_large' });
  });

  it('reports a milestone once', async () => {
    const { reporter, intake } = await setup();
    await reporter.milestone('firstGraph');
    expect(await reporter.milestone('firstGraph')).toMatchObject({ status: 'notCollected' });
    expect(intake.calls).toHaveLength(1);
  });

  it('says so when used after dispose', async () => {
    const { reporter } = await setup();
    reporter.dispose();
    expect(await reporter.usage('openView', { properties: { trigger: 'button' } })).toMatchObject({ status: 'refused' });
  });

  it('hashes only the identifiers an event carries: an optional identifier left out is no reason to refuse it', async () => {
    // Against the pipeline's real intake, which refuses an identifier name that is not among the properties.
    const { pipeline } = await rig();
    const { reporter } = await setup({ intake: pipeline });
    expect(await reporter.usage('openView', { properties: { trigger: 'button' } })).toMatchObject({ status: 'accepted' });
    expect(await reporter.usage('openView', { properties: { trigger: 'palette', repoId: 'github.com/alice/secret' } })).toMatchObject({ status: 'accepted' });
    const stored = pipeline.queue!.collectingEvents().map((e) => JSON.parse(e.line) as { data: { properties: Record<string, unknown> } });
    expect(stored.map((e) => e.data.properties)).toEqual([{ trigger: 'button' }, { trigger: 'palette', repoId: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
  });

  it('turns a failing intake into a result, not an exception', async () => {
    const { reporter, intake } = await setup();
    intake.track = async () => { throw new Error('disk full'); };
    expect(await reporter.usage('openView', { properties: { trigger: 'button' } })).toEqual({ status: 'notCollected', reason: 'Candor could not record the event: disk full' });
  });
});
