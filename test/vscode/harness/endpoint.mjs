// The real reference endpoint, beside the editor, on a throwaway SQLite file. Its command-line
// contract: `<entry> --host H --port 0 --database sqlite:PATH` prints `listening on http://H:PORT`
// once it accepts requests, and stops gracefully on SIGTERM.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../../scripts/vscode/paths.mjs';
import { readStoredEvents } from './endpoint-store.mjs';
import { spawnGroup, tail } from './process-group.mjs';

const ENDPOINT_DIR = path.join(ROOT, 'endpoint');

function manifest() {
  const file = path.join(ENDPOINT_DIR, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

/** The endpoint's command: its package's `bin` (which builds itself when stale), else the built `dist/main.js`. */
export function endpointEntry() {
  const { bin } = manifest();
  const declared = typeof bin === 'string' ? bin : bin && Object.values(bin)[0];
  return path.join(ENDPOINT_DIR, declared ?? 'dist/main.js');
}

/** Whether this checkout has an endpoint that can be built (it lands on its own branch). */
export function endpointAvailable() {
  return Boolean(manifest().scripts?.build);
}

/** `npm run build -w endpoint`; throws with its output when it fails. */
export function buildEndpoint() {
  if (!endpointAvailable()) { throw new Error('endpoint/ has no build script yet: the endpoint is not in this checkout'); }
  const r = spawnSync('npm', ['run', '--silent', 'build', '-w', 'endpoint'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) { throw new Error(`npm run build -w endpoint failed:\n${tail(`${r.stdout}${r.stderr}`)}`); }
}

/**
 * Starts the endpoint and resolves once it listens.
 * @param {{ dir?: string, host?: string, readyTimeoutMs?: number, args?: string[], env?: Record<string, string> }} [options]
 *   dir: where the SQLite file goes (default: a new temporary folder); args: more endpoint flags.
 */
export async function startEndpoint({ dir, host = '127.0.0.1', readyTimeoutMs = 30_000, args = [], env = {} } = {}) {
  const entry = endpointEntry();
  if (!existsSync(entry)) { throw new Error(`${path.relative(ROOT, entry)} is missing; build the endpoint first (npm run build -w endpoint)`); }
  const folder = dir ?? mkdtempSync(path.join(os.tmpdir(), 'candor-harness-endpoint-'));
  const databaseFile = path.join(folder, 'endpoint.sqlite');
  const child = spawnGroup(process.execPath, [entry, '--host', host, '--port', '0', '--database', `sqlite:${databaseFile}`, ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, logFile: path.join(folder, 'endpoint.log'), name: 'endpoint',
  });
  const url = await new Promise((resolve, reject) => {
    const check = () => {
      const m = /listening on (https?:\/\/\S+)/.exec(child.output());
      if (m) { done(); resolve(m[1].replace(/\/?$/, '/')); }
    };
    const timer = setTimeout(() => { done(); reject(new Error(`the endpoint did not print "listening on" within ${readyTimeoutMs} ms; its output:\n${tail(child.output())}`)); }, readyTimeoutMs);
    const off = child.onOutput(check);
    child.exited.then((info) => { done(); reject(new Error(`the endpoint exited before it listened (${JSON.stringify(info)}); its output:\n${tail(child.output())}`)); });
    function done() { clearTimeout(timer); off(); }
    check();
  }).catch(async (e) => { await child.stop(); throw e; });
  return {
    url, databaseFile, dir: folder, process: child,
    /** Stops the endpoint's process group (gracefully: SIGTERM first); removes the folder if it made it. */
    async stop() { await child.stop(); if (!dir) { rmSync(folder, { recursive: true, force: true }); } },
  };
}

/**
 * The bridge actions beside the editor, the same in both launchers: start the real endpoint (stopped by
 * the run's cleanups) and read what it stored.
 */
export function registerEndpointActions(bridge, { profile, cleanups }) {
  bridge.handle('startEndpoint', async () => {
    const endpoint = await startEndpoint({ dir: mkdtempSync(path.join(profile.root, 'endpoint-')) });
    cleanups.push(() => endpoint.stop());
    return { url: endpoint.url, databaseFile: endpoint.databaseFile };
  });
  bridge.handle('storedEvents', async ({ databaseFile }) => readStoredEvents(databaseFile));
}
