// `npm run test:vscode`: Candor's tests in a real VS Code. Installs what is missing (cached), packages
// Candor's .vsix, builds the in-host suite and the fixture extensions, runs the suite, then the
// harness's own tests (the .vsix contents, and that broken or hanging runs fail as they must).
//
// usage: node test/vscode/run.mjs [--launcher code-server|electron] [--grep <mocha pattern>] [--suite-only]
//        [--suite main|failing|hanging]   (another suite than main: only that suite, for the harness's self-test)
//        [--vsix <file>]                  (test this .vsix instead of packaging one)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureInstalled } from '../../scripts/vscode/install.mjs';
import { ROOT } from '../../scripts/vscode/paths.mjs';
import { SUITES, buildFixtures, buildSuites, packageCandor } from './harness/build.mjs';
import { buildEndpoint, endpointAvailable } from './harness/endpoint.mjs';
import { stopAllOnSignals } from './harness/process-group.mjs';

const { values: opts } = parseArgs({
  options: {
    launcher: { type: 'string', default: process.env.CANDOR_VSCODE_LAUNCHER || 'code-server' },
    grep: { type: 'string' },
    'suite-only': { type: 'boolean', default: false },
    suite: { type: 'string', default: 'main' },
    vsix: { type: 'string' },
  },
});
if (!['code-server', 'electron'].includes(opts.launcher)) {
  console.error(`unknown launcher ${opts.launcher}: use code-server or electron`);
  process.exit(2);
}
if (!(opts.suite in SUITES)) {
  console.error(`unknown suite ${opts.suite}: use one of ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}
stopAllOnSignals();

const steps = [];
async function step(name, fn) {
  console.log(`\n--- ${name}`);
  const start = Date.now();
  let ok = false;
  try { ok = (await fn()) !== false; } catch (e) { console.error(e instanceof Error ? e.message : e); }
  steps.push({ step: name, result: ok ? 'passed' : 'FAILED', seconds: ((Date.now() - start) / 1000).toFixed(1) });
  return ok;
}

let vsixFiles = [];
// test-electron brings its own editor; only the code-server launcher needs the install.
const installed = opts.launcher === 'electron' || await step('install chromium and code-server (cached)', ensureInstalled);
const built = installed && await step(`${opts.vsix ? 'take' : 'package'} Candor (.vsix), build the in-host suites and fixtures`, async () => {
  const candor = opts.vsix ? path.resolve(opts.vsix) : packageCandor();
  await buildSuites([opts.suite]);
  if (endpointAvailable()) { buildEndpoint(); } // for the suite's endpoint helper
  vsixFiles = [candor, ...await buildFixtures()];
  process.env.CANDOR_VSIX = candor; // the harness's own tests check this same file
});

if (built) {
  await step(`in-host suite in ${opts.launcher === 'electron' ? 'VS Code (test-electron)' : 'code-server + chromium'}`, async () => {
    const { runInCodeServer } = await import('./harness/launch-code-server.mjs');
    const { runInElectron } = await import('./harness/launch-electron.mjs');
    const launch = opts.launcher === 'electron' ? runInElectron : runInCodeServer;
    const run = await launch({ suite: opts.suite, vsixFiles, grep: opts.grep });
    console.log(run.passed ? `\n✓ VS Code suite passed: ${run.reason} in ${(run.durationMs / 1000).toFixed(1)} s` : run.message);
    console.log(`artifacts: ${path.relative(ROOT, run.artifactsDir)}/`);
    return run.passed;
  });
  if (!opts['suite-only'] && opts.suite === 'main' && opts.launcher === 'code-server') {
    await step('harness self-tests (vitest)', () => spawnSync(process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/vscode/vitest.config.mts'],
      { cwd: ROOT, stdio: 'inherit', env: process.env }).status === 0);
  }
}

console.log('\n--- real VS Code: summary');
console.table(steps);
process.exit(steps.length > 0 && steps.every((s) => s.result === 'passed') ? 0 : 1);
