// What both launchers share: the run's folders and environment, the live echo of the in-host
// reporter, the verdict, and the failure message with the tails of every log that could explain it.
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, ROOT } from '../../../scripts/vscode/paths.mjs';
import { editorLogs } from './code-server.mjs';
import { endpointAvailable } from './endpoint.mjs';
import { tail } from './process-group.mjs';

/** A run's artifacts folder (gitignored), emptied at the start of the run. */
export function artifactsFor(name) {
  const dir = path.join(ARTIFACTS, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The environment the extension host gets (code-server passes its own on; test-electron takes
 * `extensionTestsEnv`). test/vscode/helpers/ reads these.
 */
export function hostEnv({ launcher, profile, bridgeUrl, artifactsDir, grep, testTimeoutMs }) {
  return {
    CANDOR_HARNESS_LAUNCHER: launcher,
    CANDOR_HARNESS_BRIDGE: bridgeUrl,
    CANDOR_HARNESS_REPORT: path.join(profile.root, 'report.txt'),
    CANDOR_HARNESS_RESULTS: path.join(profile.root, 'results.json'),
    CANDOR_HARNESS_EXTENSIONS_DIR: profile.extensionsDir,
    CANDOR_HARNESS_USER_DATA_DIR: profile.userDataDir,
    CANDOR_HARNESS_ARTIFACTS: artifactsDir,
    CANDOR_HARNESS_ENDPOINT: endpointAvailable() ? '1' : '0',
    ...(grep ? { CANDOR_HARNESS_GREP: grep } : {}),
    ...(testTimeoutMs ? { CANDOR_HARNESS_TEST_TIMEOUT_MS: String(testTimeoutMs) } : {}),
  };
}

/** Echoes the reporter's lines as the extension host appends them; call the result to stop (it flushes). */
export function followReport(file, write = (line) => process.stdout.write(line)) {
  let offset = 0;
  let partial = '';
  const poll = () => {
    if (!existsSync(file)) { return; }
    const size = statSync(file).size;
    if (size <= offset) { return; }
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    closeSync(fd);
    offset = size;
    const lines = (partial + buf.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) { write(`  ${line}\n`); }
  };
  const timer = setInterval(poll, 250);
  return () => { clearInterval(timer); poll(); if (partial) { write(`  ${partial}\n`); } };
}

/**
 * The runner's JSON results (undefined if it wrote none); copies them and mocha's report into the
 * artifacts folder, which outlives the throwaway profile.
 */
export function collectResults(profile, artifactsDir) {
  for (const name of ['results.json', 'report.txt']) {
    const file = path.join(profile.root, name);
    if (existsSync(file)) { copyFileSync(file, path.join(artifactsDir, name)); }
  }
  try { return JSON.parse(readFileSync(path.join(profile.root, 'results.json'), 'utf8')); } catch { return undefined; }
}

/**
 * The verdict of a run. Passing needs all three: the editor reported exit code 0, the runner wrote
 * its results, and they hold at least one test and no failure — so a suite that never ran does not pass.
 */
export function verdict({ exitCode, results, problem }) {
  if (problem) { return { passed: false, reason: problem }; }
  if (results?.loadError) { return { passed: false, reason: `the tests did not load: ${results.loadError.split('\n')[0]}` }; }
  if (!results) { return { passed: false, reason: `the in-host runner wrote no results (exit code ${exitCode}); the tests module failed before mocha ran` }; }
  if (results.failures > 0) { return { passed: false, reason: `${results.failures} test(s) failed` }; }
  if (results.tests.length === 0) { return { passed: false, reason: 'no test ran' }; }
  if (exitCode !== 0) { return { passed: false, reason: `the editor reported exit code ${exitCode}` }; }
  return { passed: true, reason: `${results.passes} passed, ${results.pending} pending` };
}

/**
 * The failure message: what failed (each failing test by its full title, with its error) and the
 * tails of the logs that could say why. Also saves the logs in the artifacts folder.
 * @param {{ name: string, reason: string, results?: any, profile: any, artifactsDir: string, serverOutput?: string, browserConsole?: string[] }} run
 */
export function failureReport({ name, reason, results, profile, artifactsDir, serverOutput, browserConsole }) {
  const out = [`\n✗ VS Code suite "${name}" failed: ${reason}`];
  for (const t of results?.tests?.filter((x) => x.state === 'failed') ?? []) {
    out.push(`  ✗ ${t.fullTitle}`, ...String(t.error ?? '').split('\n').slice(0, 12).map((l) => `      ${l}`));
  }
  const section = (title, text, lines = 30) => { if (text && text.trim()) { out.push(`--- ${title} (last ${lines} lines) ---`, tail(text, lines)); } };
  section('editor server output', serverOutput);
  // The editor's main logs; the per-extension ones (Git.log, …) only add noise.
  for (const { file, text } of editorLogs(profile).filter((l) => /^(remoteexthost|exthost|remoteagent|main|renderer)\.log$/.test(path.basename(l.file)))) {
    section(`log ${path.relative(profile.userDataDir, file)}`, text, 25);
    copyFileSync(file, path.join(artifactsDir, path.basename(file)));
  }
  const consoleText = (browserConsole ?? []).filter((l) => !l.startsWith('[debug]')).join('\n');
  section('browser console (the workbench\'s messages)', consoleText);
  if (serverOutput) { writeFileSync(path.join(artifactsDir, 'editor-server.log'), serverOutput); }
  if (browserConsole) { writeFileSync(path.join(artifactsDir, 'browser-console.log'), browserConsole.join('\n')); }
  out.push(`artifacts (logs, screenshots): ${path.relative(ROOT, artifactsDir)}/`);
  return out.join('\n');
}

/** Runs the cleanups in reverse order, each bounded so that one stuck step cannot keep the others from running. */
export async function teardown(cleanups, stepMs = 15_000) {
  for (const cleanup of [...cleanups].reverse()) {
    let timer;
    await Promise.race([
      Promise.resolve().then(cleanup).catch(() => {}),
      new Promise((resolve) => { timer = setTimeout(resolve, stepMs); }),
    ]);
    clearTimeout(timer);
  }
}
