// The series of PROTOCOL.md §6 for Prometheus (prom-client): requests by route and status, latency by
// route, events by outcome, whether the database answers, and how many requests are in progress; plus
// the process's own (memory, CPU, event-loop lag); on SQLite, its commits and its WAL (storage/sqlite/
// health.ts). One registry per endpoint instance.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { AnswerMetrics } from './answer-metrics';
import type { StorageHealth } from './storage/storage';

export class Metrics {
  readonly registry = new Registry();
  /** Every answer, by route and status, with its latency. */
  readonly answers: AnswerMetrics;
  readonly events: Counter<'outcome'>;
  readonly databaseUp: Gauge;
  readonly inFlight: Gauge;

  constructor(probe: { ping(): Promise<void>; inFlight(): number; storageHealth?: () => StorageHealth }) {
    const registers = [this.registry];
    this.answers = new AnswerMetrics(registers);
    this.events = new Counter({ name: 'candor_events_total', help: 'Events received in batches, by outcome: accepted (stored now), duplicate (already stored), rejected.', labelNames: ['outcome'], registers });
    for (const outcome of ['accepted', 'duplicate', 'rejected']) { this.events.inc({ outcome }, 0); }
    const up = new Gauge({
      name: 'candor_database_up', help: '1 when the database answered a query at the last scrape, else 0.', registers,
      async collect() {
        try { await probe.ping(); this.set(1); } catch { this.set(0); }
      },
    });
    this.databaseUp = up;
    this.inFlight = new Gauge({
      name: 'candor_requests_in_flight', help: 'Client requests in progress; past --max-in-flight they are answered 503.', registers,
      collect() { this.set(probe.inFlight()); },
    });
    if (probe.storageHealth) { sqliteSeries(probe.storageHealth, registers); }
    collectDefaultMetrics({ register: this.registry, prefix: 'candor_' });
  }
}

/** The storage's own sums, read at each scrape: counters set to the storage's totals, the WAL a gauge. */
function sqliteSeries(read: () => StorageHealth, registers: Registry[]): void {
  new Counter({
    name: 'candor_sqlite_commits_total', help: 'Batches committed, by where the commit ran: event-loop or writer-thread (under load).', labelNames: ['place'], registers,
    collect() { this.reset(); for (const c of read().commits) { this.inc({ place: c.place }, c.batches); } },
  });
  new Counter({
    name: 'candor_sqlite_commit_seconds_total', help: 'Time spent in commits, by where they ran; divided by candor_sqlite_commits_total, the mean commit time.', labelNames: ['place'], registers,
    collect() { this.reset(); for (const c of read().commits) { this.inc({ place: c.place }, c.seconds); } },
  });
  new Gauge({
    name: 'candor_sqlite_wal_bytes', help: 'The WAL\'s contents after the last checkpoint round; near 256 MB under sustained load, when RESTARTs start it over.', registers,
    collect() { const bytes = read().walBytes; if (bytes !== undefined) { this.set(bytes); } },
  });
  new Counter({
    name: 'candor_sqlite_wal_restarts_total', help: 'RESTART checkpoints: the writers held while the rest of the WAL was copied and the WAL started over.', registers,
    collect() { this.reset(); this.inc(read().walRestarts.count); },
  });
  new Counter({
    name: 'candor_sqlite_wal_restart_seconds_total', help: 'Time the RESTART checkpoints took, the writers held.', registers,
    collect() { this.reset(); this.inc(read().walRestarts.seconds); },
  });
}
