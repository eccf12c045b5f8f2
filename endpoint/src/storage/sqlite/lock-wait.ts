// Waiting for SQLite's write lock without stopping the event loop. SQLite has one writer per file, and
// the lock is sometimes held elsewhere: by the checkpoint worker while it makes the WAL start over
// (checkpointer.ts), or by another endpoint process on the same file. SQLite's own busy_timeout waits by
// sleeping in the calling thread: the whole endpoint then stops, /healthz and /metrics included, and its
// sleeps grow to 100 ms each, so that a lock held for 200 ms cost the waiting batch about 300 ms. Here the
// connection does not wait inside SQLite (busy_timeout = 0): work that finds the lock taken is retried
// every millisecond from a timer, in order of arrival, until `timeoutMs` has passed, when SQLITE_BUSY is
// thrown (the caller answers 503).
//
// The checkpoint worker announces when it needs the lock (hold() … release()): meanwhile work waits
// without trying, because every try takes a read lock for an instant, and a RESTART checkpoint that must
// find no reader kept losing to tries a millisecond apart (measured: it then took 340–450 ms instead of
// about 200).

export type Sleep = (ms: number) => Promise<void>;

const sleepOnTimer: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** SQLITE_BUSY and its extended codes: someone else holds a lock; the same work later may succeed. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

export class LockWait {
  /** Settles once every work queued so far has settled. */
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  /** Set while the checkpoint worker holds the lock; resolved by release(). */
  private held: { released: Promise<void>; release(): void } | undefined;

  constructor(private readonly timeoutMs: number, private readonly sleep: Sleep = sleepOnTimer, private readonly now: () => number = Date.now) {}

  /** Runs `work` (synchronous SQLite calls) at once if nothing waits and the lock is free, else when it is. */
  run<T>(work: () => T): Promise<T> {
    if (this.queued === 0 && this.held === undefined) {
      try {
        return Promise.resolve(work());
      } catch (error) {
        if (!isBusy(error)) { return Promise.reject(error); }
      }
    }
    // Behind whatever already waits: the first in line retries, the others do not spin beside it.
    this.queued++;
    const deadline = this.now() + this.timeoutMs;
    const result = this.tail.then(() => this.retry(work, deadline));
    this.tail = result.then(() => { this.queued--; }, () => { this.queued--; });
    return result;
  }

  /** Settles once every work queued so far has settled (the connection can be closed). */
  idle(): Promise<void> {
    return this.tail.then(() => {});
  }

  /** Someone else is about to take the lock: work waits, without trying, until release(). */
  hold(): void {
    if (this.held) { return; }
    let release = () => {};
    const released = new Promise<void>((resolve) => { release = resolve; });
    this.held = { released, release };
  }

  release(): void {
    const held = this.held;
    this.held = undefined;
    held?.release();
  }

  private async retry<T>(work: () => T, deadline: number): Promise<T> {
    for (;;) {
      if (this.held) {
        const left = deadline - this.now();
        if (left <= 0) { throw Object.assign(new Error('the write lock was held for the WAL to start over'), { code: 'SQLITE_BUSY' }); }
        await Promise.race([this.held.released, this.sleep(left)]);
        continue;
      }
      try {
        return work();
      } catch (error) {
        if (!isBusy(error) || this.now() >= deadline) { throw error; }
      }
      await this.sleep(1);
    }
  }
}
