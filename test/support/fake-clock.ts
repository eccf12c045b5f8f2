// A clock the test moves by hand: timers fire in time order when the test advances it, never by waiting.
import type { Clock, TimerHandle } from '../../extension/core/ports/clock';

interface Timer { id: number; at: number; fn: () => void }

/** Lets pending promise callbacks and fake I/O finish. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) { await new Promise<void>((r) => setImmediate(r)); }
}

export class FakeClock implements Clock {
  private timers: Timer[] = [];
  private nextId = 1;
  /** Work that runs on real time (gzip in the thread pool, real files): waited for after each timer. */
  private readonly quiet: (() => Promise<void>)[] = [];

  /** Registers something to wait for after each timer fires (e.g. "the delivery loop is idle"). */
  waitFor(idle: () => Promise<void>): void { this.quiet.push(idle); }

  private async settleAll(): Promise<void> {
    await settle();
    for (let i = 0; i < 3; i++) { for (const q of this.quiet) { await q(); } await settle(); }
  }

  constructor(public time = Date.parse('2026-11-29T12:00:00.000Z')) {}

  now(): number { return this.time; }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void { this.timers = this.timers.filter((t) => t.id !== (handle as unknown as number)); }

  /** When the next timer is due, if any. */
  get nextTimerAt(): number | undefined { return this.timers.length ? Math.min(...this.timers.map((t) => t.at)) : undefined; }
  get pendingTimers(): number { return this.timers.length; }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, each followed by settling. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await this.settleAll();
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) { break; }
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
      await this.settleAll();
    }
    this.time = target;
    await this.settleAll();
  }
}
