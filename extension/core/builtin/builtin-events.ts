// Candor's own events: session start and end, the heartbeat, daily aggregates, activation time and
// command latencies, Candor's own errors, and its time-to-first-value milestones. Each goes through the
// same intake as any extension's events, so the same consent, scrubbing and preview apply.
import type { Clock } from '../clock';
import type { EventInput } from '../events/event-input';
import type { EventSource, Intake } from '../events/intake';
import type { ReasonCode } from '../../../generated/types';
import { DailyAggregator, type AggregateState } from './daily-aggregate';
import { HEARTBEAT_INTERVAL_MS, HeartbeatTracker } from './heartbeat';
import { Milestones, type MilestoneState } from './milestones';
import { stackFrames } from './stack-frames';

/** Structurally `vscode.Memento`: state kept across sessions. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export interface Timers {
  every(ms: number, fn: () => void): { dispose(): void };
}

export type CandorOperation = 'intake' | 'queue' | 'delivery' | 'webview' | 'api' | 'activation';

const AGGREGATES = 'candor.builtin.aggregates';
const MILESTONES = 'candor.builtin.milestones';

export class BuiltinEvents {
  readonly milestones: Milestones;
  private readonly aggregator: DailyAggregator;
  private readonly aggregateState: AggregateState;
  private readonly milestoneState: MilestoneState;
  private readonly heartbeat: HeartbeatTracker;
  private readonly sessionStart: number;
  private timer: { dispose(): void } | undefined;

  constructor(
    private readonly source: EventSource,
    private readonly intake: Intake,
    private readonly clock: Clock,
    private readonly store: KeyValueStore,
    installedAtMs: () => number,
    private readonly extensionRoot: string | undefined,
    focused: boolean,
  ) {
    this.aggregateState = store.get<AggregateState>(AGGREGATES) ?? { days: {} };
    this.milestoneState = store.get<MilestoneState>(MILESTONES) ?? { reached: {} };
    this.aggregator = new DailyAggregator(this.aggregateState);
    this.milestones = new Milestones(this.milestoneState, installedAtMs);
    this.sessionStart = clock.now();
    this.heartbeat = new HeartbeatTracker(this.sessionStart, focused);
  }

  /** At activation: the session starts, activation time is measured, the first-activation milestone. */
  async start(activationMs: number, timers: Timers): Promise<void> {
    await this.send({ kind: 'session', name: 'candor.session', data: { phase: 'start' } });
    await this.send({ kind: 'performance', name: 'candor.activation', data: { value: round(activationMs), unit: 'ms' } });
    await this.milestone('candor.firstActivation');
    await this.flushAggregates();
    this.timer = timers.every(HEARTBEAT_INTERVAL_MS, () => { void this.tick(); });
  }

  /** Every accepted event of any extension passes here, for the counters and the daily aggregate. */
  observe(source: string, input: EventInput): void {
    this.heartbeat.recorded(input.kind);
    // Saved with each heartbeat and at the end of the session, not per event: a crash loses at most
    // a quarter of an hour of counting, never an event.
    this.aggregator.record(this.clock.now(), source, input);
  }

  delivered(batches: number): void { this.heartbeat.delivered(batches); }
  dropped(code: ReasonCode, count = 1): void { this.heartbeat.dropped(code, count); }
  focusChanged(focused: boolean): void { this.heartbeat.focusChanged(focused, this.clock.now()); }

  async milestone(name: 'candor.firstActivation' | 'candor.firstRegisteredEvent' | 'candor.firstDelivery'): Promise<void> {
    const input = this.milestones.reach(this.source.extension, name, this.clock.now());
    if (input) { await this.store.update(MILESTONES, this.milestoneState); await this.send(input); }
  }

  async command<T>(command: string, run: () => Promise<T> | T): Promise<T> {
    const started = this.clock.now();
    await this.send({ kind: 'usage', name: 'candor.command', data: { properties: { command } } });
    try { return await run(); } finally {
      await this.send({ kind: 'performance', name: 'candor.commandLatency', data: { value: round(this.clock.now() - started), unit: 'ms', properties: { command } } });
    }
  }

  async error(operation: CandorOperation, error: unknown, fatal = false): Promise<void> {
    const e = (error && typeof error === 'object' ? error : {}) as { name?: unknown; message?: unknown; stack?: unknown };
    const type = typeof e.name === 'string' && /^[A-Za-z_$][A-Za-z0-9_$.:-]{0,127}$/.test(e.name) ? e.name : 'Error';
    const message = typeof e.message === 'string' ? e.message : String(error);
    await this.send({ kind: 'error', name: 'candor.error', data: {
      errorType: type, message: [...message].slice(0, 1024).join(''), stack: stackFrames(e.stack, this.extensionRoot), fatal, properties: { operation } } });
  }

  /** At deactivation: the last heartbeat if the editor was used, and the session's end. */
  async stop(): Promise<void> {
    this.timer?.dispose();
    await this.store.update(AGGREGATES, this.aggregateState);
    if (this.heartbeat.wasActive()) { await this.send(this.heartbeat.take(this.clock.now())); }
    await this.send({ kind: 'session', name: 'candor.session', data: { phase: 'end', durationMs: Math.max(0, Math.round(this.clock.now() - this.sessionStart)) } });
  }

  /** Forgets milestones and aggregates, for "forget me". */
  async reset(): Promise<void> {
    this.milestones.reset();
    this.aggregateState.days = {};
    await this.store.update(MILESTONES, this.milestoneState);
    await this.store.update(AGGREGATES, this.aggregateState);
  }

  private async tick(): Promise<void> {
    if (this.heartbeat.wasActive()) { await this.send(this.heartbeat.take(this.clock.now())); }
    await this.flushAggregates();
  }

  private async flushAggregates(): Promise<void> {
    const finished = this.aggregator.takeFinishedDays(this.clock.now());
    await this.store.update(AGGREGATES, this.aggregateState);
    for (const input of finished) { await this.send(input); }
  }

  private async send(input: EventInput): Promise<void> {
    await this.intake.track(this.source, input);
  }
}

const round = (ms: number) => Math.max(0, Math.round(ms * 1000) / 1000);
