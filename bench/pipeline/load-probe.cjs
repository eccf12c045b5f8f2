// Run in a fresh process: times require() of the incumbent's bundle and the construction of its reporter
// (its activation). Prints JSON. Candor's own figures come from session-probe.cjs.
//   node load-probe.cjs incumbent <bundle.js>
const { performance } = require('node:perf_hooks');
const [kind, bundle] = process.argv.slice(2);
if (kind !== 'incumbent') { throw new Error(`unknown probe ${kind}`); }
const t0 = performance.now();
const mod = require(bundle);
const t1 = performance.now();
const reporter = new mod.TelemetryReporter('00000000-0000-0000-0000-000000000000');
const activateMs = performance.now() - t1;
reporter.dispose?.();
process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs }));
process.exit(0);
