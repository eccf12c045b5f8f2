// Launcher 1 (the default, works offline): code-server + Debian chromium.
//
// code-server's command line rejects --extensionDevelopmentPath/--extensionTestsPath, but its web
// workbench takes the same keys in the `payload` URL parameter and hands them to the server's
// extension host, which awaits the tests module's run() and then calls window.codeAutomationExit(code).
//
// Candor is installed from its .vsix into the throwaway extensions folder. The development path is
// test/vscode/host, a manifest that contributes nothing: a development folder of Candor itself would
// win over the installed copy, and the suite must test what users install.
import path from 'node:path';
import {
  launchBrowser, openPage, runFromPalette, screenshot, waitForWorkbench, webviewClick, webviewFill, webviewPost, webviewPress, webviewStyle, webviewText, webviewTexts, workbenchTexts,
} from './browser.mjs';
import { startBridge } from './bridge.mjs';
import { TESTS_HOST, suiteDir } from './build.mjs';
import { installExtensions, startCodeServer } from './code-server.mjs';
import { answerSaveDialog, clickDialogButton } from './dialogs.mjs';
import { registerEndpointActions } from './endpoint.mjs';
import { createProfile } from './profile.mjs';
import { artifactsFor, failureReport, collectResults, followReport, hostEnv, teardown, verdict } from './suite-run.mjs';

/**
 * Runs a built in-host suite in code-server and returns its verdict; never throws for a failing run.
 * @param {{
 *   suite?: string, name?: string, vsixFiles: string[], settings?: Record<string, unknown>,
 *   timeoutMs?: number, testTimeoutMs?: number, grep?: string, serverArgs?: string[], echo?: (line: string) => void,
 * }} options
 *   suite: a name from SUITES (built by buildSuites); vsixFiles: extensions to install (Candor and fixtures);
 *   settings: user settings written before start; timeoutMs: from opening the workbench until the editor
 *   reports an exit code, after which everything is stopped (each start-up step before has its own bound).
 */
export async function runInCodeServer({
  suite = 'main', name = suite, vsixFiles, settings = {}, timeoutMs = 300_000, testTimeoutMs, grep, serverArgs = [],
  echo = (line) => process.stdout.write(line),
}) {
  const started = Date.now();
  const artifactsDir = artifactsFor(name);
  const profile = createProfile({ settings });
  const cleanups = [];
  let exitCode;
  let problem;
  let browserConsole;
  let serverOutput;
  let page;
  const processes = {};
  const stopFollowing = followReport(path.join(profile.root, 'report.txt'), echo);
  try {
    installExtensions(profile, vsixFiles);
    const bridge = await startBridge();
    cleanups.push(() => bridge.close());
    const env = hostEnv({ launcher: 'code-server', profile, bridgeUrl: bridge.url, artifactsDir, grep, testTimeoutMs });
    const server = await startCodeServer(profile, { env, extraArgs: serverArgs });
    cleanups.push(() => server.stop());
    processes.editorGroup = server.process.pid;
    serverOutput = () => server.process.output();

    const remote = (p) => `vscode-remote://${server.authority}${p}`;
    const payload = [['extensionDevelopmentPath', remote(TESTS_HOST)], ['extensionTestsPath', remote(path.join(suiteDir(suite), 'index.js'))]];
    const url = `${server.url}?folder=${encodeURIComponent(profile.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

    const browser = await launchBrowser(path.join(profile.root, 'browser'));
    cleanups.push(() => browser.close());
    let reportExit;
    const exited = new Promise((resolve) => { reportExit = resolve; });
    const opened = await openPage(browser, url, { beforeNavigate: (p) => p.exposeFunction('codeAutomationExit', (code) => reportExit(code)) });
    page = opened.page;
    browserConsole = opened.consoleLines;
    registerActions(bridge, { page, artifactsDir, profile, cleanups });

    let timer;
    const outcome = await Promise.race([
      exited.then((code) => ({ code })),
      server.process.exited.then((info) => ({ problem: `code-server exited during the run (${JSON.stringify(info)})` })),
      new Promise((resolve) => page.once('crash', () => resolve({ problem: 'the browser page crashed' }))),
      new Promise((resolve) => { timer = setTimeout(() => resolve({ problem: `timed out after ${timeoutMs} ms without the editor reporting an exit code` }), timeoutMs); }),
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
  let message;
  if (!passed) {
    if (page) { await screenshot(page, artifactsDir, 'at-failure').catch(() => {}); }
    message = failureReport({ name, reason, results, profile, artifactsDir, serverOutput: serverOutput?.(), browserConsole });
  }
  await teardown(cleanups); // whatever happened above
  profile.remove();
  // profileRoot (also in chromium's command line) and processes let the harness's self-test prove that nothing of the run is left behind.
  return { name, passed, reason, message, results, exitCode, artifactsDir, durationMs: Date.now() - started, profileRoot: profile.root, processes };
}

/** The actions test/vscode/helpers/ can ask for (see bridge.mjs). */
function registerActions(bridge, { page, artifactsDir, profile, cleanups }) {
  let ready;
  const workbench = () => (ready ??= waitForWorkbench(page));
  bridge.handle('palette', async ({ title }) => { await workbench(); await runFromPalette(page, title); });
  bridge.handle('workbenchTexts', async ({ selector }) => { await workbench(); return workbenchTexts(page, selector); });
  bridge.handle('webviewText', async ({ selector, equals, contains, timeoutMs }) => webviewText(page, selector, { equals, contains, timeoutMs }));
  bridge.handle('webviewTexts', async ({ selector, visibleOnly, timeoutMs }) => webviewTexts(page, selector, { visibleOnly, timeoutMs }));
  bridge.handle('webviewClick', async ({ selector, timeoutMs }) => { await webviewClick(page, selector, { timeoutMs }); });
  bridge.handle('webviewFill', async ({ selector, text, timeoutMs }) => { await webviewFill(page, selector, text, { timeoutMs }); });
  bridge.handle('webviewPress', async ({ selector, key, timeoutMs }) => { await webviewPress(page, selector, key, { timeoutMs }); });
  bridge.handle('webviewStyle', async ({ selector, property, timeoutMs }) => webviewStyle(page, selector, property, { timeoutMs }));
  bridge.handle('webviewPost', async ({ selector, message, timeoutMs }) => { await webviewPost(page, selector, message, { timeoutMs }); });
  bridge.handle('saveDialog', async ({ filePath, timeoutMs }) => { await workbench(); return answerSaveDialog(page, filePath, { timeoutMs }); });
  bridge.handle('dialogButton', async ({ label, timeoutMs }) => { await workbench(); return clickDialogButton(page, label, { timeoutMs }); });
  bridge.handle('screenshot', async ({ name }) => screenshot(page, path.join(artifactsDir, 'screenshots'), name));
  registerEndpointActions(bridge, { profile, cleanups });
}
