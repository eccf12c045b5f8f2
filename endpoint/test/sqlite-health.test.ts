// What /metrics shows of SQLite's own work: the sums health.ts keeps, and their series in the exposition.
import { describe, expect, it } from 'vitest';
import { Metrics } from '../src/metrics';
import { SqliteHealth } from '../src/storage/sqlite/health';

const report = (walBytes: number | undefined, restartMs?: number) => ({ walBytes, copiedBytes: walBytes, syncedDatabase: false, restartMs });

describe('SQLite health', () => {
  it('sums batches and commit time by place, keeps the WAL of the last round, and counts RESTARTs with their time', () => {
    const health = new SqliteHealth();
    expect(health.read()).toEqual({
      commits: [{ place: 'event-loop', batches: 0, seconds: 0 }, { place: 'writer-thread', batches: 0, seconds: 0 }],
      walBytes: undefined,
      walRestarts: { count: 0, seconds: 0 },
    });
    health.committed('event-loop', 1, 2);
    health.committed('event-loop', 1, 3);
    health.committed('writer-thread', 5, 10);
    health.checkpointed(report(4096));
    health.checkpointed(report(8192, 20));
    // A round that could not run (busy) says nothing of the WAL: the last size stands.
    health.checkpointed(report(undefined));
    health.checkpointed(report(1024, 30));
    expect(health.read()).toEqual({
      commits: [{ place: 'event-loop', batches: 2, seconds: 0.005 }, { place: 'writer-thread', batches: 5, seconds: 0.01 }],
      walBytes: 1024,
      walRestarts: { count: 2, seconds: 0.05 },
    });
  });

  it('is exposed as candor_sqlite_* series, read at each scrape, and left out where the storage has none (PostgreSQL)', async () => {
    const health = new SqliteHealth();
    const probe = { ping: async () => {}, inFlight: () => 0 };
    const metrics = new Metrics({ ...probe, storageHealth: () => health.read() });
    health.committed('writer-thread', 3, 1500);
    health.checkpointed(report(2048, 250));
    let text = await metrics.registry.metrics();
    expect(text).toMatch(/^candor_sqlite_commits_total\{place="event-loop"\} 0$/m);
    expect(text).toMatch(/^candor_sqlite_commits_total\{place="writer-thread"\} 3$/m);
    expect(text).toMatch(/^candor_sqlite_commit_seconds_total\{place="writer-thread"\} 1.5$/m);
    expect(text).toMatch(/^candor_sqlite_wal_bytes 2048$/m);
    expect(text).toMatch(/^candor_sqlite_wal_restarts_total 1$/m);
    expect(text).toMatch(/^candor_sqlite_wal_restart_seconds_total 0.25$/m);
    // Counters follow the storage's sums from scrape to scrape.
    health.committed('writer-thread', 2, 500);
    text = await metrics.registry.metrics();
    expect(text).toMatch(/^candor_sqlite_commits_total\{place="writer-thread"\} 5$/m);
    expect(text).toMatch(/^candor_sqlite_commit_seconds_total\{place="writer-thread"\} 2$/m);
    expect(await new Metrics(probe).registry.metrics()).not.toMatch(/candor_sqlite_/);
  });
});
