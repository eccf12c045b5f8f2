// `npm run bench [-- <section>…] [--quick] [--duration <seconds>]`: runs the named benchmark sections (all
// by default) and prints each figure beside the reference measured in the same run, with the ratio and
// the target. Figures are never asserted by the test suite: the machine decides them, ratios compare.
//
// A section is a folder of bench/ with a `section.ts` or `section.mjs` whose `run(options)` returns
// { title, rows: [{ figure, value, unit, reference?, referenceValue?, target?, ratio?, pass? }] }.
// TypeScript sections are bundled with esbuild first (their npm dependencies stay in node_modules, and
// plain .mjs modules they import are loaded from where they are).
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
const available = readdirSync(HERE, { withFileTypes: true })
  .filter((d) => d.isDirectory() && ['section.ts', 'section.mjs'].some((f) => existsSync(path.join(HERE, d.name, f))))
  .map((d) => d.name).sort();
if (values.help) {
  console.log(`Usage: npm run bench -- [${available.join('|')}]… [--quick] [--duration <seconds>]`);
  process.exit(0);
}
const unknown = positionals.filter((p) => !available.includes(p));
if (unknown.length > 0) {
  console.error(`bench: no section ${unknown.join(', ')}; the sections are: ${available.join(', ')}`);
  process.exit(2);
}
const options = { quick: values.quick === true, durationSeconds: values.duration ? Number(values.duration) : undefined, root: ROOT, cache: CACHE };

for (const name of positionals.length > 0 ? positionals : available) {
  const ts = path.join(HERE, name, 'section.ts');
  let entry = path.join(HERE, name, 'section.mjs');
  if (existsSync(ts)) {
    entry = path.join(CACHE, `${name}.mjs`);
    await esbuild.build({
      entryPoints: [ts], outfile: entry, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning',
      // The generated validators are CommonJS and require ajv's runtime.
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      // Plain .mjs helpers are imported where they are: they find their files relative to themselves.
      plugins: [{ name: 'mjs-in-place', setup(build) { build.onResolve({ filter: /\.mjs$/ }, (args) => ({ path: path.resolve(args.resolveDir, args.path), external: true })); } }],
    });
  }
  const section = await import(pathToFileURL(entry).href);
  const result = await (section.run ?? section.default.run)(options);
  print(result);
}

function print({ title, rows }) {
  console.log(`\n=== ${title}`);
  console.table(rows.map((r) => ({
    figure: r.figure,
    value: `${format(r.value)} ${r.unit}`,
    reference: r.reference ? `${format(r.referenceValue)} ${r.unit} (${r.reference})` : '',
    ratio: r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
    target: r.target ?? '',
    met: r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
  })));
}

function format(n) {
  if (n === undefined || Number.isNaN(n)) { return '–'; }
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2);
}
