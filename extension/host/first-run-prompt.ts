// The one-time question (core/consent/first-run.ts decides whether to ask): a notification with
// Enable, Not now, and Show what is collected (the panel's consent view). The answer is kept in the
// editor's global state.
import * as vscode from 'vscode';
import { firstRun, type FirstRunChoice } from '../core/consent/first-run';
import type { ConsentState } from '../core/consent/consent';

const KEY = 'candor.firstRunChoice';

export async function askOnce(context: vscode.ExtensionContext, consent: ConsentState, editorAllows: boolean): Promise<void> {
  const decision = firstRun({ recorded: context.globalState.get<FirstRunChoice>(KEY), editorAllows, candorEnabled: consent.candorEnabled });
  if (!decision.ask) {
    if (decision.record) { await context.globalState.update(KEY, decision.record); }
    return;
  }
  const question = 'Candor can send anonymous usage, performance and error reports of your extensions to an endpoint you choose — and shows you every byte before it leaves. Nothing is sent unless you enable it. Enable Candor?';
  let choice = await vscode.window.showInformationMessage(question, 'Enable', 'Not now', 'Show what is collected');
  if (choice === 'Show what is collected') {
    await vscode.commands.executeCommand('candor.showConsent');
    // The user asked to read first; the question stays open for this answer only.
    choice = await vscode.window.showInformationMessage(question, 'Enable', 'Not now');
  }
  const recorded: FirstRunChoice = choice === 'Enable' ? 'enabled' : choice === 'Not now' ? 'notNow' : 'dismissed';
  await context.globalState.update(KEY, recorded);
  if (choice !== 'Enable') { return; }
  await vscode.workspace.getConfiguration('candor').update('enabled', true, vscode.ConfigurationTarget.Global);
  if (!consent.endpoint) {
    const open = await vscode.window.showInformationMessage('Candor is enabled. Set the endpoint to send to (the setting candor.endpoint); until then nothing is recorded or sent.', 'Open Settings');
    if (open) { await vscode.commands.executeCommand('workbench.action.openSettings', 'candor.endpoint'); }
  }
}
