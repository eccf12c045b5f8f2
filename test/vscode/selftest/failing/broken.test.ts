// Run only by the harness's self-test (test/vscode/selftest.test.ts), which expects this suite to
// FAIL: a run with a broken expectation must end non-zero and name the failing test.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

suite('Self-test', () => {
  test('a passing test in the same run', () => {
    assert.equal(typeof vscode.version, 'string');
  });

  test('deliberately broken expectation', () => {
    assert.equal(vscode.workspace.getConfiguration('candor').get('enabled'), 'this is never the value');
  });
});
