// The editor's side of consent: what VS Code allows (through a TelemetryLogger, which VS Code keeps
// right under policies and --disable-telemetry), Candor's opt-in and its endpoint setting, with a
// change event that fires at once when any of them changes. No reload needed.
import * as vscode from 'vscode';
import { checkEndpoint } from '../core/consent/endpoint-setting';
import { evaluateConsent, type ConsentInputs, type ConsentState } from '../core/consent/consent';
import { editorLevelOf } from '../core/consent/editor-level';

/** Used only to read the editor's enable states; Candor never logs through this logger. */
const OBSERVE_ONLY_SENDER: vscode.TelemetrySender = { sendEventData() {}, sendErrorData() {} };

export class ConsentSource implements vscode.Disposable {
  private readonly logger = vscode.env.createTelemetryLogger(OBSERVE_ONLY_SENDER);
  private readonly emitter = new vscode.EventEmitter<ConsentState>();
  private readonly subscriptions: vscode.Disposable[] = [this.logger, this.emitter];
  private current: ConsentState;

  /** Fires with the new state whenever any input of consent changes. */
  readonly onDidChange = this.emitter.event;

  constructor() {
    this.current = evaluateConsent(this.inputs());
    const refresh = () => {
      const next = evaluateConsent(this.inputs());
      if (JSON.stringify(next) !== JSON.stringify(this.current)) { this.current = next; this.emitter.fire(next); }
    };
    this.subscriptions.push(
      this.logger.onDidChangeEnableStates(refresh),
      vscode.env.onDidChangeTelemetryEnabled(refresh),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('candor') || e.affectsConfiguration('telemetry')) { refresh(); }
      }),
    );
  }

  get state(): ConsentState { return this.current; }

  private inputs(): ConsentInputs {
    const candor = vscode.workspace.getConfiguration('candor');
    const level = vscode.workspace.getConfiguration('telemetry').get<unknown>('telemetryLevel');
    const endpoint = checkEndpoint(candor.get('endpoint'));
    return {
      editorUsageEnabled: this.logger.isUsageEnabled,
      editorErrorsEnabled: this.logger.isErrorsEnabled,
      editorLevel: editorLevelOf(level, this.logger.isUsageEnabled, this.logger.isErrorsEnabled),
      candorEnabled: candor.get('enabled') === true,
      endpoint: endpoint?.ok ? endpoint.url : undefined,
      ...(endpoint && !endpoint.ok ? { endpointProblem: endpoint.problem } : {}),
    };
  }

  dispose(): void { for (const d of this.subscriptions) { d.dispose(); } }
}
