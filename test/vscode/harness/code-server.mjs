// code-server (VS Code 1.100.3 in a Node server, its workbench in a browser) on a free loopback port,
// with a throwaway profile. Stopped as a process group, so its extension host and pty host go too.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { codeServerBin } from '../../../scripts/vscode/paths.mjs';
import { spawnGroup, tail } from './process-group.mjs';

/** A port the kernel just gave out on 127.0.0.1, so parallel runs never collide. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

function requireInstalled() {
  const bin = codeServerBin();
  if (!existsSync(bin)) { throw new Error(`code-server is not installed at ${bin}; run: node scripts/vscode/install.mjs`); }
  return bin;
}

/** code-server reads this instead of writing ~/.config/code-server/config.yaml. */
function configFile(profile) {
  const file = path.join(profile.root, 'code-server.yaml');
  writeFileSync(file, 'auth: none\n');
  return file;
}

/**
 * Installs .vsix files into the profile's extensions folder, as a user's "Install from VSIX" does.
 * This (not a development folder) is how the suite loads Candor, so the tests cover what users get.
 */
export function installExtensions(profile, vsixFiles) {
  if (vsixFiles.length === 0) { return; }
  const args = ['--config', configFile(profile), '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir,
    ...vsixFiles.flatMap((f) => ['--install-extension', f])];
  const r = spawnSync(requireInstalled(), args, { encoding: 'utf8', env: { ...process.env, ...profile.env }, timeout: 120_000 });
  if (r.status !== 0) {
    throw new Error(`code-server --install-extension failed (${r.error?.message ?? `exit ${r.status}`}):\n${tail(`${r.stdout}${r.stderr}`)}`);
  }
}

/**
 * @param {ReturnType<typeof import('./profile.mjs').createProfile>} profile
 * @param {{ env?: Record<string, string>, extraArgs?: string[], readyTimeoutMs?: number }} [options]
 *   env: more environment for the server; its extension host inherits it, which is how tests get parameters.
 */
export async function startCodeServer(profile, { env = {}, extraArgs = [], readyTimeoutMs = 60_000 } = {}) {
  const port = await freePort();
  const args = [
    '--config', configFile(profile),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', profile.userDataDir,
    '--extensions-dir', profile.extensionsDir,
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    // Only code-server's own telemetry: extensions still see `telemetry.telemetryLevel` as set (measured).
    '--disable-telemetry',
    ...extraArgs,
    profile.workspace,
  ];
  const server = spawnGroup(requireInstalled(), args, {
    env: { ...process.env, ...profile.env, ...env },
    logFile: path.join(profile.root, 'code-server.log'),
    name: 'code-server',
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (server.exitInfo) {
      throw new Error(`code-server exited before it was ready (${JSON.stringify(server.exitInfo)}); its output:\n${tail(server.output())}`);
    }
    try { if ((await fetch(`${url}healthz`)).ok) { break; } } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`code-server did not answer /healthz within ${readyTimeoutMs} ms; its output:\n${tail(server.output())}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    port,
    /** code-server's remote authority is host:port; `vscode-remote://` URIs with it resolve on the server. */
    authority: `127.0.0.1:${port}`,
    process: server,
    stop: () => server.stop(),
  };
}

/** The extension host's and server's own log files of a profile, newest last (for failure reports). */
export function editorLogs(profile) {
  const found = [];
  const walk = (dir) => {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) { walk(p); } else if (name.endsWith('.log')) { found.push(p); }
    }
  };
  walk(path.join(profile.userDataDir, 'logs'));
  const rank = (p) => (/exthost/i.test(p) ? 1 : 0);
  return found.sort((a, b) => rank(a) - rank(b)).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}
