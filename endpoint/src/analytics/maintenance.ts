// The scheduled work of the endpoint: retention (delete events of days older than the configured number
// of days) and the daily roll-up of whatever changed. Runs once at start, then on an interval; one run at
// a time in a process. Across processes the storage keeps roll-ups apart: PostgreSQL runs one at a time,
// and on SQLite a roll-up does not save over the result of one that took the day after it. A failed run
// is logged and retried at the next interval, never fatal.
import type { FastifyBaseLogger } from 'fastify';
import type { Storage } from '../storage/storage';
import { dayOf } from '../calendar';
import { dailyRollup } from './summarise';

const DAY_MS = 86_400_000;

export interface MaintenanceReport {
  expiredEvents: number;
  rolledUp: number;
}

export class Maintenance {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<MaintenanceReport> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly retentionDays: number,
    private readonly intervalMs: number,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    const tick = () => {
      this.run().catch(() => {}).finally(() => {
        this.timer = setTimeout(tick, this.intervalMs);
        this.timer.unref();
      });
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** The oldest day whose events are all still kept; earlier days are expired (or expiring). */
  oldestKeptDay(): string {
    return this.retentionDays === 0 ? '0000-01-01' : dayOf(this.now() - this.retentionDays * DAY_MS);
  }

  /** Runs retention and the roll-up, or joins the run in progress. */
  run(): Promise<MaintenanceReport> {
    this.running ??= this.work().finally(() => { this.running = undefined; });
    return this.running;
  }

  /** Brings the roll-up up to date (after any run in progress), for a reader who wants it current. */
  async rollUpNow(): Promise<number> {
    await this.running?.catch(() => {});
    return this.rollUp();
  }

  private async work(): Promise<MaintenanceReport> {
    try {
      const expiredEvents = this.retentionDays === 0 ? 0 : await this.storage.deleteEventsBefore(this.oldestKeptDay());
      const rolledUp = await this.rollUp();
      if (expiredEvents > 0 || rolledUp > 0) { this.log.info({ expiredEvents, rolledUp }, 'maintenance done'); }
      return { expiredEvents, rolledUp };
    } catch (error) {
      this.log.warn({ err: error }, 'maintenance failed; it runs again at the next interval');
      throw error;
    }
  }

  private rollUp(): Promise<number> {
    return this.storage.rollUp(this.oldestKeptDay(), (day) => dailyRollup(day, this.now()));
  }
}
