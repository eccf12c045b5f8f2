import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import validateEvent from '../../../../generated/validators/event.cjs';
import { DailyAggregator, MAX_VALUES_PER_MEASUREMENT, type AggregateState } from '../../../../extension/core/builtin/daily-aggregate';
import { HeartbeatTracker } from '../../../../extension/core/builtin/heartbeat';
import { Milestones } from '../../../../extension/core/builtin/milestones';
import { nearestRank, statsOf } from '../../../../protocol/stats';
import { stackFrames } from '../../../../extension/core/builtin/stack-frames';
import type { EventInput } from '../../../../extension/core/events/event-input';

const envelope = {
  id: '01936d3c-5a4e-7b1c-9f3e-2d4c6a8b0e12', timestamp: '2026-11-29T18:23:14.512Z', sequence: 0,
  installationId: '3f1c2b9e-8d7a-4e6f-b5c4-a3d2e1f0c9b8', sessionId: '9b2f0c7e4a1d6b3e8f5a2c9d0e7b4a1f',
  source: { extension: 'candor.candor', version: '0.1.0' },
  client: { candorVersion: '0.1.0', editorName: 'Visual Studio Code', editorVersion: '1.100.3', platform: 'linux' },
};
const valid = (input: EventInput) => { const ok = validateEvent({ ...envelope, ...input }); return ok || JSON.stringify(validateEvent.errors); };

describe('percentiles', () => {
  it('are the nearest-rank percentiles of a direct computation', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 500 }), (values) => {
      const sorted = [...values].sort((a, b) => a - b);
      const direct = (p: number) => sorted.find((_, i) => (i + 1) / sorted.length >= p / 100)!;
      const stats = statsOf(values)!;
      expect(stats).toEqual({ count: values.length, min: sorted[0], max: sorted.at(-1), p50: direct(50), p95: direct(95), p99: direct(99) });
    }));
  });
  it('of 1..100 are 50, 95 and 99', () => {
    const s = statsOf(Array.from({ length: 100 }, (_, i) => 100 - i))!;
    expect([s.p50, s.p95, s.p99, s.min, s.max]).toEqual([50, 95, 99, 1, 100]);
    expect(nearestRank([7], 99)).toBe(7);
  });
});

describe('the daily aggregate', () => {
  const day1 = Date.parse('2026-11-28T10:00:00Z');
  const day2 = Date.parse('2026-11-29T00:00:01Z');
  const perf = (value: number): EventInput => ({ kind: 'performance', name: 'candor.commandLatency', data: { value, unit: 'ms', properties: { command: 'candor.sendNow' } } });

  it('summarises a finished day per event, as valid events, and forgets it', () => {
    const state: AggregateState = { days: {} };
    const agg = new DailyAggregator(state);
    for (let v = 1; v <= 100; v++) { agg.record(day1, 'candor.candor', perf(v)); }
    agg.record(day1, 'acme.git-graph', { kind: 'usage', name: 'openView', data: { measurements: { nodes: 4 } } });
    agg.record(day2, 'candor.candor', perf(5));
    expect(agg.takeFinishedDays(day1)).toEqual([]);
    const events = agg.takeFinishedDays(day2);
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({ kind: 'dailyAggregate', name: 'candor.dailyAggregate', data: {
      day: '2026-11-28', eventName: 'candor.commandLatency', eventSource: 'candor.candor', count: 100,
      measurements: { value: { count: 100, min: 1, max: 100, p50: 50, p95: 95, p99: 99 } } } });
    expect(events[1]!.data).toMatchObject({ eventSource: 'acme.git-graph', eventName: 'openView', count: 1, measurements: { nodes: { count: 1, p99: 4 } } });
    for (const e of events) { expect(valid(e)).toBe(true); }
    expect(Object.keys(state.days)).toEqual(['2026-11-29']);
    expect(agg.takeFinishedDays(day2)).toEqual([]);
  });

  it('keeps memory bounded: a reservoir beyond the cap, the true count in the statistics', () => {
    const state: AggregateState = { days: {} };
    const agg = new DailyAggregator(state, () => 0.999999);
    for (let i = 0; i < MAX_VALUES_PER_MEASUREMENT + 500; i++) { agg.record(day1, 'candor.candor', perf(i)); }
    const kept = Object.values(state.days['2026-11-28']!)[0]!.values.value!.kept;
    expect(kept).toHaveLength(MAX_VALUES_PER_MEASUREMENT);
    const [event] = agg.takeFinishedDays(day2);
    expect(event!.data).toMatchObject({ count: MAX_VALUES_PER_MEASUREMENT + 500, measurements: { value: { count: MAX_VALUES_PER_MEASUREMENT + 500 } } });
  });

  it('does not aggregate its own aggregates or heartbeats', () => {
    const state: AggregateState = { days: {} };
    new DailyAggregator(state).record(day1, 'candor.candor', { kind: 'heartbeat', name: 'candor.heartbeat', data: { intervalMs: 1, activeMs: 0, counters: {}, drops: {} } });
    expect(state.days).toEqual({});
  });
});

