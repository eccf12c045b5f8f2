import type { ChildProcess } from 'node:child_process';

export interface StartOptions {
  /** `sqlite:PATH` or `postgres://…`; default: a fresh SQLite file in a temporary folder, removed by stop(). */
  database?: string;
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  ingestTokens?: string[];
  adminToken?: string;
  /** More flags, e.g. ['--rate-limit-address', '0']. */
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Keep the default SQLite file after stop() (to restart on it). */
  keepDatabase?: boolean;
  startTimeoutMs?: number;
  onStderr?: (chunk: string) => void;
}

export interface RunningEndpoint {
  /** The base URL it printed, e.g. http://127.0.0.1:40123 */
  url: string;
  database: string;
  pid: number | undefined;
  process: ChildProcess;
  /** Resolves when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote to standard error so far (its JSON logs), at most the last 256 KiB. */
  stderr(): string;
  /** Sends `signal` (default SIGTERM), waits for the exit (SIGKILL after `timeoutMs`), removes a default database. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startEndpoint(options?: StartOptions): Promise<RunningEndpoint>;
