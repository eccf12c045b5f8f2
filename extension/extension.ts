// Candor's entry point: wiring only. Everything that decides lives in core/ (no `vscode` import); the
// Node adapters (disk, HTTP, timers) live in node/; everything that talks to the editor lives in host/.
//
// activate() stays small: it reads consent and settings, shows the status, and registers the commands.
// The pipeline itself (dist/lazy/pipeline.js) is loaded only when consent allows collecting or events
// of an earlier session wait on disk; the parts used on demand (export and deletion, the panel's model,
// repair of queue files, the validators of answers and files) each load from dist/lazy/ on first use.
import { promises as fs } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { BuiltinEvents } from './core/builtin/builtin-events';
import { DeferredPipeline } from './core/deferred-pipeline';
import type { Pipeline } from './core/pipeline';
import type { ClientFacts, PersonalStrings } from './core/ports/environment';
import { INGEST_TOKEN_KEY } from './core/ports/secrets';
import { NewNameApprovals } from './core/api/approvals';
import { APPROVALS_KEY, createApi, type CandorApi } from './host/api';
import { registerCommands, PAUSED_KEY } from './host/commands';
import { ConsentSource } from './host/consent-source';
import { askOnce } from './host/first-run-prompt';
import { holdNotice } from './host/hold-notice';
import type { CandorPanel } from './host/panel/panel';
import { secretStore } from './host/secret-store';
import { readSettings, warnAbout } from './host/settings';
import { StatusBar } from './host/status-bar';
import { lazyValidators, systemClock } from './node/node-environment';
import type { HostDeps } from './lazy/pipeline';

/** What `activate()` returns to other extensions: api/src/types.ts's API, with the full consent state. */
export type { CandorApi } from './host/api';

let running: { deferred: DeferredPipeline; builtins: BuiltinEvents } | undefined;

const VERSION = /^[0-9]+\.[0-9]+(\.[0-9]+)?([-+][0-9A-Za-z.-]+)?$/;
const lazy = (name: string) => require(path.join(__dirname, 'lazy', `${name}.js`));

function clientFacts(context: vscode.ExtensionContext): ClientFacts {
  const own = String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');
  const editorName = vscode.env.appName.replace(/[^A-Za-z0-9 ._()+-]/g, '').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64) || 'Unknown';
  const platform = vscode.env.uiKind === vscode.UIKind.Web ? 'web'
    : process.platform === 'linux' || process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'other';
  return { candorVersion: VERSION.test(own) ? own : '0.0.0', editorName, editorVersion: VERSION.test(vscode.version) ? vscode.version : '0.0.0', platform };
}

/** This user's and machine's names, which the scrubber removes wherever they appear. */
function personalStrings(): PersonalStrings {
  try { return { userName: userInfo().username, hostName: hostname(), homeDir: homedir() }; } catch { return { hostName: hostname(), homeDir: homedir() }; }
}

