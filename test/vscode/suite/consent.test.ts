// The facts the pipeline's consent matrix builds on: a test changes the editor's telemetry level and
// Candor's own opt-in, and Candor sees each change at once through its API — no reload.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CandorApi } from '../../../extension/extension';
import { candor, eventually, needsBrowser, nextEvent, setSettings, ui } from '../helpers';

type ConsentState = ReturnType<CandorApi['consent']>;

/** Nothing listens on port 9 (discard): a valid loopback endpoint to which nothing is delivered. */
const ENDPOINT = 'http://127.0.0.1:9/';

/** What each editor level lets Candor send once it is enabled with an endpoint (VS Code's definition). */
const EXPECTED = {
  all: { usageAllowed: true, errorsAllowed: true },
  error: { usageAllowed: false, errorsAllowed: true },
  crash: { usageAllowed: false, errorsAllowed: false },
  off: { usageAllowed: false, errorsAllowed: false },
} as const;

function allows(state: ConsentState) {
  return { usageAllowed: state.usageAllowed, errorsAllowed: state.errorsAllowed };
}

function sameAllows(state: ConsentState, expected: { usageAllowed: boolean; errorsAllowed: boolean }) {
  return state.usageAllowed === expected.usageAllowed && state.errorsAllowed === expected.errorsAllowed;
}

suite('Consent follows the settings live', () => {
  let api: CandorApi;

  suiteSetup(async () => {
    ({ api } = await candor());
  });

  setup(async () => {
    await setSettings({ 'telemetry.telemetryLevel': 'all', 'candor.enabled': true, 'candor.endpoint': ENDPOINT });
    await eventually(() => assert.deepEqual(allows(api.consent()), EXPECTED.all));
  });

  suiteTeardown(async () => {
    await setSettings({ 'telemetry.telemetryLevel': undefined, 'candor.enabled': undefined, 'candor.endpoint': undefined });
  });

  for (const level of ['error', 'crash', 'off', 'all'] as const) {
    test(`telemetry.telemetryLevel "${level}" reaches Candor at once`, async () => {
      if (level === 'all') { // start from elsewhere, so that setting "all" is a change
        const off = nextEvent(api.onDidChangeConsent, (s) => s.editorLevel === 'off' && !s.errorsAllowed);
        await setSettings({ 'telemetry.telemetryLevel': 'off' });
        await off;
      }
      // The editor tells extensions about a new level in two messages (the setting, and the
      // TelemetryLogger's enable states), in either order; Candor names the setting's level only once
      // the enable states agree with it (core/consent/editor-level.ts).
      const changed = nextEvent(api.onDidChangeConsent, (s) => s.editorLevel === level && sameAllows(s, EXPECTED[level]));
      await setSettings({ 'telemetry.telemetryLevel': level });
      const state = await changed;
      assert.deepEqual(api.consent(), state, 'consent() agrees with the event');
      assert.equal(vscode.env.isTelemetryEnabled, level === 'all', 'the editor itself reports the same level');
    });
  }

  test('never announces usage allowed while the editor says telemetry is off, nor the reverse', async () => {
    const announced: { state: ConsentState; editorEnabled: boolean }[] = [];
    const sub = api.onDidChangeConsent((state) => announced.push({ state, editorEnabled: vscode.env.isTelemetryEnabled }));
    try {
      for (const level of ['error', 'crash', 'off', 'all', 'off', 'error', 'all'] as const) {
        const changed = nextEvent(api.onDidChangeConsent, (s) => s.editorLevel === level && sameAllows(s, EXPECTED[level]));
        await setSettings({ 'telemetry.telemetryLevel': level });
        await changed;
      }
    } finally { sub.dispose(); }
    assert.ok(announced.length >= 7, 'every change was announced');
    const wrong = announced.filter(({ state, editorEnabled }) => state.usageAllowed !== editorEnabled);
    assert.deepEqual(wrong, [], 'usage allowed exactly when vscode.env.isTelemetryEnabled, at every announcement');
  });

  test('candor.enabled off and on again reaches Candor at once', async () => {
    const off = nextEvent(api.onDidChangeConsent, (s) => !s.candorEnabled);
    await setSettings({ 'candor.enabled': false });
    const stateOff = await off;
    assert.deepEqual(allows(stateOff), { usageAllowed: false, errorsAllowed: false });
    assert.match(stateOff.explanation, /candor\.enabled/, 'the explanation names the setting that stops sending');

    const on = nextEvent(api.onDidChangeConsent, (s) => s.candorEnabled);
    await setSettings({ 'candor.enabled': true });
    assert.deepEqual(allows(await on), EXPECTED.all);
  });

  test('an empty endpoint stops sending, and setting one again resumes it', async () => {
    const cleared = nextEvent(api.onDidChangeConsent, (s) => s.endpoint === undefined);
    await setSettings({ 'candor.endpoint': '' });
    assert.deepEqual(allows(await cleared), { usageAllowed: false, errorsAllowed: false });
    const set = nextEvent(api.onDidChangeConsent, (s) => s.endpoint === ENDPOINT);
    await setSettings({ 'candor.endpoint': ENDPOINT });
    assert.deepEqual(allows(await set), EXPECTED.all);
  });

  test('the status bar shows the state a user would see', async function () {
    needsBrowser(this);
    const errorsOnly = nextEvent(api.onDidChangeConsent, (s) => s.editorLevel === 'error');
    await setSettings({ 'telemetry.telemetryLevel': 'error' });
    await errorsOnly;
    await eventually(async () => {
      const items = await ui.workbenchTexts('#workbench\\.parts\\.statusbar .statusbar-item');
      assert.ok(items.some((t) => t.includes('Candor: errors only')), `status bar: ${JSON.stringify(items.filter((t) => t.includes('Candor')))}`);
    });
    await ui.screenshot('status-bar-errors-only');
  });
});
