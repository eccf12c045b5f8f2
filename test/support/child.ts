// Runs test/integration/fixtures/pipeline-process.ts as a real process (bundled once with esbuild), and
// collects what it prints: the ids it accepted, and the secrets it stored (passed to the next process,
// as the editor's secret storage would keep them).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { inject } from 'vitest';
// The run's scratch folder is provided by the global setup (its `ProvidedContext`).
import type {} from '../../endpoint/test/support/postgres-global-setup';

const ROOT = path.resolve(__dirname, '../..');
let bundled: Promise<string> | undefined;

export function bundleFixture(): Promise<string> {
  bundled ??= (async () => {
    // In the run's scratch folder, which the global setup removes at the end of the run.
    const out = path.join(mkdtempSync(path.join(inject('scratchFolder'), 'fixture-')), 'pipeline-process.cjs');
    await build({ entryPoints: [path.join(ROOT, 'test/integration/fixtures/pipeline-process.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
    return out;
  })();
  return bundled;
}

export interface Child {
  readonly process: ChildProcess;
  readonly accepted: string[];
  readonly secrets: [string, string][];
  readonly stderr: string[];
  /** Resolves when the process printed `line` (or ended). */
  until(line: string): Promise<void>;
  exited: Promise<number | null>;
}

/** `env` names the fixture's settings without their `CANDOR_` prefix (STORAGE, ENDPOINT, COUNT, MODE, BATCH, LABEL). */
export async function runChild(env: Record<string, string>, secrets: [string, string][] = []): Promise<Child> {
  const script = await bundleFixture();
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, CANDOR_ROOT: ROOT, CANDOR_SECRETS: JSON.stringify(secrets), ...Object.fromEntries(Object.entries(env).map(([k, v]) => [`CANDOR_${k}`, v])) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const accepted: string[] = [];
  const stored: [string, string][] = [...secrets];
  const stderr: string[] = [];
  const seen = new Set<string>();
  const waiters: { line: string; resolve: () => void }[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.startsWith('A ')) { accepted.push(line.slice(2)); }
      else if (line.startsWith('S ')) { stored.push(JSON.parse(line.slice(2)) as [string, string]); }
      seen.add(line);
      for (const w of waiters.filter((x) => x.line === line)) { w.resolve(); }
    }
  });
  child.stderr!.on('data', (c: Buffer) => stderr.push(c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { for (const w of waiters) { w.resolve(); } resolve(code); }));
  return {
    process: child, accepted, secrets: stored, stderr, exited,
    until: (line) => (seen.has(line) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ line, resolve }))),
  };
}
