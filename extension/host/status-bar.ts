// The status bar item: Candor's state at a glance — off (and why), paused, events waiting, review
// needed, or the last delivery failed — and in its tooltip the reason for it.
import * as vscode from 'vscode';
import type { ConsentState } from '../core/consent/consent';
import type { PipelineStatus } from '../core/pipeline';
import { statusText } from '../core/view/status-text';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('candor.status', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Candor';
    this.item.command = 'candor.showConsent';
  }

  show(consent: ConsentState, status?: PipelineStatus): void {
    const { text, detail } = statusText(consent, status);
    this.item.text = text;
    this.item.tooltip = detail;
    this.item.accessibilityInformation = { label: `Candor telemetry. ${detail}` };
    this.item.backgroundColor = status?.lastFailure && consent.errorsAllowed ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void { this.item.dispose(); }
}
