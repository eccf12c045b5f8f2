// Entry of `npm run conformance`: bundles the TypeScript runner with esbuild (into node_modules/.cache)
// and runs it with the same arguments.
import * as esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const outfile = path.join(ROOT, 'node_modules/.cache/candor/conformance.cjs');
await esbuild.build({ entryPoints: [path.join(HERE, 'cli.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
await import(pathToFileURL(outfile).href);
