// Group commit: many lines per write, and the caller's promise resolves only when its line is written.
// A burst of events costs one write, not one per event (an awaited write per event measured 22× slower),
// and lines are written strictly in the order they came (un-awaited parallel writes reorder and, under a
// burst, lose lines to EMFILE). The disk flush (fdatasync) runs at most every `syncEvery` lines or every
// `syncIntervalMs`, so a power loss costs at most the last group; a killed process loses nothing written.
import type { Clock, TimerHandle } from '../ports/clock';
import type { AppendHandle } from '../ports/files';

export interface GroupCommitOptions {
  /** Flush to disk once this many lines were written since the last flush. */
  readonly syncEvery: number;
  /** …or once the oldest unflushed line is this old. */
  readonly syncIntervalMs: number;
  /** Off only in the benchmark's "non-durable" comparison. */
  readonly durable: boolean;
}

export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { syncEvery: 50, syncIntervalMs: 1000, durable: true };

/** One appended line's caller: told once the line is written, or why it was not. */
export interface LineWaiter {
  written(): void;
  failed(error: Error): void;
}

export class GroupCommitLog {
  private pending: string[] = [];
  private waiters: LineWaiter[] = [];
  private writing = false;
  private scheduled = false;
  private unsynced = 0;
  private syncTimer: TimerHandle | undefined;
  /** Bytes known to be whole lines; a failed write is cut back to here. */
  private goodLength: number;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  /** Writes done, for the benchmark and tests. */
  writes = 0;
  syncs = 0;

  constructor(private readonly handle: AppendHandle, size: number, private readonly clock: Clock,
    private readonly options: GroupCommitOptions = DEFAULT_GROUP_COMMIT) {
    this.goodLength = size;
  }

  /** Bytes written so far (whole lines). */
  get size(): number { return this.goodLength; }

  /**
   * Appends `line` (which must end with a newline); `waiter` hears once it is written, in order with
   * every other line, or why it could not be. No promise per line: the intake makes the one it returns.
   */
  add(line: string, waiter: LineWaiter): void {
    if (this.closed) { waiter.failed(new Error('the queue file is closed')); return; }
    this.pending.push(line);
    this.waiters.push(waiter);
    this.schedule();
  }

  /** The same, as a promise. */
  append(line: string): Promise<void> {
    return new Promise<void>((resolve, reject) => { this.add(line, { written: resolve, failed: reject }); });
  }

  /** Waits until every line appended so far is written. */
  async drain(): Promise<void> {
    while (this.writing || this.pending.length > 0 || this.scheduled) { await this.idle; }
  }

  /** Writes what is pending, flushes to disk and closes. */
  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
    if (this.syncTimer) { this.clock.clearTimeout(this.syncTimer); this.syncTimer = undefined; }
    if (this.options.durable && this.unsynced > 0) { await this.sync(); }
    await this.handle.close();
  }

  private schedule(): void {
    if (this.writing || this.scheduled) { return; }
    this.scheduled = true;
    this.idle = new Promise((r) => { this.markIdle = r; });
    // A microtask, not a timer: every line appended in the same turn of the event loop joins this write.
    queueMicrotask(() => { this.scheduled = false; void this.writeLoop(); });
  }

  private async writeLoop(): Promise<void> {
    this.writing = true;
    while (this.pending.length > 0) {
      const lines = this.pending;
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      const data = lines.length === 1 ? lines[0]! : lines.join('');
      try {
        await this.handle.append(data);
        this.goodLength += Buffer.byteLength(data);
        this.writes++;
        this.unsynced += lines.length;
        for (const w of waiters) { w.written(); }
        if (this.options.durable) {
          if (this.unsynced >= this.options.syncEvery) { await this.sync(); } else { this.armSyncTimer(); }
        }
      } catch (cause) {
        // Undo a half-written group, so the next line starts on a clean line and no later line is glued
        // to a torn one. If even that fails, the repair on the next start quarantines the damaged part.
        await this.handle.truncate(this.goodLength).catch(() => {});
        const error = cause instanceof Error ? cause : new Error(String(cause));
        for (const w of waiters) { w.failed(error); }
      }
    }
    this.writing = false;
    this.markIdle();
  }

  private armSyncTimer(): void {
    if (this.syncTimer || this.unsynced === 0) { return; }
    this.syncTimer = this.clock.setTimeout(() => {
      this.syncTimer = undefined;
      if (this.closed || this.unsynced === 0) { return; }
      // Sync between writes, never during one, so a flush never waits behind a half-done group.
      if (this.writing) { this.armSyncTimer(); return; }
      void this.sync();
    }, this.options.syncIntervalMs);
  }

  private async sync(): Promise<void> {
    if (this.syncTimer) { this.clock.clearTimeout(this.syncTimer); this.syncTimer = undefined; }
    const covered = this.unsynced;
    try {
      await this.handle.datasync();
      this.unsynced -= covered;
      this.syncs++;
    } catch {
      // A failed flush leaves the lines with the OS (they survive a killed process); try again later.
      this.armSyncTimer();
    }
  }
}
