// Bundles the extension (Node, CommonJS, `vscode` external) and, once it exists, the webview (browser).
// Minified: the bundle is what users download and what the editor loads at startup.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

const builds = [
  {
    entryPoints: [path.join(ROOT, 'extension/extension.ts')],
    outfile: path.join(ROOT, 'dist/extension.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
];
const webviewEntry = path.join(ROOT, 'webview/src/main.ts');
if (existsSync(webviewEntry)) {
  builds.push({
    entryPoints: [webviewEntry],
    outdir: path.join(ROOT, 'dist/webview'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'css' },
  });
}

for (const options of builds) {
  const config = { bundle: true, minify: true, sourcemap: false, legalComments: 'none', logLevel: 'warning', metafile: true, ...options };
  if (watch) { await (await esbuild.context(config)).watch(); continue; }
  const result = await esbuild.build(config);
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    console.log(`built ${path.relative(ROOT, path.resolve(ROOT, file))} (${(out.bytes / 1024).toFixed(1)} KiB)`);
  }
}
