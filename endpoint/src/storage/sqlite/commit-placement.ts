// Where a batch is committed: on the endpoint's own connection, in the event loop, or in the writer
// thread (writer.ts). The thread lets the event loop parse and check the next batches while a commit
// runs, and commits the batches that came meanwhile together: under load that is throughput, and a
// commit that waits for the disk stops no one but the batches in it. But every batch handed to it costs
// two wake-ups of a sleeping thread, one each way, and the copying between them; on a lightly loaded
// machine that is most of what the thread adds. Measured over loopback on 2 cores at 158 batches/s
// (5-s open-loop runs, eight of each, alternating): all in the thread, the event loop spent 2.7 ms of CPU
// per batch and the thread 1.1 ms, answers took 5.1 ms at the median and 12.8 ms at p99; committed in the
// event loop, 3.3 ms in all, 4.3 and 8.9 ms.
//
// So a batch is committed in the event loop unless
// - the thread has batches: the event loop's connection would only wait for the thread's write lock; or
// - the event loop was busy for most of the last moment (its utilisation, measured at most every
//   `windowMs`, over `busyUtilisation`): it needs its time for the batches that follow. Time spent in
//   commits counts, so commits that turn slow (while the kernel writes back, single commits took
//   10–22 ms, measured) move to the thread too once they take most of the event loop's time.

export type CommitPlace = 'event-loop' | 'writer-thread';

export interface PlacementOptions {
  busyUtilisation: number;
  windowMs: number;
}

export const PLACEMENT: PlacementOptions = { busyUtilisation: 0.7, windowMs: 100 };

export class CommitPlacement {
  private busy = false;
  private measuredAt: number;

  /**
   * `utilisationSince`: the event loop's utilisation (0–1) since the previous call (the first call: since
   * the placement was made); perf_hooks' eventLoopUtilization in the endpoint.
   */
  constructor(
    private readonly now: () => number,
    private readonly utilisationSince: () => number,
    private readonly options: PlacementOptions = PLACEMENT,
  ) {
    this.measuredAt = now();
  }

  place(threadHasBatches: boolean): CommitPlace {
    const now = this.now();
    if (now - this.measuredAt >= this.options.windowMs) {
      this.busy = this.utilisationSince() > this.options.busyUtilisation;
      this.measuredAt = now;
    }
    return threadHasBatches || this.busy ? 'writer-thread' : 'event-loop';
  }
}

/** The event loop's utilisation since the previous call, from perf_hooks. */
export function eventLoopUtilisation(performance: Pick<typeof import('node:perf_hooks').performance, 'eventLoopUtilization'>): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const next = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(next, last).utilization;
    last = next;
    return since;
  };
}
