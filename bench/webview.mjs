// `npm run bench:webview`: the webview section of the bench. Bundles bench/webview/run.ts (which reuses
// the test fixtures and page object) with esbuild, then runs it in Debian's Chromium. Exports
// `section()` for a bench runner with sections; run directly, it prints its own table.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function section() {
  const outfile = path.join(ROOT, '.cache/bench/webview-run.cjs');
  mkdirSync(path.dirname(outfile), { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'bench/webview/run.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['playwright-core', '@vscode-elements/webview-playground', 'vitest'], logLevel: 'warning',
  });
  const { runWebviewBench } = await import(pathToFileURL(outfile).href);
  return { title: 'webview: the pending list in Chromium', rows: await runWebviewBench() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { title, rows } = await section();
  console.log(`\n=== ${title}`);
  console.table(rows);
}
