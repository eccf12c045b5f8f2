// Just enough of the `vscode` module to require and activate an extension bundle outside the editor, for
// the bench's require() and activate() timings (Candor and the incumbent alike). Unknown members resolve
// to harmless functions, so a bundle that touches more of the API still loads.
const noop = () => {};
const event = () => ({ dispose: noop });
const harmless = () => new Proxy(function () { return harmless(); }, { get: (_, k) => (k === 'then' ? undefined : k === Symbol.toPrimitive ? () => '' : harmless()) });
class EventEmitter { constructor() { this.event = event; } fire() {} dispose() {} }
// Candor enabled; the bench's session probe points it at a real endpoint and a short batch interval.
const settings = { 'candor.enabled': true, 'candor.endpoint': 'http://127.0.0.1:9/', 'telemetry.telemetryLevel': 'all', ...JSON.parse(process.env.CANDOR_BENCH_SETTINGS ?? '{}') };
// The extension that calls Candor's API in the session probe: the probe's own folder.
const callers = process.env.CANDOR_BENCH_CALLER_DIR
  ? [{ id: 'bench.caller', extensionPath: process.env.CANDOR_BENCH_CALLER_DIR, packageJSON: { version: '1.0.0' } }] : [];
const api = {
  version: '1.100.3',
  EventEmitter,
  Disposable: class { constructor(f) { this.dispose = f; } static from() { return { dispose: noop }; } },
  StatusBarAlignment: { Left: 1, Right: 2 }, UIKind: { Desktop: 1, Web: 2 }, ConfigurationTarget: { Global: 1 }, ProgressLocation: { Notification: 15, Window: 10 },
  ThemeColor: class { constructor(id) { this.id = id; } },
  Uri: { file: (p) => ({ fsPath: p, path: p, toString: () => `file://${p}` }), parse: (s) => ({ fsPath: s, toString: () => s }), joinPath: (u, ...p) => ({ fsPath: [u.fsPath, ...p].join('/') }) },
  env: {
    appName: 'Visual Studio Code', uiKind: 1, machineId: 'someValue.machineId', sessionId: 'session', language: 'en', appRoot: '/', remoteName: undefined, isTelemetryEnabled: true,
    onDidChangeTelemetryEnabled: event,
    createTelemetryLogger: () => ({ isUsageEnabled: true, isErrorsEnabled: true, onDidChangeEnableStates: event, logUsage: noop, logError: noop, dispose: noop }),
  },
  workspace: {
    getConfiguration: (section) => ({ get: (key, fallback) => settings[`${section}.${key}`] ?? fallback, update: async () => {} }),
    onDidChangeConfiguration: event,
  },
  window: {
    state: { focused: true }, onDidChangeWindowState: event,
    createOutputChannel: () => ({ warn: noop, error: noop, info: noop, appendLine: noop, dispose: noop }),
    createStatusBarItem: () => ({ show: noop, hide: noop, dispose: noop }),
    showInformationMessage: async () => undefined, showWarningMessage: async () => undefined,
  },
  commands: { registerCommand: () => ({ dispose: noop }), executeCommand: async () => undefined },
  extensions: { getExtension: (id) => callers.find((e) => e.id === id), all: callers },
};
module.exports = new Proxy(api, { get: (t, k) => (k in t ? t[k] : harmless()) });
