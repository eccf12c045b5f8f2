// `npm run bench [-- section …]`: runs every bench section (bench/<name>.bench.mjs), or the named ones,
// one after the other (the machine is shared: nothing runs in parallel), and prints each section's
// table of figures, the reference each is measured against in the same run, and the target.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const sections = readdirSync(here).filter((f) => f.endsWith('.bench.mjs')).map((f) => f.slice(0, -'.bench.mjs'.length)).sort();
const run = wanted.length > 0 ? wanted : sections;
const unknown = run.filter((s) => !sections.includes(s));
if (unknown.length > 0) { console.error(`No bench section ${unknown.join(', ')}; there are: ${sections.join(', ')}.`); process.exit(2); }

let missed = 0;
for (const name of run) {
  console.log(`\n=== bench: ${name}`);
  const section = await import(pathToFileURL(path.join(here, `${name}.bench.mjs`)).href);
  const rows = await section.run();
  console.table(rows.map((r) => ({ measure: r.measure, value: r.value, reference: r.reference ?? '', ratio: r.ratio ?? '', target: r.target ?? '', verdict: r.met === undefined ? '' : r.met ? 'met' : 'MISSED' })));
  missed += rows.filter((r) => r.met === false).length;
}
console.log(missed === 0 ? '\nEvery target met.' : `\n${missed} target(s) missed (see MISSED above).`);
