// Candor as a user gets it: installed from the .vsix, activated by the editor, its settings and
// commands contributed as the manifest says.
import * as assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import manifest from '../../../package.json';
import { CANDOR_ID, candor, eventually, extensionsDir, needsBrowser, ui } from '../helpers';

type SettingSchema = { default: unknown; markdownDescription?: string; description?: string; tags?: string[] };
const properties = manifest.contributes.configuration.properties as Record<string, SettingSchema>;

/** The plain-text start of a (markdown) description, up to the first markup, which the Settings editor renders differently. */
function plainStart(markdown: string): string {
  return markdown.split(/[`#*[\]]/)[0]!.trim();
}

suite('Candor in the editor', () => {
  test('is the copy installed from the .vsix, and the editor activates it at startup', async () => {
    const extension = vscode.extensions.getExtension(CANDOR_ID);
    assert.ok(extension, `${CANDOR_ID} is installed`);
    assert.ok(extensionsDir, 'the launcher says where it installed extensions');
    assert.equal(path.dirname(extension.extensionPath), extensionsDir, 'loaded from the extensions folder, not from a development folder');
    assert.deepEqual(extension.packageJSON.contributes, manifest.contributes, 'the installed manifest is this repository\'s');
    // onStartupFinished: the editor activates Candor without anyone asking.
    await eventually(() => assert.equal(extension.isActive, true, 'activated by the editor'), { timeoutMs: 20_000 });
    const { api } = await candor();
    assert.equal(typeof api.consent, 'function');
    assert.equal(typeof api.onDidChangeConsent, 'function');
  });

  test('contributes every setting of the manifest, with its default', () => {
    const keys = Object.keys(properties);
    assert.ok(keys.length >= 5, 'the manifest declares Candor\'s settings');
    for (const key of keys) {
      const inspected = vscode.workspace.getConfiguration().inspect(key);
      assert.ok(inspected, `${key} is known to the editor`);
      assert.deepEqual(inspected.defaultValue, properties[key]!.default, `${key}'s default in the editor`);
    }
    assert.deepEqual(properties['candor.enabled']!.tags, ['telemetry', 'usesOnlineServices'], 'the opt-in is tagged as VS Code asks');
    assert.equal(properties['candor.enabled']!.default, false, 'Candor is off until the user opts in');
  });

  test('shows every setting with its description in the Settings editor', async function () {
    needsBrowser(this);
    for (const [key, schema] of Object.entries(properties)) {
      const description = schema.markdownDescription ?? schema.description ?? '';
      const expected = plainStart(description);
      assert.ok(expected.length >= 20, `${key} has a description that says something`);
      await vscode.commands.executeCommand('workbench.action.openSettings', `@id:${key}`);
      await eventually(async () => {
        const items = await ui.workbenchTexts('.settings-editor .setting-item-contents');
        assert.equal(items.length, 1, `the Settings editor shows exactly ${key} (got ${items.length} items)`);
        assert.ok(items[0]!.replace(/\s+/g, ' ').includes(expected), `${key} is shown with its description "${expected}…"; shown: ${items[0]}`);
      });
    }
    await ui.screenshot('settings-editor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('registers every command it contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(manifest.contributes.commands.length > 0);
    for (const { command } of manifest.contributes.commands) {
      assert.ok(registered.has(command), `${command} is registered`);
    }
  });

  test('"Candor: Show Consent and Status" runs from the command palette and explains the state', async function () {
    needsBrowser(this);
    const { api } = await candor();
    const command = manifest.contributes.commands.find((c) => c.command === 'candor.showConsent')!;
    await ui.runCommand(`${command.category}: ${command.title}`);
    // The panel opens on its consent view, which says which condition stops sending.
    const shown = await ui.webviewText('#consent-explanation', { contains: api.consent().explanation.slice(0, 40), timeoutMs: 30_000 });
    assert.ok(shown.includes(api.consent().explanation.slice(0, 40)), `the consent view says "${api.consent().explanation}"; shown: ${shown}`);
    await ui.screenshot('show-consent');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
