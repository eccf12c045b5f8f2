// Bundles the extension (Node, CommonJS, `vscode` external) and, once it exists, the webview (browser).
// Minified: the bundle is what users download and what the editor loads at startup.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXTENSION_VALIDATORS } from './validator-sources.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

/**
 * Validators the extension needs only when an endpoint answers or a queue file is read back, never to
 * activate: each is its own bundle in dist/lazy/, required on first use (extension/node/node-environment.ts);
 * which generated file each one is, lean or full, says scripts/validator-sources.mjs.
 */
export const LAZY_MODULES = ['pipeline', 'api', 'rights', 'panel', 'panel-host', 'recovery'];

const builds = [
  {
    entryPoints: [path.join(ROOT, 'extension/extension.ts')],
    outfile: path.join(ROOT, 'dist/extension.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    external: ['vscode'],
    entryPoints: {
      ...Object.fromEntries(Object.entries(EXTENSION_VALIDATORS).map(([name, file]) => [name, path.join(ROOT, file)])),
      // Parts of the core that activation does not need (extension/core/ports/modules.ts).
      ...Object.fromEntries(LAZY_MODULES.map((name) => [name, path.join(ROOT, `extension/lazy/${name}.ts`)])),
    },
    outdir: path.join(ROOT, 'dist/lazy'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
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
