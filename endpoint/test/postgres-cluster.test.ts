// The throwaway PostgreSQL cluster of the tests and the benchmark goes away with the process that started
// it, also when that process ends on an error without calling stop(): pg_ctl starts the server detached.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const MODULE = path.join(__dirname, '../testing/postgres-cluster.mjs');

describe('a throwaway PostgreSQL cluster', () => {
  it('is stopped and removed when its process dies of an uncaught error', () => {
    const script = `import(${JSON.stringify(MODULE)}).then(async (m) => {
      const cluster = await m.startPostgresCluster({ log: () => {} });
      process.stdout.write(cluster.dataDir + '\\n');
      throw new Error('the test run failed before its teardown');
    });`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain('the test run failed before its teardown');
    const dataDir = child.stdout.trim();
    expect(dataDir).toMatch(/candor-pg-/);
    expect(existsSync(path.dirname(dataDir))).toBe(false);
    const running = spawnSync('pgrep', ['-f', dataDir], { encoding: 'utf8' });
    expect(running.stdout.trim()).toBe('');
  }, 150_000);
});
