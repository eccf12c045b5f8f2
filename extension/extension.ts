// Candor's entry point: wiring only. Everything that decides lives in core/ (no `vscode` import);
// everything that talks to the editor lives in host/.
import * as vscode from 'vscode';
import { ConsentSource } from './host/consent-source';
import { StatusBar } from './host/status-bar';
import type { ConsentState } from './core/consent/consent';

/** What `activate()` returns to other extensions (grows with the API). */
export interface CandorApi {
  /** The effective consent now: what may be sent, and why not. */
  readonly consent: () => ConsentState;
  readonly onDidChangeConsent: vscode.Event<ConsentState>;
}

export function activate(context: vscode.ExtensionContext): CandorApi {
  const consent = new ConsentSource();
  const statusBar = new StatusBar();
  context.subscriptions.push(consent, statusBar);
  statusBar.show(consent.state);
  context.subscriptions.push(consent.onDidChange((state) => statusBar.show(state)));
  context.subscriptions.push(vscode.commands.registerCommand('candor.showConsent', async () => {
    await vscode.window.showInformationMessage(consent.state.explanation, { modal: false });
  }));
  return { consent: () => consent.state, onDidChangeConsent: consent.onDidChange };
}

export function deactivate(): void {}
