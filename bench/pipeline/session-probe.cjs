// Run in a fresh process: an enabled Candor session as the extension host runs it, with a stub `vscode`
// (NODE_PATH, vscode-stub.cjs) and a real endpoint. It times require() of the activation bundle and
// activate(), then lets the session run — the pipeline loads, Candor's own session events are queued,
// sealed after the batch interval and delivered — and times every chunk of dist/lazy/ that the session
// requires, in the order it requires them. Which chunks count is observed here, not listed by hand.
// Prints JSON: { activateMs, loads: [{ chunk, ms }] }.
//   node session-probe.cjs <dist> <storage> [register|leave]
// With `register`, an extension (this file's folder, see the stub) registers a catalogue and reports an
// event through the API, as an extension that uses Candor does. With `leave`, the session ends as soon
// as a batch is sealed on disk, undelivered (its endpoint is down), as a window closed or killed while
// offline leaves it: the next session on the same storage adopts and repairs what it left.
// The session ends at its first delivery (the milestone `candor.firstDelivery`, which Candor reaches when
// the endpoint stored a batch), a little later, with deactivate(), as a window closes.
const { performance } = require('node:perf_hooks');
const Module = require('node:module');
const path = require('node:path');
const { readdirSync } = require('node:fs');

const [dist, storage, mode] = process.argv.slice(2);
const loads = [];
const load = Module._load;
Module._load = function timed(request, ...rest) {
  const t0 = performance.now();
  const result = load.call(this, request, ...rest);
  const ms = performance.now() - t0;
  if (typeof request === 'string' && request.startsWith(dist)) { loads.push({ chunk: path.relative(dist, request).replace(/\\/g, '/'), ms }); }
  return result;
};

const state = new Map();
const context = {
  subscriptions: [], extensionPath: '/ext', extensionUri: { fsPath: '/ext' }, globalStorageUri: { fsPath: storage },
  extension: { packageJSON: { version: '0.1.0' } },
  globalState: { get: (k) => state.get(k), update: async (k, v) => { state.set(k, v); }, keys: () => [...state.keys()] },
  secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: () => ({ dispose() {} }) },
};

const CATALOGUE = {
  extension: 'bench.caller',
  events: [{ name: 'openView', kind: 'usage', purpose: 'FeatureInsight', description: 'A view was opened.',
    properties: { trigger: { type: 'string', enum: ['palette', 'button'], description: 'How it was opened.', classification: 'SystemMetaData' } } }],
};

async function main() {
  const extension = require(path.join(dist, 'extension.js'));
  const a0 = performance.now();
  const api = extension.activate(context);
  const activateMs = performance.now() - a0;
  if (mode === 'register') {
    const registration = await api.register(CATALOGUE);
    if (!registration.ok) { throw new Error(`register failed: ${registration.message}`); }
    const result = await registration.reporter.usage('openView', { properties: { trigger: 'button' } });
    if (result.status !== 'accepted') { throw new Error(`the reported event was not accepted: ${JSON.stringify(result)}`); }
  }
  const deadline = Date.now() + 20_000;
  if (mode === 'leave') {
    const sealed = () => { try { return readdirSync(path.join(storage, 'queue')).some((w) => readdirSync(path.join(storage, 'queue', w)).some((f) => f.endsWith('.batch'))); } catch { return false; } };
    while (!sealed()) {
      if (Date.now() > deadline) { throw new Error('no batch sealed within 20 s'); }
      await new Promise((r) => setTimeout(r, 20));
    }
    process.stdout.write(JSON.stringify({ activateMs, loads }));
    process.exit(0);
  }
  const delivered = () => state.get('candor.builtin.milestones')?.reached?.['candor.candor\u0000candor.firstDelivery'] !== undefined;
  while (!delivered()) {
    if (Date.now() > deadline) { throw new Error(`no delivery within 20 s; loaded: ${loads.map((l) => l.chunk).join(', ')}`); }
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 300));
  // The window closes: the session's end is recorded and the queue folder released for the next session.
  await extension.deactivate();
  process.stdout.write(JSON.stringify({ activateMs, loads }));
  process.exit(0);
}

main().catch((error) => { process.stderr.write(String(error.stack ?? error)); process.exit(1); });
