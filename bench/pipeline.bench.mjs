// Section `pipeline` of `npm run bench`: Candor's intake, its durability, its bundle, require() and
// activate() against the incumbent @vscode/extension-telemetry 1.5.2 bundled the same way, and memory
// after 100,000 events. Every reference is measured in the same run, on this machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const here = path.join(ROOT, 'bench/pipeline');
const work = mkdtempSync(path.join(tmpdir(), 'candor-bench-pipeline-'));
const fixed = (n, d = 1) => Number(n).toFixed(d);
const kib = (bytes) => `${fixed(bytes / 1024)} KiB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function runJson(args, env = {}) {
  const r = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) { throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`); }
  return JSON.parse(r.stdout);
}

export async function run() {
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
  const mainBytes = size('extension.js');
  const pipelineBytes = size('lazy/pipeline.js');
  const lazyOnDemand = readdirSync(path.join(dist, 'lazy')).filter((f) => f !== 'pipeline.js').map((f) => `${f.replace(/\.js$/, '')} ${kib(size(`lazy/${f}`))}`).join(', ');
  const incumbentBytes = statSync(incumbent).size;

  // require() and activate(), each in 9 fresh processes, with a stub `vscode` module (NODE_PATH).
  const stubDir = path.join(work, 'node_modules');
  mkdirSync(path.join(stubDir, 'vscode'), { recursive: true });
  copyFileSync(path.join(here, 'vscode-stub.cjs'), path.join(stubDir, 'vscode/index.js'));
  const probe = path.join(here, 'load-probe.cjs');
  const env = { NODE_PATH: stubDir };
  const candorLoads = []; const pipelineLoads = []; const incumbentLoads = [];
  for (let i = 0; i < 9; i++) {
    candorLoads.push(runJson([probe, 'candor', path.join(dist, 'extension.js'), mkdtempSync(path.join(work, 'storage-'))], env));
    pipelineLoads.push(runJson([probe, 'module', path.join(dist, 'lazy/pipeline.js')], env));
    incumbentLoads.push(runJson([probe, 'incumbent', incumbent], env));
  }
  const candorRequire = median(candorLoads.map((r) => r.requireMs));
  const pipelineRequire = median(pipelineLoads.map((r) => r.requireMs));
  const incumbentRequire = median(incumbentLoads.map((r) => r.requireMs));
  const activate = median(candorLoads.map((r) => r.activateMs));
  const incumbentActivate = median(incumbentLoads.map((r) => r.activateMs));

  const validators = path.join(ROOT, 'generated/validators');
  const intake = runJson([workload], { CANDOR_VALIDATORS: validators, CANDOR_BENCH_N: '20000' });
  const mem = runJson(['--expose-gc', workload], { CANDOR_VALIDATORS: validators, CANDOR_BENCH_MODE: 'memory', CANDOR_BENCH_N: '100000' });
  const { reference: ref, durable, nonDurable } = intake;

  const row = (measure, value, reference, ratio, target, met) => ({ measure, value, reference, ratio, target, met });
  return [
    row('intake per call, p50 (check, scrub, hash, build, queue)', `${fixed(durable.p50us, 2)} µs`, `${fixed(ref.p50us, 2)} µs bare`, `${fixed(durable.p50us / ref.p50us, 2)}×`, '≤ 2×', durable.p50us <= 2 * ref.p50us),
    row('intake per call, p99', `${fixed(durable.p99us, 2)} µs`, `${fixed(ref.p99us, 2)} µs bare`, `${fixed(durable.p99us / ref.p99us, 2)}×`, '≤ 2×', durable.p99us <= 2 * ref.p99us),
    row('intake amortised, durable (group commit, fdatasync ≤ every 50)', `${fixed(durable.amortisedUs, 2)} µs/event`, `${fixed(ref.amortisedUs, 2)} µs bare`, `${fixed(durable.amortisedUs / ref.amortisedUs, 2)}×`, '≤ 2×', durable.amortisedUs <= 2 * ref.amortisedUs),
    row('durability: group commit vs the same intake without fdatasync', `${fixed(durable.amortisedUs, 2)} µs/event`, `${fixed(nonDurable.amortisedUs, 2)} µs not durable`, `${fixed(durable.amortisedUs / nonDurable.amortisedUs, 2)}×`, '≤ 1.5×', durable.amortisedUs <= 1.5 * nonDurable.amortisedUs),
    row('  writes / fdatasyncs for 22,000 events', `${durable.writes} / ${durable.syncs}`, '', '', '', undefined),
    row('  time until on disk (promise resolved), p50 / p99', `${fixed(durable.durableP50us / 1000, 2)} / ${fixed(durable.durableP99us / 1000, 2)} ms`, '', '', '', undefined),
    row('bundle loaded at activation (dist/extension.js)', kib(mainBytes), `${kib(incumbentBytes)} incumbent`, `1/${fixed(incumbentBytes / mainBytes)}`, '≤ 1/5', mainBytes * 5 <= incumbentBytes),
    row('  + pipeline, loaded once Candor is enabled (dist/lazy/pipeline.js)', kib(pipelineBytes), `${kib(incumbentBytes)} incumbent`, `1/${fixed(incumbentBytes / (mainBytes + pipelineBytes))} together`, '≤ 1/5', (mainBytes + pipelineBytes) * 5 <= incumbentBytes),
    row('  on first use only', lazyOnDemand, '', '', '', undefined),
    row('require() of the activation bundle', `${fixed(candorRequire, 2)} ms`, `${fixed(incumbentRequire, 2)} ms incumbent`, `1/${fixed(incumbentRequire / candorRequire)}`, '≤ 1/5', candorRequire * 5 <= incumbentRequire),
    row('  + require() of the pipeline', `${fixed(pipelineRequire, 2)} ms`, '', `1/${fixed(incumbentRequire / (candorRequire + pipelineRequire))} together`, '≤ 1/5', (candorRequire + pipelineRequire) * 5 <= incumbentRequire),
    row('activate() (onStartupFinished)', `${fixed(activate, 2)} ms`, `${fixed(incumbentActivate, 2)} ms incumbent's constructor`, '', '≤ 10 ms', activate <= 10),
    row('memory after 100,000 events (queue bound 10,000)', `${mem.held} held, ${mem.droppedQueueFull} dropped as queue_full; heap +${fixed(mem.heapGrowthMiB)} MiB (${fixed(mem.heapUsedMiB)} MiB used), RSS ${fixed(mem.rssMiB)} MiB`, '', '', '≤ 10,000 in memory', mem.held <= 10_000),
  ];
}