describe('milestones', () => {
  it('are reported once, with the time since installation and since the previous one of the same extension', () => {
    const m = new Milestones({ reached: {} }, () => 1_000);
    const first = m.reach('candor.candor', 'candor.firstActivation', 6_000);
    expect(first).toEqual({ kind: 'milestone', name: 'candor.firstActivation', data: { msSinceInstall: 5_000 } });
    expect(m.reach('candor.candor', 'candor.firstActivation', 7_000)).toBeUndefined();
    expect(m.reach('acme.x', 'first', 8_000)).toEqual({ kind: 'milestone', name: 'first', data: { msSinceInstall: 7_000 } });
    expect(m.reach('candor.candor', 'candor.firstDelivery', 16_000)).toEqual({ kind: 'milestone', name: 'candor.firstDelivery', data: { msSinceInstall: 15_000, msSincePrevious: 10_000 } });
    expect(valid(first!)).toBe(true);
    m.reset();
    expect(m.reach('candor.candor', 'candor.firstActivation', 20_000)).toBeDefined();
  });
});

describe('the heartbeat', () => {
  it('reports focus time, counters and drops of its period, then starts a new one', () => {
    const hb = new HeartbeatTracker(0, true);
    hb.recorded('usage'); hb.recorded('usage'); hb.recorded('error'); hb.delivered(2); hb.dropped('queue_full', 3);
    hb.focusChanged(false, 60_000);
    hb.focusChanged(true, 100_000);
    const event = hb.take(120_000);
    expect(event).toEqual({ kind: 'heartbeat', name: 'candor.heartbeat', data: {
      intervalMs: 120_000, activeMs: 80_000, counters: { usage: 2, error: 1, batchesDelivered: 2 }, drops: { queue_full: 3 } } });
    expect(valid(event)).toBe(true);
    expect(hb.take(180_000).data).toEqual({ intervalMs: 60_000, activeMs: 60_000, counters: {}, drops: {} });
  });
  it('knows an idle editor', () => {
    const hb = new HeartbeatTracker(0, false);
    expect(hb.wasActive()).toBe(false);
    hb.recorded('usage');
    expect(hb.wasActive()).toBe(true);
  });
});

describe('stack frames', () => {
  const root = 'C:\\Users\\alice\\.vscode\\extensions\\acme.x-1.0.0';
  it('keep paths inside the extension and reduce the rest to a file extension', () => {
    const stack = [
      'Error: boom',
      '    at Object.run (C:\\Users\\alice\\.vscode\\extensions\\acme.x-1.0.0\\dist\\main.js:3:9)',
      '    at async Promise.all (index 0)',
      '    at file:///Users/alice/secret-project/src/a%20b.ts:10:2',
      '    at node:internal/process/task_queues:95:5',
      '    at <anonymous>',
    ].join('\n');
    const frames = stackFrames(stack, root);
    expect(frames).toEqual([
      { function: 'Object.run', file: 'dist/main.js', line: 3, column: 9 },
      { function: 'Promise.all', file: '<path>' },
      { file: '<path>.ts', line: 10, column: 2 },
      { file: 'node:internal/process/task_queues', line: 95, column: 5 },
      { file: '<anonymous>' },
    ]);
    expect(JSON.stringify(frames)).not.toMatch(/alice|secret/);
  });
  it('cap at 64 frames and ignore what is not a stack', () => {
    expect(stackFrames(`E\n${'    at f (x.js:1:1)\n'.repeat(100)}`, undefined)).toHaveLength(64);
    expect(stackFrames(42, undefined)).toEqual([]);
  });
});
