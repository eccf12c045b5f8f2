// Starts the real endpoint as a child process, exactly as an operator would (the built CLI), and resolves
// once it prints "listening on http://HOST:PORT". For the tests of the endpoint and of other parts (the
// VS Code harness, `npm run try`): nothing in it is a fake.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE, ensureBuilt } from '../build.mjs';

const LISTENING = /^listening on (http:\/\/\S+)$/m;
const KEEP_STDERR = 256 * 1024;

// Endpoints still running when this process exits (a test that forgot stop(), a failed assertion before
// it) are killed with it, so that no suite leaves servers behind.
const running = new Set();
process.once('exit', () => { for (const child of running) { child.kill('SIGKILL'); } });

/**
 * @param {import('./start-endpoint.d.mts').StartOptions} [options]
 * @returns {Promise<import('./start-endpoint.d.mts').RunningEndpoint>}
 */
export async function startEndpoint(options = {}) {
  await ensureBuilt();
  let scratch;
  let database = options.database;
  if (database === undefined) {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'candor-endpoint-'));
    database = `sqlite:${path.join(scratch, 'candor.db')}`;
  }
  const args = ['--host', options.host ?? '127.0.0.1', '--port', String(options.port ?? 0), '--database', database];
  for (const token of options.ingestTokens ?? []) { args.push('--ingest-token', token); }
  if (options.adminToken !== undefined) { args.push('--admin-token', options.adminToken); }
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, [BUNDLE, ...args], {
    cwd: options.cwd ?? path.dirname(fileURLToPath(import.meta.url)),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (stderr.length > KEEP_STDERR) { stderr = stderr.slice(-KEEP_STDERR); }
    if (options.onStderr) { options.onStderr(chunk); }
  });
  child.stdout.setEncoding('utf8');
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => { running.delete(child); resolve({ code, signal }); }));

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`the endpoint did not print "listening on" within ${options.startTimeoutMs ?? 30_000} ms:\n${stderr}`)); }, options.startTimeoutMs ?? 30_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = LISTENING.exec(stdout);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    void exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`the endpoint exited (${signal ?? `code ${code}`}) before listening:\n${stderr}`)); });
  });

  const cleanup = () => { if (scratch && !options.keepDatabase) { rmSync(scratch, { recursive: true, force: true }); } };
  return {
    url,
    database,
    pid: child.pid,
    process: child,
    exited,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        const result = await exited;
        clearTimeout(timer);
        cleanup();
        return result;
      }
      cleanup();
      return exited;
    },
  };
}
