// The heartbeat: every few minutes while the editor is in use, what happened since the last one —
// time in focus, events recorded by kind, batches delivered, and events dropped by reason.
import type { ReasonCode } from '../../../generated/types';
import type { EventInput } from '../events/event-input';

export const HEARTBEAT_INTERVAL_MS = 15 * 60_000;
const COUNTED_KINDS = new Set(['usage', 'performance', 'error', 'milestone']);

export class HeartbeatTracker {
  private since: number;
  private focusedSince: number | undefined;
  private activeMs = 0;
  private counters: Record<string, number> = {};
  private drops: Partial<Record<ReasonCode, number>> = {};

  constructor(startMs: number, focused: boolean) {
    this.since = startMs;
    this.focusedSince = focused ? startMs : undefined;
  }

  /** Counts an event the intake accepted; Candor's own bookkeeping (session, heartbeat, aggregate) is not counted. */
  recorded(kind: string): void {
    if (!COUNTED_KINDS.has(kind)) { return; }
    this.counters[kind] = (this.counters[kind] ?? 0) + 1;
  }
  delivered(batches = 1): void { this.counters.batchesDelivered = (this.counters.batchesDelivered ?? 0) + batches; }
  dropped(code: ReasonCode, count = 1): void { this.drops[code] = (this.drops[code] ?? 0) + count; }

  focusChanged(focused: boolean, atMs: number): void {
    if (focused && this.focusedSince === undefined) { this.focusedSince = atMs; }
    if (!focused && this.focusedSince !== undefined) { this.activeMs += Math.max(0, atMs - this.focusedSince); this.focusedSince = undefined; }
  }

  /** Whether the editor was in use since the last heartbeat; an idle editor sends none. */
  wasActive(): boolean {
    return this.activeMs > 0 || this.focusedSince !== undefined || Object.keys(this.counters).length > 0;
  }

  /** The heartbeat for the period up to `atMs`, and a new period from there. */
  take(atMs: number): EventInput {
    const inFocus = this.focusedSince !== undefined ? Math.max(0, atMs - this.focusedSince) : 0;
    const intervalMs = Math.min(86_400_000, Math.max(0, Math.round(atMs - this.since)));
    const event: EventInput = {
      kind: 'heartbeat',
      name: 'candor.heartbeat',
      data: {
        intervalMs,
        activeMs: Math.min(intervalMs, Math.round(this.activeMs + inFocus)),
        counters: { ...this.counters },
        drops: { ...this.drops },
      },
    };
    this.since = atMs;
    if (this.focusedSince !== undefined) { this.focusedSince = atMs; }
    this.activeMs = 0;
    this.counters = {};
    this.drops = {};
    return event;
  }
}
