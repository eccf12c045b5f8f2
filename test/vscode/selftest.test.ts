// The harness's self-test: a run that should fail does fail — non-zero, naming what failed, with the
// logs that explain it — and leaves no process behind. Each case starts a real code-server.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildSuites, packageCandor } from './harness/build.mjs';
import { runInCodeServer } from './harness/launch-code-server.mjs';
import { ROOT } from '../../scripts/vscode/paths.mjs';

let vsix: string;

beforeAll(async () => {
  vsix = process.env.CANDOR_VSIX ?? packageCandor();
  await buildSuites(['failing', 'hanging']);
});

/** Processes still alive that belong to a run: in the editor's process group, or with the run's profile in their environment or command line (chromium). */
function leftovers(run: { profileRoot: string; processes: { editorGroup?: number } }): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (pgrp === run.processes.editorGroup || environ.includes(run.profileRoot) || cmdline.includes(run.profileRoot)) {
        found.push(`${pid}: ${cmdline.slice(0, 160)}`);
      }
    } catch { /* exited while we looked */ }
  }
  return found;
}

describe('the real-editor harness', () => {
  test('a deliberately broken expectation makes `test/vscode/run.mjs` exit non-zero and name the failing test', () => {
    const r = spawnSync(process.execPath, ['test/vscode/run.mjs', '--suite', 'failing', '--vsix', vsix], { cwd: ROOT, encoding: 'utf8' });
    const output = `${r.stdout}${r.stderr}`;
    expect(r.status, output).not.toBe(0);
    expect(output).toContain('VS Code suite "failing" failed: 1 test(s) failed');
    expect(output).toContain('✗ Self-test deliberately broken expectation');
    expect(output).toContain('1 passing'); // mocha's own summary, echoed live from inside the editor
    expect(output).toContain('1 failing');
  });

  test('the same run through the API: results name each test, logs are saved, nothing is left running', async () => {
    const run = await runInCodeServer({ suite: 'failing', name: 'selftest-failing', vsixFiles: [vsix], echo: () => {} });
    expect(run.passed).toBe(false);
    expect(run.exitCode).toBe(1); // what the editor reported through codeAutomationExit
    expect(run.results.tests.map((t: { title: string; state: string }) => [t.title, t.state])).toEqual([
      ['a passing test in the same run', 'passed'],
      ['deliberately broken expectation', 'failed'],
    ]);
    expect(run.message).toMatch(/--- log .*remoteexthost\.log/); // the extension host's log tail
    expect(run.message).toContain('--- editor server output');
    expect(existsSync(path.join(run.artifactsDir, 'at-failure.png'))).toBe(true);
    // The workbench as it was when the test failed, taken in-host before the next test ran.
    expect(existsSync(path.join(run.artifactsDir, 'screenshots', 'failed-Self-test-deliberately-broken-expectation.png'))).toBe(true);
    expect(existsSync(path.join(run.artifactsDir, 'screenshots', 'failed-Self-test-a-passing-test-in-the-same-run.png'))).toBe(false);
    expect(existsSync(path.join(run.artifactsDir, 'remoteexthost.log'))).toBe(true);
    expect(existsSync(path.join(run.artifactsDir, 'results.json'))).toBe(true);
    expect(existsSync(run.profileRoot)).toBe(false);
    expect(leftovers(run)).toEqual([]);
  });

  test('a run that hangs is stopped at its timeout, reported as such, and torn down completely', async () => {
    const report: string[] = [];
    const run = await runInCodeServer({ suite: 'hanging', name: 'selftest-hanging', vsixFiles: [vsix], timeoutMs: 30_000, echo: (l) => report.push(l) });
    expect(run.passed).toBe(false);
    expect(report.join('')).toContain('Self-test'); // mocha had started: the hang was inside the extension host
    expect(run.reason).toContain('timed out after 30000 ms');
    expect(run.message).toContain('--- editor server output');
    expect(run.processes.editorGroup).toBeGreaterThan(0);
    expect(leftovers(run)).toEqual([]);
  });

  test('an editor that does not start fails the run with its own output', async () => {
    const run = await runInCodeServer({ suite: 'failing', name: 'selftest-no-start', vsixFiles: [vsix], serverArgs: ['--no-such-option'], echo: () => {} });
    expect(run.passed).toBe(false);
    expect(run.reason).toContain('code-server exited before it was ready');
    expect(run.reason).toContain('--no-such-option'); // code-server's own complaint, in the message
    expect(existsSync(run.profileRoot)).toBe(false);
  });
});
