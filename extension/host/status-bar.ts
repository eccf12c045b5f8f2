// The status bar item: Candor's state at a glance, and in its tooltip the reason for it.
import * as vscode from 'vscode';
import type { ConsentState } from '../core/consent/consent';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('candor.status', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Candor';
    this.item.command = 'candor.showConsent';
  }

  show(consent: ConsentState): void {
    const on = consent.usageAllowed || consent.errorsAllowed;
    this.item.text = on ? (consent.usageAllowed ? '$(pulse) Candor' : '$(pulse) Candor: errors only') : '$(circle-slash) Candor: off';
    this.item.tooltip = consent.explanation;
    this.item.accessibilityInformation = { label: `Candor telemetry. ${consent.explanation}` };
    this.item.show();
  }

  dispose(): void { this.item.dispose(); }
}
