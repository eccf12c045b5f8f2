export interface PostgresCluster {
  /** postgres://candor@127.0.0.1:PORT/postgres (trust authentication on loopback). */
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server and removes its files. */
  stop(): void;
}

export function findPostgresBin(): string | undefined;
export function ensurePostgresInstalled(log?: (line: string) => void): string;
export function startPostgresCluster(options?: { durable?: boolean; log?: (line: string) => void }): Promise<PostgresCluster>;
export function createDatabase(serverUrl: string, name: string): Promise<string>;
