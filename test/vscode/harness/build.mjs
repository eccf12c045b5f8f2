// Builds what a real-editor run loads: Candor's .vsix (exactly as `npm run package` makes it), the
// in-host suites (bundled by esbuild; `vscode` and `mocha` stay external and resolve from the repo),
// and one .vsix per fixture extension in test/vscode/fixtures/.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { createVSIX } from '@vscode/vsce';
import { OUT, ROOT } from '../../../scripts/vscode/paths.mjs';
import { tail } from './process-group.mjs';

/** The in-host suites: the real one, and the deliberately broken ones the harness's self-test runs. */
export const SUITES = {
  main: 'test/vscode/suite',
  failing: 'test/vscode/selftest/failing',
  hanging: 'test/vscode/selftest/hanging',
};

const FIXTURES = path.join(ROOT, 'test', 'vscode', 'fixtures');

/** The folder a built suite is in; its index.js is the `extensionTestsPath`. */
export const suiteDir = (name) => path.join(OUT, 'suites', name);

/** The development folder of every run: a manifest that contributes nothing (see test/vscode/host/package.json). */
export const TESTS_HOST = path.join(ROOT, 'test', 'vscode', 'host');

/** `npm run package` (which builds first); returns the .vsix it wrote. */
export function packageCandor() {
  const { name, version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = path.join(ROOT, `${name}-${version}.vsix`);
  rmSync(vsix, { force: true });
  const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(vsix)) { throw new Error(`npm run package failed:\n${tail(`${r.stdout}${r.stderr}`)}`); }
  return vsix;
}

export async function buildSuites(names = Object.keys(SUITES)) {
  for (const name of names) {
    const src = path.join(ROOT, SUITES[name]);
    const out = suiteDir(name);
    rmSync(out, { recursive: true, force: true });
    const tests = readdirSync(src).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(src, f));
    await esbuild.build({
      entryPoints: [{ in: path.join(ROOT, 'test', 'vscode', 'runner.ts'), out: 'index' }, ...tests],
      outdir: out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode', 'mocha'],
      sourcemap: 'inline', // stack traces of failures point into the TypeScript
      logLevel: 'warning',
    });
  }
}

/** Packages every fixture extension; returns their .vsix files. */
export async function buildFixtures() {
  const vsixFiles = [];
  for (const name of existsSync(FIXTURES) ? readdirSync(FIXTURES) : []) {
    const src = path.join(FIXTURES, name);
    const stage = path.join(OUT, 'fixtures', name);
    rmSync(stage, { recursive: true, force: true });
    mkdirSync(stage, { recursive: true });
    for (const file of ['package.json', 'README.md']) {
      if (existsSync(path.join(src, file))) { copyFileSync(path.join(src, file), path.join(stage, file)); }
    }
    await esbuild.build({
      entryPoints: [path.join(src, 'extension.ts')],
      outfile: path.join(stage, 'dist', 'extension.js'),
      bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning',
    });
    const packagePath = path.join(OUT, 'fixtures', `${name}.vsix`);
    await quietly(() => createVSIX({ cwd: stage, packagePath, dependencies: false, allowMissingRepository: true, skipLicense: true }));
    vsixFiles.push(packagePath);
  }
  return vsixFiles;
}

/** vsce prints a file tree for every package; the fixtures' trees are noise in a test run. */
async function quietly(fn) {
  const log = console.log;
  const info = console.info;
  console.log = () => {};
  console.info = () => {};
  try { return await fn(); } finally { console.log = log; console.info = info; }
}
