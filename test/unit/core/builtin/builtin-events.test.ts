import { describe, expect, it } from 'vitest';
import validateEvent from '../../../../generated/validators/event.cjs';
import { BuiltinEvents, type KeyValueStore } from '../../../../extension/core/builtin/builtin-events';
import { HEARTBEAT_INTERVAL_MS } from '../../../../extension/core/builtin/heartbeat';
import type { EventInput } from '../../../../extension/core/events/event-input';

function setup(stored: Record<string, unknown> = {}) {
  let now = Date.parse('2026-11-28T23:50:00Z');
  const clock = { now: () => now };
  const sent: EventInput[] = [];
  const data = new Map(Object.entries(stored));
  const store: KeyValueStore = { get: <T>(k: string) => data.get(k) as T | undefined, update: async (k, v) => { data.set(k, structuredClone(v)); } };
  let tick: (() => void) | undefined;
  const timers = { every: (ms: number, fn: () => void) => { expect(ms).toBe(HEARTBEAT_INTERVAL_MS); tick = fn; return { dispose: () => { tick = undefined; } }; } };
  const events = new BuiltinEvents({ extension: 'candor.candor', version: '0.1.0' },
    { track: async (_s, input) => { sent.push(input); events.observe('candor.candor', input); return { status: 'accepted', eventId: 'x' }; } },
    clock, store, () => now - 60_000, '/ext/candor', true);
  return { events, sent, data, timers, advance: (ms: number) => { now += ms; }, tick: () => tick?.() };
}
const envelope = {
  id: '01936d3c-5a4e-7b1c-9f3e-2d4c6a8b0e12', timestamp: '2026-11-29T18:23:14.512Z', sequence: 0,
  installationId: '3f1c2b9e-8d7a-4e6f-b5c4-a3d2e1f0c9b8', sessionId: '9b2f0c7e4a1d6b3e8f5a2c9d0e7b4a1f',
  source: { extension: 'candor.candor', version: '0.1.0' },
  client: { candorVersion: '0.1.0', editorName: 'Visual Studio Code', editorVersion: '1.100.3', platform: 'linux' },
};

describe("Candor's built-in events", () => {
  it('cover a session: start, activation time, first activation, commands, errors, heartbeat, aggregates, end — all valid events', async () => {
    const { events, sent, timers, advance, tick } = setup();
    await events.start(7.25, timers);
    expect(await events.command('candor.sendNow', () => { advance(40); return 'done'; })).toBe('done');
    const boom = new Error('could not write /home/alice/queue.jsonl');
    boom.stack = 'Error: could not write\n    at write (/ext/candor/dist/extension.js:1:200)';
    await events.error('queue', boom);
    advance(HEARTBEAT_INTERVAL_MS);
    tick();
    await new Promise((r) => setImmediate(r));
    advance(10 * 60_000);
    tick();
    await new Promise((r) => setImmediate(r));
    await events.stop();
    expect(sent.map((e) => `${e.kind}:${e.name}`)).toEqual([
      'session:candor.session', 'performance:candor.activation', 'milestone:candor.firstActivation',
      'usage:candor.command', 'performance:candor.commandLatency', 'error:candor.error',
      // 00:05 UTC: the first heartbeat, then yesterday's six aggregates are due
      'heartbeat:candor.heartbeat', 'dailyAggregate:candor.dailyAggregate', 'dailyAggregate:candor.dailyAggregate', 'dailyAggregate:candor.dailyAggregate',
      'dailyAggregate:candor.dailyAggregate', 'dailyAggregate:candor.dailyAggregate', 'dailyAggregate:candor.dailyAggregate',
      'heartbeat:candor.heartbeat', 'heartbeat:candor.heartbeat', 'session:candor.session',
    ]);
    for (const e of sent) { expect(validateEvent({ ...envelope, ...e }), `${e.name}: ${JSON.stringify(validateEvent.errors)}`).toBe(true); }
    expect(sent[1]!.data).toEqual({ value: 7.25, unit: 'ms' });
    expect(sent[2]!.data).toEqual({ msSinceInstall: 60_000 });
    expect(sent[4]!.data).toMatchObject({ value: 40, properties: { command: 'candor.sendNow' } });
    expect(sent[5]!.data).toMatchObject({ errorType: 'Error', fatal: false, properties: { operation: 'queue' }, stack: [{ function: 'write', file: 'dist/extension.js' }] });
    expect(sent[6]!.data).toMatchObject({ intervalMs: HEARTBEAT_INTERVAL_MS + 40, counters: { performance: 2, milestone: 1, usage: 1, error: 1 } });
    const latency = sent.find((e) => e.kind === 'dailyAggregate' && e.data.eventName === 'candor.commandLatency')!;
    expect(latency.data).toMatchObject({ day: '2026-11-28', count: 1, measurements: { value: { p50: 40 } } });
    expect(sent.at(-1)!.data).toEqual({ phase: 'end', durationMs: 2 * 60 * 1000 * 12.5 + 40 });
  });

  it('reach the first-activation milestone once across sessions, and again after "forget me"', async () => {
    const first = setup();
    await first.events.start(1, first.timers);
    await first.events.stop();
    const second = setup(Object.fromEntries(first.data));
    await second.events.start(1, second.timers);
    expect(second.sent.some((e) => e.kind === 'milestone')).toBe(false);
    await second.events.reset();
    await second.events.milestone('candor.firstActivation');
    expect(second.sent.filter((e) => e.kind === 'milestone')).toHaveLength(1);
  });

  it('send no heartbeat for an idle, unfocused period', async () => {
    const { events, sent, timers, advance, tick } = setup();
    await events.start(1, timers);
    events.focusChanged(false);
    advance(HEARTBEAT_INTERVAL_MS); tick(); await new Promise((r) => setImmediate(r));
    const countAfterFirst = sent.filter((e) => e.kind === 'heartbeat').length;
    advance(HEARTBEAT_INTERVAL_MS); tick(); await new Promise((r) => setImmediate(r));
    expect(sent.filter((e) => e.kind === 'heartbeat').length).toBe(countAfterFirst);
  });
});
