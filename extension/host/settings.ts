// Reads Candor's settings from the editor, checks them (core/settings), and says once per change what
// is wrong with an invalid value.
import * as vscode from 'vscode';
import { checkSettings, type CheckedSettings } from '../core/settings/pipeline-settings';

export function readSettings(): CheckedSettings {
  const c = vscode.workspace.getConfiguration('candor');
  return checkSettings({ endpoint: c.get('endpoint'), reviewBeforeSend: c.get('reviewBeforeSend'), maxEvents: c.get('batch.maxEvents'), intervalSeconds: c.get('batch.intervalSeconds') });
}

let lastWarned = '';

/** Shows the problems, unless the same ones were already shown. */
export function warnAbout(problems: readonly string[]): void {
  const text = problems.join(' ');
  if (!text || text === lastWarned) { lastWarned = text; return; }
  lastWarned = text;
  void vscode.window.showWarningMessage(`Candor: ${text}`, 'Open Settings').then((choice) => {
    if (choice) { void vscode.commands.executeCommand('workbench.action.openSettings', 'candor'); }
  });
}
