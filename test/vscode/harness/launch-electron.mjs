// Launcher 2: desktop VS Code through @vscode/test-electron, for machines that can download it from
// update.code.visualstudio.com (this project's CI cannot; use launch-code-server.mjs there).
// Same suite, same runner, same .vsix install, same verdict. There is no browser page, so the tests
// that need one skip themselves (helpers' `needsBrowser`); the endpoint action works as in code-server.
//
// test-electron downloads VS Code and finds its CLI; the editor is then spawned here rather than by
// its runTests(), so that the run gets the same process-group teardown and timeout as code-server.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath } from '@vscode/test-electron';
import { cacheRoot } from '../../../scripts/vscode/paths.mjs';
import { startBridge } from './bridge.mjs';
import { TESTS_HOST, suiteDir } from './build.mjs';
import { registerEndpointActions } from './endpoint.mjs';
import { spawnGroup, tail } from './process-group.mjs';
import { createProfile } from './profile.mjs';
import { artifactsFor, failureReport, collectResults, followReport, hostEnv, teardown, verdict } from './suite-run.mjs';

/** The oldest VS Code Candor supports (package.json engines), unless CANDOR_VSCODE_VERSION says e.g. "stable". */
export const ELECTRON_VSCODE_VERSION = process.env.CANDOR_VSCODE_VERSION || '1.100.3';

/** Same options and result as runInCodeServer. */
export async function runInElectron({
  suite = 'main', name = `${suite}-electron`, vsixFiles, settings = {}, timeoutMs = 300_000, testTimeoutMs, grep,
  echo = (line) => process.stdout.write(line),
}) {
  const started = Date.now();
  const artifactsDir = artifactsFor(name);
  const profile = createProfile({ settings });
  const cleanups = [];
  let exitCode;
  let problem;
  let serverOutput;
  const stopFollowing = followReport(path.join(profile.root, 'report.txt'), echo);
  try {
    let executable;
    try {
      executable = await downloadAndUnzipVSCode({ version: ELECTRON_VSCODE_VERSION, cachePath: path.join(cacheRoot(), 'vscode-test') });
    } catch (e) {
      throw new Error(`could not download VS Code ${ELECTRON_VSCODE_VERSION} (${e instanceof Error ? e.message : e}); `
        + 'this launcher needs update.code.visualstudio.com — offline, use the default code-server launcher');
    }
    const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(executable);
    for (const vsix of vsixFiles) {
      const r = spawnSync(cli, [...cliArgs, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir, '--install-extension', vsix],
        { encoding: 'utf8', env: { ...process.env, ...profile.env }, shell: process.platform === 'win32' });
      if (r.status !== 0) { throw new Error(`installing ${path.basename(vsix)} failed:\n${tail(`${r.stdout}${r.stderr}`)}`); }
    }
    const bridge = await startBridge();
    registerEndpointActions(bridge, { profile, cleanups });
    cleanups.push(() => bridge.close());
    const args = [
      profile.workspace,
      `--extensionDevelopmentPath=${TESTS_HOST}`,
      `--extensionTestsPath=${path.join(suiteDir(suite), 'index.js')}`,
      `--user-data-dir=${profile.userDataDir}`,
      `--extensions-dir=${profile.extensionsDir}`,
      // What test-electron's runTests passes, so the editor behaves as it does there.
      '--no-sandbox', '--disable-gpu-sandbox', '--disable-updates', '--skip-welcome', '--skip-release-notes', '--disable-workspace-trust',
    ];
    // Electron needs a display; on a headless Linux, run it inside a virtual one when xvfb-run is there.
    const headless = process.platform === 'linux' && !process.env.DISPLAY && spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0;
    const env = { ...process.env, ...profile.env, ...hostEnv({ launcher: 'electron', profile, bridgeUrl: bridge.url, artifactsDir, grep, testTimeoutMs }) };
    const editor = headless ? spawnGroup('xvfb-run', ['-a', executable, ...args], { env, name: 'vscode' }) : spawnGroup(executable, args, { env, name: 'vscode' });
    cleanups.push(() => editor.stop());
    serverOutput = () => editor.output();
    let timer;
    const outcome = await Promise.race([
      editor.exited.then((info) => ({ code: info.code ?? undefined, ...(info.error ? { problem: `VS Code did not start: ${info.error.message}` } : {}) })),
      new Promise((resolve) => { timer = setTimeout(() => resolve({ problem: `timed out after ${timeoutMs} ms without VS Code exiting` }), timeoutMs); }),
    ]);
    clearTimeout(timer);
    exitCode = outcome.code;
    problem = outcome.problem;
  } catch (e) {
    problem = e instanceof Error ? e.message : String(e);
  }
  stopFollowing();
  const results = collectResults(profile, artifactsDir);
  const { passed, reason } = verdict({ exitCode, results, problem });
  const message = passed ? undefined : failureReport({ name, reason, results, profile, artifactsDir, serverOutput: serverOutput?.() });
  await teardown(cleanups); // whatever happened above
  profile.remove();
  return { name, passed, reason, message, results, exitCode, artifactsDir, durationMs: Date.now() - started };
}
