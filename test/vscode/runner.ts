// The in-host test runner: the module the editor loads as `extensionTestsPath` and whose `run()` it
// awaits, the contract of @vscode/test-electron that code-server's workbench honours too. It runs
// mocha inside the extension host, so the tests get the real `vscode` API.
//
// The launcher learns the outcome from two files whose paths it passes in the environment (which the
// extension host inherits): the spec reporter's lines, written as they happen so the launcher can
// echo them live, and a JSON summary at the end. Nothing goes to the console: under test-electron the
// console is forwarded to the terminal too, and every line would appear twice.
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

interface TestResult { title: string; fullTitle: string; state: 'passed' | 'failed' | 'pending'; durationMs?: number; error?: string }

export function run(): Promise<void> {
  const reportFile = process.env.CANDOR_HARNESS_REPORT;
  const resultsFile = process.env.CANDOR_HARNESS_RESULTS;
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    if (reportFile) { appendFileSync(reportFile, `${format(...args)}\n`); }
  };
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.CANDOR_HARNESS_TEST_TIMEOUT_MS ?? 30_000),
    ...(process.env.CANDOR_HARNESS_GREP ? { grep: process.env.CANDOR_HARNESS_GREP } : {}),
    rootHooks: { afterEach: screenshotOfFailure },
  });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  const tests: TestResult[] = [];
  const errorText = (err: unknown) => (err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err));
  const writeResults = (failures: number, loadError?: string) => {
    if (!resultsFile) { return; }
    writeFileSync(resultsFile, JSON.stringify({
      passes: tests.filter((t) => t.state === 'passed').length,
      failures,
      pending: tests.filter((t) => t.state === 'pending').length,
      tests,
      ...(loadError ? { loadError } : {}),
    }, null, 2));
  };
  return new Promise((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failures) => {
        writeResults(failures);
        if (failures > 0) { reject(new Error(`${failures} test(s) failed`)); } else { resolve(); }
      });
    } catch (err) {
      // A test file that does not even load (a syntax error, a throwing import) is a failure with a name.
      writeResults(1, errorText(err));
      reject(err);
      return;
    }
    runner.on('pass', (t) => tests.push({ title: t.title, fullTitle: t.fullTitle(), state: 'passed', durationMs: t.duration }));
    runner.on('pending', (t) => tests.push({ title: t.title, fullTitle: t.fullTitle(), state: 'pending' }));
    // Hooks fail as their own "test" (e.g. `"before all" hook`), so they are reported by name too.
    runner.on('fail', (t, err) => tests.push({ title: t.title, fullTitle: t.fullTitle(), state: 'failed', durationMs: t.duration, error: errorText(err) }));
  });
}

/**
 * A failed test's workbench as it was when it failed, before the next test changes it and long before the
 * launcher's own screenshot at the end of the run: `screenshots/failed-<test>.png` among the run's
 * artifacts. Only where the launcher has a browser (the harness bridge); a failure to take it is not the test's.
 */
async function screenshotOfFailure(this: Mocha.Context): Promise<void> {
  const bridge = process.env.CANDOR_HARNESS_BRIDGE;
  const failed = this.currentTest;
  if (!bridge || failed?.state !== 'failed') { return; }
  await fetch(`${bridge}/screenshot`, { method: 'POST', body: JSON.stringify({ name: `failed-${failed.fullTitle()}`.slice(0, 150) }), signal: AbortSignal.timeout(20_000) })
    .catch(() => undefined);
}
