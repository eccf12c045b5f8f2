// Section `pipeline` of `npm run bench`: Candor's intake, its durability, its bundle, require() and
// activate() against the incumbent @vscode/extension-telemetry 1.5.2 bundled the same way, and memory
// after 100,000 events. Every reference is measured in the same run, on this machine. What counts as
// loaded by an enabled Candor is observed (bench/pipeline/session-probe.cjs): every chunk that real
// sessions against the reference endpoint require, not a list kept by hand.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const here = path.join(ROOT, 'bench/pipeline');
const fixed = (n, d = 1) => Number(n).toFixed(d);
const kib = (bytes) => `${fixed(bytes / 1024)} KiB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function runJson(args, env = {}) {
  const r = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) { throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`); }
  return JSON.parse(r.stdout);
}

/** `mode`: '' (a session), 'register' (an extension registers and reports), 'leave' (ends undelivered). */
function session(stubDir, storage, endpoint, mode = '') {
  return runJson([path.join(here, 'session-probe.cjs'), path.join(ROOT, 'dist'), storage, mode], {
    NODE_PATH: stubDir, CANDOR_BENCH_CALLER_DIR: here,
    CANDOR_BENCH_SETTINGS: JSON.stringify({ 'candor.endpoint': endpoint, 'candor.batch.intervalSeconds': 1 }),
  });
}

const sum = (loads) => loads.reduce((total, l) => total + l.ms, 0);
const ratio = (incumbent, ours) => `1/${fixed(incumbent / ours)}`;

export async function run() {
  const work = mkdtempSync(path.join(tmpdir(), 'candor-bench-pipeline-'));
  try { return await measure(work); } finally { rmSync(work, { recursive: true, force: true }); }
}

