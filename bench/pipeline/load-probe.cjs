// Run in a fresh process: times require() of a bundle and its activation. Prints JSON.
//   node load-probe.cjs candor <dist/extension.js> <storage>
//   node load-probe.cjs incumbent <bundle.js>
//   node load-probe.cjs module <bundle.js>            (require only)
const { performance } = require('node:perf_hooks');
const [kind, bundle, storage] = process.argv.slice(2);
const t0 = performance.now();
const mod = require(bundle);
const t1 = performance.now();
let activateMs;
if (kind === 'candor') {
  const state = new Map();
  const context = {
    subscriptions: [], extensionPath: '/ext', extensionUri: { fsPath: '/ext' }, globalStorageUri: { fsPath: storage },
    extension: { packageJSON: { version: '0.1.0' } },
    globalState: { get: (k) => state.get(k), update: async (k, v) => { state.set(k, v); }, keys: () => [...state.keys()] },
    secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: () => ({ dispose() {} }) },
  };
  const a0 = performance.now();
  mod.activate(context);
  activateMs = performance.now() - a0;
} else if (kind === 'incumbent') {
  const a0 = performance.now();
  const reporter = new mod.TelemetryReporter('00000000-0000-0000-0000-000000000000');
  activateMs = performance.now() - a0;
  reporter.dispose?.();
}
process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs }));
setTimeout(() => process.exit(0), 50).unref();
process.exit(0);