export function activate(context: vscode.ExtensionContext): CandorApi {
  const activationStarted = performance.now();
  const log = vscode.window.createOutputChannel('Candor', { log: true });
  const consent = new ConsentSource();
  const secrets = secretStore(context.secrets);
  let settings = readSettings();
  const client = clientFacts(context);
  const statusBar = new StatusBar();
  const announceHold = holdNotice();
  let statusTimer: NodeJS.Timeout | undefined;
  const refresh = () => {
    if (statusTimer) { return; }
    // Many changes in a burst make one repaint.
    statusTimer = setTimeout(() => {
      statusTimer = undefined;
      const status = deferred.loaded?.status();
      statusBar.show(consent.state, status);
      announceHold(status);
    }, 250);
  };

  const validators = lazyValidators(lazy);
  const approvals = new NewNameApprovals({ get: () => context.globalState.get<string[]>(APPROVALS_KEY) ?? [], set: (names) => context.globalState.update(APPROVALS_KEY, names) });
  const deps: HostDeps = {
    storage: context.globalStorageUri.fsPath,
    secrets,
    validators,
    needsApproval: approvals.needsApproval,
    catalogues: () => api.catalogues(),
    modules: { rights: async () => lazy('rights'), panel: async () => lazy('panel'), recovery: async () => lazy('recovery') },
    client, personal: personalStrings(),
    log: (message) => log.warn(message),
  };
  const deferred = new DeferredPipeline(async () => {
    const { createPipeline } = lazy('pipeline') as typeof import('./lazy/pipeline');
    const pipeline = createPipeline(deps);
    context.subscriptions.push(
      pipeline.onDidChange(refresh),
      pipeline.onDidAccept((source, event) => {
        builtins.observe(source.extension, event);
        if (source.extension !== 'candor.candor') { void builtins.milestone('candor.firstRegisteredEvent'); }
      }),
      pipeline.onDidApprove((events) => approvals.approved(events)),
      pipeline.onDidDrop((code, count) => builtins.dropped(code, count)),
      pipeline.onDidDeliver((batches) => { builtins.delivered(batches); void builtins.milestone('candor.firstDelivery'); }),
    );
    await pipeline.start(consent.state, readSettings().settings, context.globalState.get<boolean>(PAUSED_KEY) === true);
    // Settings and consent may have changed while it started (their listeners only reach a loaded pipeline).
    pipeline.configure(readSettings().settings);
    await pipeline.setConsent(consent.state);
    refresh();
    return pipeline;
  }, () => consent.state);
  const builtins = new BuiltinEvents({ extension: 'candor.candor', version: client.candorVersion }, deferred, systemClock, context.globalState,
    () => deferred.loaded?.identity.current?.createdAt ?? Date.now(), context.extensionPath, vscode.window.state.focused);
  running = { deferred, builtins };
  let panelInstance: CandorPanel | undefined;
  const panel = (): CandorPanel => {
    panelInstance ??= (lazy('panel-host') as typeof import('./host/panel/panel')).CandorPanel.create(context.extensionUri,
      { model: async () => (await deferred.get()).panelModel(), rights: async () => (await deferred.get()).dataRights() }, (line) => log.info(line));
    return panelInstance;
  };
  const api = createApi({ context, intake: deferred, builtins, validators, approvals, consent: () => consent.state, onDidChangeConsent: consent.onDidChange,
    loadRegistrar: () => lazy('api') as typeof import('./core/api/registrar') });

  statusBar.show(consent.state);
  context.subscriptions.push(log, consent, statusBar,
    consent.onDidChange((state) => {
      if (deferred.loaded) { void deferred.loaded.setConsent(state); } else if (state.errorsAllowed) { void deferred.get(); }
      refresh();
    }),
    vscode.window.onDidChangeWindowState((s) => builtins.focusChanged(s.focused)),
    // The token may be set in another window; a batch held by a 401/403 here is then tried again at once.
    context.secrets.onDidChange((e) => { if (e.key === INGEST_TOKEN_KEY) { deferred.loaded?.delivery.credentialsChanged(); } }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('candor')) { return; }
      settings = readSettings();
      warnAbout(settings.problems);
      deferred.loaded?.configure(settings.settings);
    }),
    ...registerCommands({ context, pipeline: () => deferred.get(), secrets, measure: (command, run) => builtins.command(command, run) }),
    // The panel (host/panel/) reads the pipeline through PanelModel and DataRights; its code, and the
    // pipeline's, load when one of its commands is first run.
    vscode.commands.registerCommand('candor.showPending', () => panel().show('pending')),
    vscode.commands.registerCommand('candor.showConsent', () => panel().show('consent')),
    { dispose: () => panelInstance?.dispose() },
  );
  warnAbout(settings.problems);
  void vscode.commands.executeCommand('setContext', 'candor.paused', context.globalState.get<boolean>(PAUSED_KEY) === true);

  // After activate() returns: load the pipeline if consent allows or a queue waits on disk (to be
  // delivered, or purged if consent was withdrawn meanwhile); then Candor's own session events.
  setImmediate(() => {
    void (async () => {
      const leftovers = (await fs.readdir(path.join(deps.storage, 'queue')).catch(() => [] as string[])).length > 0;
      if (consent.state.errorsAllowed || leftovers) { await deferred.get(); }
      await builtins.start(performance.now() - activationStarted, { every: (ms, fn) => { const t = setInterval(fn, ms); t.unref(); return { dispose: () => clearInterval(t) }; } });
      await askOnce(context, consent.state, consent.state.editorLevel === 'all' || consent.state.editorLevel === 'error');
    })().catch((error: Error) => { log.error(`Candor could not start: ${error.message}`); void builtins.error('activation', error); });
  });

  return api;
}

/** The session's end is recorded, then one last delivery within a second; the rest waits on disk. */
export async function deactivate(): Promise<void> {
  const current = running;
  running = undefined;
  if (!current) { return; }
  await current.builtins.stop().catch(() => {});
  await current.deferred.loaded?.shutdown(1000);
}
