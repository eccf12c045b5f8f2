// `npm run bench [-- <section>…] [--quick] [--duration <seconds>]`: runs the benchmark sections (all by
// default), one after the other (nothing runs in parallel: the machine is shared), and prints each
// figure beside the reference measured in the same run, the ratio and the target. Figures are never
// asserted by the test suite: the machine decides them, ratios compare.
//
// Two kinds of section:
// - `bench/<name>.bench.mjs` whose `run()` returns rows `{ measure, value, reference?, ratio?, target?, met? }`
//   (values already formatted);
// - `bench/<name>/section.ts|mjs` whose `run(options)` returns `{ title, rows: [{ figure, value, unit,
//   reference?, referenceValue?, target?, ratio?, spread?, pass? }] }` (numbers; `spread`: [low, high] of
//   the middle half of the runs' ratios behind a median ratio, printed in brackets after it). TypeScript
//   sections are bundled with esbuild first (npm dependencies stay in node_modules; plain .mjs modules
//   load from where they are).
import * as esbuild from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CACHE = path.join(ROOT, 'node_modules/.cache/candor/bench');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { quick: { type: 'boolean' }, duration: { type: 'string' }, help: { type: 'boolean' } },
});

/** name → how to load it */
const sections = new Map();
for (const entry of readdirSync(HERE, { withFileTypes: true })) {
  if (entry.isFile() && entry.name.endsWith('.bench.mjs')) {
    sections.set(entry.name.slice(0, -'.bench.mjs'.length), { file: path.join(HERE, entry.name) });
  } else if (entry.isDirectory()) {
    const ts = path.join(HERE, entry.name, 'section.ts');
    const mjs = path.join(HERE, entry.name, 'section.mjs');
    if (existsSync(ts)) { sections.set(entry.name, { ts }); } else if (existsSync(mjs)) { sections.set(entry.name, { file: mjs }); }
  }
}
const available = [...sections.keys()].sort();
if (values.help) {
  console.log(`Usage: npm run bench -- [${available.join('|')}]… [--quick] [--duration <seconds>]`);
  process.exit(0);
}
const unknown = positionals.filter((p) => !sections.has(p));
if (unknown.length > 0) {
  console.error(`bench: no section ${unknown.join(', ')}; the sections are: ${available.join(', ')}`);
  process.exit(2);
}
const options = { quick: values.quick === true, durationSeconds: values.duration ? Number(values.duration) : undefined, root: ROOT, cache: CACHE };

let missed = 0;
for (const name of positionals.length > 0 ? positionals : available) {
  const section = sections.get(name);
  let entry = section.file;
  if (section.ts) {
    entry = path.join(CACHE, `${name}.mjs`);
    await esbuild.build({
      entryPoints: [section.ts], outfile: entry, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning',
      // The generated validators are CommonJS and require ajv's runtime.
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      // Plain .mjs helpers are imported where they are: they find their files relative to themselves.
      plugins: [{ name: 'mjs-in-place', setup(build) { build.onResolve({ filter: /\.mjs$/ }, (args) => ({ path: path.resolve(args.resolveDir, args.path), external: true })); } }],
    });
  }
  const module = await import(pathToFileURL(entry).href);
  const result = await (module.run ?? module.default.run)(options);
  const rows = Array.isArray(result) ? result.map(fromFormatted) : result.rows.map(fromNumbers);
  console.log(`\n=== bench: ${Array.isArray(result) ? name : result.title}`);
  console.table(rows);
  missed += rows.filter((r) => r.verdict === 'MISSED').length;
}
console.log(missed === 0 ? '\nEvery target met.' : `\n${missed} target(s) missed (see MISSED above).`);

function fromFormatted(r) {
  return { figure: r.measure, value: r.value, reference: r.reference ?? '', ratio: r.ratio ?? '', target: r.target ?? '', verdict: r.met === undefined ? '' : r.met ? 'met' : 'MISSED' };
}

function fromNumbers(r) {
  return {
    figure: r.figure,
    value: `${format(r.value)} ${r.unit}`,
    reference: r.reference ? `${format(r.referenceValue)} ${r.unit} (${r.reference})` : '',
    ratio: r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×${r.spread ? ` (${r.spread.map((x) => x.toFixed(2)).join('–')})` : ''}`,
    target: r.target ?? '',
    verdict: r.pass === undefined ? '' : r.pass ? 'met' : 'MISSED',
  };
}

function format(n) {
  if (n === undefined || Number.isNaN(n)) { return '–'; }
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2);
}
