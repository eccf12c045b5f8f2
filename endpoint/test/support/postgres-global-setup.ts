// Once per test run: one throwaway PostgreSQL cluster (installed from Debian's package if the machine has
// none), on which each endpoint test suite makes its own database, and one scratch folder for the SQLite
// files of the suites. Both are gone when the run ends.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from '../../testing/postgres-cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    scratchFolder: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'candor-test-run-'));
  const cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
  project.provide('scratchFolder', scratch);
  return () => {
    cluster.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
}
