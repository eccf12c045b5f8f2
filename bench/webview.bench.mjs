// Section `webview` of `npm run bench` (a runner that imports bench/<name>.bench.mjs and calls `run()`):
// the panel's pending list with 10,000 events in Debian's Chromium. Bundles bench/webview/run.ts, which
// reuses the test fixtures and page object, with esbuild. Run alone: `npm run bench:webview`.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function run() {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'ignore' });
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/system-packages.mjs'), 'chromium'], { stdio: 'inherit' });
  const outfile = path.join(ROOT, '.cache/bench/webview-run.cjs');
  mkdirSync(path.dirname(outfile), { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'bench/webview/run.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['playwright-core', '@vscode-elements/webview-playground'], logLevel: 'warning',
  });
  const { runWebviewBench } = await import(pathToFileURL(outfile).href);
  return runWebviewBench();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await run();
  console.log('\n=== bench: webview');
  console.table(rows.map((r) => ({ measure: r.measure, value: r.value, reference: r.reference ?? '', ratio: r.ratio ?? '', target: r.target ?? '', verdict: r.met === undefined ? '' : r.met ? 'met' : 'MISSED' })));
}