async function measure(work) {
  // The extension as it ships, and the incumbent bundled the same way (esbuild, minified, vscode external).
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'ignore' });
  const incumbent = path.join(work, 'incumbent.js');
  await esbuild.build({
    stdin: { contents: "module.exports = require('@vscode/extension-telemetry');", resolveDir: ROOT },
    outfile: incumbent, bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'error',
  });
  const workload = path.join(work, 'workload.cjs');
  await esbuild.build({ entryPoints: [path.join(here, 'workload.ts')], outfile: workload, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });

  const dist = path.join(ROOT, 'dist');
  const size = (f) => statSync(path.join(dist, f)).size;
  const incumbentBytes = statSync(incumbent).size;

  // Enabled sessions against the reference endpoint, with a stub `vscode` module (NODE_PATH): each round
  // a fresh installation's first session and its restart (which adopts what the first one left), a
  // session in which an extension registers and reports, and a restart after a session that ended
  // offline with a batch undelivered; beside each round, the incumbent's require() in a fresh process.
  const stubDir = path.join(work, 'node_modules');
  mkdirSync(path.join(stubDir, 'vscode'), { recursive: true });
  copyFileSync(path.join(here, 'vscode-stub.cjs'), path.join(stubDir, 'vscode/index.js'));
  const probe = path.join(here, 'load-probe.cjs');
  const { startEndpoint } = await import(pathToFileURL(path.join(ROOT, 'endpoint/testing/start-endpoint.mjs')).href);
  const endpoint = await startEndpoint();
  const url = endpoint.url.replace(/\/?$/, '/');
  const normal = []; const registered = []; const leftovers = []; const incumbentLoads = [];
  try {
    for (let i = 0; i < 7; i++) {
      incumbentLoads.push(runJson([probe, 'incumbent', incumbent], { NODE_PATH: stubDir }));
      const storage = mkdtempSync(path.join(work, 'storage-'));
      normal.push(session(stubDir, storage, url), session(stubDir, storage, url));
      registered.push(session(stubDir, mkdtempSync(path.join(work, 'storage-')), url, 'register'));
      const offline = mkdtempSync(path.join(work, 'storage-'));
      session(stubDir, offline, 'http://127.0.0.1:9/', 'leave');
      leftovers.push(session(stubDir, offline, url));
    }
  } finally { await endpoint.stop(); }

  /** The chunks a kind of session loaded (in any of its runs), with the median require() time of each. */
  const observed = (runs) => {
    const chunks = [...new Set(runs.flatMap((r) => r.loads.map((l) => l.chunk)))];
    return { chunks, each: (c) => median(runs.map((r) => sum(r.loads.filter((l) => l.chunk === c)))) };
  };
  const enabled = observed(normal);
  const enabledBytes = enabled.chunks.reduce((total, c) => total + size(c), 0);
  const enabledRequire = median(normal.map((r) => sum(r.loads)));
  /** What a kind of session loads beyond a normal one: its chunks, their bytes and require() times added to the enabled total. */
  const beyond = (runs) => {
    const more = observed(runs);
    const chunks = more.chunks.filter((c) => !enabled.chunks.includes(c));
    return { chunks, bytes: enabledBytes + chunks.reduce((t, c) => t + size(c), 0), requireMs: enabledRequire + chunks.reduce((t, c) => t + more.each(c), 0) };
  };
  const withApi = beyond(registered);
  const withRepair = beyond(leftovers);
  const incumbentRequire = median(incumbentLoads.map((r) => r.requireMs));
  const incumbentActivate = median(incumbentLoads.map((r) => r.activateMs));
  const activate = median(normal.map((r) => r.activateMs));
  const list = (chunks) => (chunks.length === 0 ? 'nothing more' : chunks.map((c) => `${c.replace(/^lazy\//, '').replace(/\.js$/, '')} ${kib(size(c))}`).join(', '));
  const loadedSomewhere = new Set([...enabled.chunks, ...withApi.chunks, ...withRepair.chunks]);
  const onDemand = readdirSync(path.join(dist, 'lazy')).map((f) => `lazy/${f}`).filter((f) => !loadedSomewhere.has(f));

  const intake = runJson([workload], { CANDOR_ROOT: ROOT, CANDOR_BENCH_N: '20000' });
  const mem = runJson(['--expose-gc', workload], { CANDOR_ROOT: ROOT, CANDOR_BENCH_MODE: 'memory', CANDOR_BENCH_N: '100000' });
  const { reference: ref, durable, nonDurable } = intake;

  const row = (measure, value, reference, ratioText, target, met) => ({ measure, value, reference, ratio: ratioText, target, met });
  return [
    row('intake per call, p50 (check, scrub, hash, build, queue)', `${fixed(durable.p50us, 2)} µs`, `${fixed(ref.p50us, 2)} µs bare`, `${fixed(durable.p50us / ref.p50us, 2)}×`, '≤ 2×', durable.p50us <= 2 * ref.p50us),
    row('intake per call, p99', `${fixed(durable.p99us, 2)} µs`, `${fixed(ref.p99us, 2)} µs bare`, `${fixed(durable.p99us / ref.p99us, 2)}×`, '≤ 2×', durable.p99us <= 2 * ref.p99us),
    row('intake amortised, durable (group commit, fdatasync ≤ every 50)', `${fixed(durable.amortisedUs, 2)} µs/event`, `${fixed(ref.amortisedUs, 2)} µs bare`, `${fixed(durable.amortisedUs / ref.amortisedUs, 2)}×`, '≤ 2×', durable.amortisedUs <= 2 * ref.amortisedUs),
    row('durability: group commit vs the same intake without fdatasync', `${fixed(durable.amortisedUs, 2)} µs/event`, `${fixed(nonDurable.amortisedUs, 2)} µs not durable`, `${fixed(durable.amortisedUs / nonDurable.amortisedUs, 2)}×`, '≤ 1.5×', durable.amortisedUs <= 1.5 * nonDurable.amortisedUs),
    row('  writes / fdatasyncs for 22,000 events', `${durable.writes} / ${durable.syncs}`, '', '', '', undefined),
    row('  time until on disk (promise resolved), p50 / p99', `${fixed(durable.durableP50us / 1000, 2)} / ${fixed(durable.durableP99us / 1000, 2)} ms`, '', '', '', undefined),
    row('bundle loaded at activation (dist/extension.js)', kib(size('extension.js')), `${kib(incumbentBytes)} incumbent`, ratio(incumbentBytes, size('extension.js')), '≤ 1/5', size('extension.js') * 5 <= incumbentBytes),
    ...enabled.chunks.filter((c) => c !== 'extension.js').map((c) => row(`  + ${c.replace(/\.js$/, '')}, loaded by an enabled session`, kib(size(c)), '', '', '', undefined)),
    row('enabled total: every chunk enabled sessions load (a first session and its restart, each delivering)', kib(enabledBytes), `${kib(incumbentBytes)} incumbent`, ratio(incumbentBytes, enabledBytes), '≤ 1/5', enabledBytes * 5 <= incumbentBytes),
    row(`  with an extension registering and reporting (+ ${list(withApi.chunks)})`, kib(withApi.bytes), `${kib(incumbentBytes)} incumbent`, ratio(incumbentBytes, withApi.bytes), '', undefined),
    row(`  after a session that ended offline with a batch undelivered (+ ${list(withRepair.chunks)})`, kib(withRepair.bytes), `${kib(incumbentBytes)} incumbent`, ratio(incumbentBytes, withRepair.bytes), '', undefined),
    row('  on first use only (commands, panel, export, deletion)', list(onDemand), '', '', '', undefined),
    row('require() of the activation bundle', `${fixed(enabled.each('extension.js'), 2)} ms`, `${fixed(incumbentRequire, 2)} ms incumbent`, ratio(incumbentRequire, enabled.each('extension.js')), '≤ 1/5', enabled.each('extension.js') * 5 <= incumbentRequire),
    ...enabled.chunks.filter((c) => c !== 'extension.js').map((c) => row(`  + require() of ${c.replace(/\.js$/, '')}`, `${fixed(enabled.each(c), 2)} ms`, '', '', '', undefined)),
    row('require() of the enabled total, in the session\'s own process', `${fixed(enabledRequire, 2)} ms`, `${fixed(incumbentRequire, 2)} ms incumbent`, ratio(incumbentRequire, enabledRequire), '≤ 1/5', enabledRequire * 5 <= incumbentRequire),
    row('  with an extension registering and reporting', `${fixed(withApi.requireMs, 2)} ms`, `${fixed(incumbentRequire, 2)} ms incumbent`, ratio(incumbentRequire, withApi.requireMs), '', undefined),
    row('  after a session that ended offline', `${fixed(withRepair.requireMs, 2)} ms`, `${fixed(incumbentRequire, 2)} ms incumbent`, ratio(incumbentRequire, withRepair.requireMs), '', undefined),
    row('activate() (onStartupFinished)', `${fixed(activate, 2)} ms`, `${fixed(incumbentActivate, 2)} ms incumbent's constructor`, '', '≤ 10 ms', activate <= 10),
    row('memory after 100,000 events (queue bound 10,000)', `${mem.held} held, ${mem.droppedQueueFull} dropped as queue_full; heap +${fixed(mem.heapGrowthMiB)} MiB (${fixed(mem.heapUsedMiB)} MiB used), RSS ${fixed(mem.rssMiB)} MiB`, '', '', '≤ 10,000 in memory', mem.held <= 10_000),
  ];
}
