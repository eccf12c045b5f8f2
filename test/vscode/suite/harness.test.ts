// The harness's own mechanisms that later suites build on, each against the real thing: a second
// extension beside Candor, a webview read and clicked through both iframes, screenshots as artifacts.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ConsumerApi } from '../fixtures/consumer/extension';
import { ENDPOINT_AVAILABLE, candor, eventually, extensionsDir, fixture, needsBrowser, nextEvent, setSettings, startEndpoint, ui } from '../helpers';

suite('Harness: fixtures and the workbench', () => {
  test('a fixture extension installed beside Candor activates and calls Candor\'s API', async () => {
    const { extension, api } = await fixture<ConsumerApi>('consumer');
    assert.equal(path.dirname(extension.extensionPath), extensionsDir, 'installed from its .vsix');
    assert.equal(extension.isActive, true);
    const { api: candorApi } = await candor();
    assert.deepEqual(api.consentAtActivation, candorApi.consent(), 'the fixture got Candor\'s consent state through the API');
    assert.match(api.consentAtActivation.explanation, /\S/);
  });

  test('reads and clicks inside a webview, two iframes deep', async function () {
    needsBrowser(this);
    const { api } = await fixture<ConsumerApi>('consumer');
    await ui.runCommand('Candor Fixture: Open Test Webview');
    assert.equal(await ui.webviewText('#status', { equals: 'ready' }), 'ready');
    const clicked = nextEvent(api.onDidClick);
    await ui.webviewClick('#hit');
    assert.equal(await clicked, 1, 'the click reached the extension');
    assert.equal(await ui.webviewText('#status', { equals: 'acknowledged 1' }), 'acknowledged 1', 'and its answer reached the webview');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('saves a screenshot of the workbench as a test artifact', async function () {
    needsBrowser(this);
    const file = await ui.screenshot('workbench');
    assert.equal(path.dirname(file), path.join(process.env.CANDOR_HARNESS_ARTIFACTS ?? '', 'screenshots'));
    await eventually(() => {
      const png = readFileSync(file);
      assert.ok(png.length > 10_000, `a real picture (${png.length} bytes)`);
      assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
    });
  });

  test('starts the real endpoint beside the editor on a throwaway SQLite file, and Candor can be pointed at it', async function () {
    if (!ENDPOINT_AVAILABLE) { this.skip(); } // the endpoint lands on its own branch; until then this case waits
    const endpoint = await startEndpoint();
    assert.match(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const health = await fetch(new URL('healthz', endpoint.url));
    assert.equal(health.status, 200, 'the endpoint answers from inside the extension host');
    await eventually(() => assert.ok(readFileSync(endpoint.databaseFile).length > 0, 'its SQLite file exists'));
    const { api } = await candor();
    const pointed = nextEvent(api.onDidChangeConsent, (s) => s.endpoint === endpoint.url);
    await setSettings({ 'candor.enabled': true, 'candor.endpoint': endpoint.url });
    assert.equal((await pointed).endpoint, endpoint.url);
    await setSettings({ 'candor.enabled': undefined, 'candor.endpoint': undefined });
  });
});
