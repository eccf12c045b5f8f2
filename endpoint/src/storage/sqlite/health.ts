// What /metrics shows of SQLite's own work (metrics.ts): batches committed and the time their commits
// took, by where they ran (commit-placement.ts), and the WAL (checkpointer.ts): how large it is, and how
// often and how long the writers were held for a RESTART. An operator reads in them whether the
// endpoint keeps up: commits moving to the writer thread, the WAL near its limit and RESTARTs coming
// often mean sustained load. Plain sums, read at each scrape: the commit path only adds to two numbers.
import type { StorageHealth } from '../storage';
import type { CheckpointReport } from './checkpointer';
import type { CommitPlace } from './commit-placement';

export class SqliteHealth {
  private readonly commits: Record<CommitPlace, { batches: number; seconds: number }> = {
    'event-loop': { batches: 0, seconds: 0 },
    'writer-thread': { batches: 0, seconds: 0 },
  };
  private walBytes: number | undefined;
  private restarts = 0;
  private restartSeconds = 0;

  committed(place: CommitPlace, batches: number, ms: number): void {
    const tally = this.commits[place];
    tally.batches += batches;
    tally.seconds += ms / 1000;
  }

  checkpointed(report: CheckpointReport): void {
    if (report.walBytes !== undefined) { this.walBytes = report.walBytes; }
    if (report.restartMs !== undefined) {
      this.restarts++;
      this.restartSeconds += report.restartMs / 1000;
    }
  }

  read(): StorageHealth {
    return {
      commits: Object.entries(this.commits).map(([place, t]) => ({ place, batches: t.batches, seconds: t.seconds })),
      walBytes: this.walBytes,
      walRestarts: { count: this.restarts, seconds: this.restartSeconds },
    };
  }
}
