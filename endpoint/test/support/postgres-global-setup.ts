// One throwaway PostgreSQL cluster for the whole test run (installed from Debian's package if the machine
// has none); each endpoint test suite makes its own database on it.
import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from '../../testing/postgres-cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
