// Bundles the endpoint with esbuild into endpoint/dist/cli.js (Node, CommonJS). Its npm dependencies stay
// external (they are installed in node_modules); the spec's generated validators, the shared protocol
// rules and the schemas it reads are bundled in. `ensureBuilt()` rebuilds only when a source is newer
// than the bundle, so `npm start` on a fresh clone builds once and then starts at once.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, readdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
export const BUNDLE = path.join(HERE, 'dist/cli.js');
const SOURCES = [path.join(HERE, 'src'), path.join(ROOT, 'protocol'), path.join(ROOT, 'generated'), path.join(ROOT, 'schemas/event'), path.join(HERE, 'package.json')];

function newestMtime(target) {
  if (!existsSync(target)) { return 0; }
  const stat = statSync(target);
  if (!stat.isDirectory()) { return stat.mtimeMs; }
  return Math.max(0, ...readdirSync(target).map((f) => newestMtime(path.join(target, f))));
}

export function isStale() {
  return !existsSync(BUNDLE) || Math.max(...SOURCES.map(newestMtime)) > statSync(BUNDLE).mtimeMs;
}

export async function buildEndpoint() {
  const pkg = JSON.parse(readFileSync(path.join(HERE, 'package.json'), 'utf8'));
  // Written beside the bundle, then renamed: processes that start the endpoint at the same moment never
  // load a half-written file.
  const temporary = `${BUNDLE}.${process.pid}.tmp`;
  await esbuild.build({
    entryPoints: [path.join(HERE, 'src/cli.ts')],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: Object.keys(pkg.dependencies ?? {}),
    sourcemap: 'inline',
    legalComments: 'none',
    logLevel: 'warning',
  });
  renameSync(temporary, BUNDLE);
}

export async function ensureBuilt() {
  if (isStale()) { await buildEndpoint(); }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildEndpoint();
  console.log(`built ${path.relative(ROOT, BUNDLE)}`);
}
