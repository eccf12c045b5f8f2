// `npm test`: every test of the repo, in one command, on a fresh machine. Each step prints its own
// runner's summary; this prints a table of the steps at the end and fails if any step failed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const steps = [
  // Debian packages every later step needs (PostgreSQL, Chromium, …), in one apt-get run, only if missing.
  { name: 'system packages (apt, if missing)', cmd: process.execPath, args: ['scripts/system-packages.mjs'] },
  { name: 'build', cmd: process.execPath, args: ['scripts/build.mjs'] },
  { name: 'typecheck', cmd: npm, args: ['run', '--silent', 'typecheck'] },
  { name: 'unit, spec and integration tests (vitest)', cmd: process.execPath, args: ['node_modules/vitest/vitest.mjs', 'run'] },
  { name: 'webview in Chromium (vitest + playwright-core)', cmd: process.execPath, args: ['node_modules/vitest/vitest.mjs', 'run', '-c', 'vitest.browser.config.mts'] },
  // Installs chromium and code-server when missing (cached), then runs the suite in a real VS Code.
  { name: 'real VS Code: .vsix, in-host suite, harness self-tests', cmd: process.execPath, args: ['test/vscode/run.mjs'] },
];

const results = [];
for (const step of steps) {
  console.log(`\n=== ${step.name}`);
  const start = Date.now();
  const { status, signal } = spawnSync(step.cmd, step.args, { cwd: ROOT, stdio: 'inherit', env: process.env });
  results.push({ step: step.name, result: status === 0 ? 'passed' : `FAILED (${signal ?? `exit ${status}`})`, seconds: ((Date.now() - start) / 1000).toFixed(1) });
}
console.log('\n=== summary');
console.table(results);
process.exit(results.every((r) => r.result === 'passed') ? 0 : 1);
