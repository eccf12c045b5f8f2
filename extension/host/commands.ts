// Candor's commands: each asks the user what only the user can say (a file name, a confirmation, a
// token) and leaves the work to the pipeline. Every command says what happened.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { Pipeline } from '../core/pipeline';
import { INGEST_TOKEN_KEY, type Secrets } from '../core/ports/secrets';

export interface CommandDeps {
  readonly context: vscode.ExtensionContext;
  /** The pipeline, loaded on first use (export and deletion work even while Candor is off). */
  readonly pipeline: () => Promise<Pipeline>;
  readonly secrets: Secrets;

  /** Runs a command through Candor's own usage and latency events (core/builtin), when wired. */
  readonly measure?: <T>(command: string, run: () => Promise<T>) => Promise<T>;
}

export const PAUSED_KEY = 'candor.paused';

/** The commands that act; showing (`candor.showPending`, `candor.showConsent`) is the panel's (host/panel/panel.ts). */
export function registerCommands({ context, pipeline: loadPipeline, secrets, measure }: CommandDeps): vscode.Disposable[] {
  const run = (command: string, fn: () => Promise<unknown>) => vscode.commands.registerCommand(command, () => (measure ? measure(command, fn) : fn()));
  const say = (ok: boolean, message: string) => (ok ? vscode.window.showInformationMessage(message) : vscode.window.showWarningMessage(message));

  const setPaused = async (paused: boolean) => {
    const result = await (await (await loadPipeline()).panelModel()).setPaused(paused);
    await context.globalState.update(PAUSED_KEY, paused);
    await vscode.commands.executeCommand('setContext', 'candor.paused', paused);
    void say(result.ok, result.message);
  };

  return [
    run('candor.sendNow', async () => {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Candor: sending' }, async () => (await (await loadPipeline()).panelModel()).sendNow());
      void say(result.ok, result.message);
    }),
    run('candor.pause', () => setPaused(true)),
    run('candor.resume', () => setPaused(false)),

    run('candor.exportData', async () => {
      const day = new Date().toISOString().slice(0, 10);
      const target = await vscode.window.showSaveDialog({
        title: 'Export everything Candor holds about you',
        defaultUri: vscode.Uri.joinPath(vscode.Uri.file(homedir()), `candor-export-${day}.json`),
        filters: { JSON: ['json'] },
        saveLabel: 'Export',
      });
      if (!target) { return; }
      const { json, summary } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Candor: exporting your data' }, async () => (await (await loadPipeline()).dataRights()).exportAll());
      await vscode.workspace.fs.writeFile(target, Buffer.from(json, 'utf8'));
      const open = await vscode.window.showInformationMessage(`Exported to ${target.fsPath}: ${summary}`, 'Open');
      if (open) { await vscode.window.showTextDocument(target); }
    }),

    run('candor.deleteData', async () => {
      const confirm = await vscode.window.showWarningMessage(
        'Delete everything Candor holds about you?',
        { modal: true, detail: 'This deletes the events waiting on this machine, the delivery history, and every event the endpoint stored for this installation (and its earlier installation ids). Candor then starts with a new installation id. This cannot be undone.' },
        'Delete',
      );
      if (confirm !== 'Delete') { return; }
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Candor: deleting your data' }, async () => (await (await loadPipeline()).dataRights()).deleteAll());
      const buttons = result.receipts.length > 0 ? ['Show Receipt'] : [];
      const pick = await (result.ok ? vscode.window.showInformationMessage(result.message, ...buttons) : vscode.window.showWarningMessage(result.message, ...buttons));
      if (pick) {
        const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(result.receipts, null, 2) });
        await vscode.window.showTextDocument(doc);
      }
    }),

    run('candor.setIngestToken', async () => {
      const token = await vscode.window.showInputBox({
        title: 'Candor: ingest token',
        prompt: 'The token your endpoint requires (sent as "Authorization: Bearer …"). It is kept in the editor\'s secret storage. Leave empty to remove it.',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.length > 4096 ? 'A token is at most 4096 characters.' : /[\s\u0000-\u001f]/.test(v) ? 'A token has no spaces or control characters.' : undefined),
      });
      if (token === undefined) { return; }
      if (token === '') { await secrets.delete(INGEST_TOKEN_KEY); } else { await secrets.store(INGEST_TOKEN_KEY, token); }
      void say(true, token === '' ? 'Candor: the ingest token was removed.' : 'Candor: the ingest token is stored in the editor\'s secret storage.');
      // A batch held by a 401/403 is tried again with the new token at once (also when it was removed: an
      // endpoint that needs none may have refused a stale one).
      (await loadPipeline()).delivery.credentialsChanged();
    }),

  ];
}
