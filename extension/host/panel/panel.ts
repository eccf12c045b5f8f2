// The Candor panel in the editor: one WebviewPanel, opened by **Candor: Show Pending Events** and
// **Candor: Show Consent and Status**. Scripts on, and nothing else: resources only from the bundle's
// folder, no forms, no command links; the page's CSP is in html.ts. What the panel does with messages
// is in panel-session.ts; this file is the thin edge to `vscode`.
import * as vscode from 'vscode';
import type { DataRights, PanelModel } from '../../core/view/panel-model';
import { makeNonce } from './csp';
import { panelHtml } from './html';
import { type EditorActions, PanelSession, type View } from './panel-session';

/** Where the panel's data comes from: the pipeline, which loads on first use, so both are asked for when needed. */
export interface PanelSources {
  model(): Promise<PanelModel>;
  rights(): Promise<DataRights>;
}

const editorActions: EditorActions = {
  async setCandorEnabled(enabled) {
    await vscode.workspace.getConfiguration('candor').update('enabled', enabled, vscode.ConfigurationTarget.Global);
  },
  async openSettings() {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'candor.');
  },
  async chooseExportTarget() {
    const uri = await vscode.window.showSaveDialog({
      title: 'Export my Candor data',
      saveLabel: 'Export',
      filters: { JSON: ['json'] },
      defaultUri: vscode.Uri.file(`candor-export-${new Date().toISOString().slice(0, 10)}.json`),
    });
    return uri && { label: uri.scheme === 'file' ? uri.fsPath : uri.toString(), write: async (json: string) => { await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(json)); } };
  },
  async confirmDelete() {
    const choice = await vscode.window.showWarningMessage(
      'Delete everything Candor holds about this installation, here and at the endpoint?',
      { modal: true, detail: 'The pending events, the history and the endpoint\'s copy of your events are deleted for every installation id this machine has used, and a new id is made. This cannot be undone.' },
      'Delete');
    return choice === 'Delete';
  },
};

export class CandorPanel implements vscode.Disposable {
  static readonly viewType = 'candor.panel';
  private panel: vscode.WebviewPanel | undefined;
  private session: PanelSession | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /**
   * Registers the panel's commands; the one line that wires the panel into `activate()`:
   * `context.subscriptions.push(CandorPanel.register(context.extensionUri, { model: async () => (await pipeline()).panelModel(), rights: async () => (await pipeline()).dataRights() }, log));`
   */
  static register(extensionUri: vscode.Uri, sources: PanelSources, log: (line: string) => void): CandorPanel {
    const panel = CandorPanel.create(extensionUri, sources, log);
    panel.disposables.push(
      vscode.commands.registerCommand('candor.showPending', () => panel.show('pending')),
      vscode.commands.registerCommand('candor.showConsent', () => panel.show('consent')));
    return panel;
  }

  /**
   * The panel without its commands, for an activate() that registers them itself and loads this module
   * only when one is first run (extension.ts does, to keep the panel's code out of activation).
   */
  static create(extensionUri: vscode.Uri, sources: PanelSources, log: (line: string) => void): CandorPanel {
    return new CandorPanel(extensionUri, sources, log);
  }

  private opening: Promise<void> | undefined;

  private constructor(private readonly extensionUri: vscode.Uri, private readonly sources: PanelSources, private readonly log: (line: string) => void) {}

  async show(view: View): Promise<void> {
    try {
      if (!this.panel) {
        this.opening ??= this.open().finally(() => { this.opening = undefined; });
        await this.opening;
      }
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.log(`The panel could not open: ${why}`);
      void vscode.window.showErrorMessage(`Candor could not open its panel: ${why}`);
      return;
    }
    this.panel?.reveal();
    this.session?.show(view);
  }

  private async open(): Promise<void> {
    const model = await this.sources.model();
    const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel(CandorPanel.viewType, 'Candor', vscode.ViewColumn.Active, {
      enableScripts: true,
      enableForms: false,
      enableCommandUris: false,
      enableFindWidget: true,
      localResourceRoots: [root],
    });
    const webview = panel.webview;
    const session = new PanelSession({
      model,
      rights: () => this.sources.rights(),
      editor: editorActions,
      log: this.log,
      port: { post: (message) => { void webview.postMessage(message); }, get visible() { return panel.visible; } },
    });
    const subscriptions = [
      webview.onDidReceiveMessage((data: unknown) => { void session.receive(data); }),
      model.onDidChange(() => session.modelChanged()),
      panel.onDidChangeViewState(() => { if (!panel.visible) { session.webviewReloaded(); } session.visibilityChanged(); }),
    ];
    panel.onDidDispose(() => {
      session.dispose();
      for (const s of subscriptions) { s.dispose(); }
      this.panel = undefined;
      this.session = undefined;
    });
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css')).toString(),
    });
    this.panel = panel;
    this.session = session;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) { d.dispose(); }
  }
}
