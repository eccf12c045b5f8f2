// What users install: the .vsix of `npm run package` holds the bundle and the files a user reads,
// byte for byte as built, and nothing else — no sources, tests, endpoint, node_modules or source maps.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import yauzl from 'yauzl';
import { packageCandor } from './harness/build.mjs';
import { ROOT } from '../../scripts/vscode/paths.mjs';

/** Every entry of a zip file, with its bytes. */
function readZip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Buffer>();
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) { reject(err); return; }
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) { zip.readEntry(); return; }
        zip.openReadStream(entry, (e, stream) => {
          if (e) { reject(e); return; }
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => { entries.set(entry.fileName, Buffer.concat(chunks)); zip.readEntry(); });
        });
      });
      zip.readEntry();
    });
  });
}

const repoFile = (p: string) => readFileSync(path.join(ROOT, p));

/** The whole allowed content; vsce adds the two manifest files and renames the documents. */
const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/dist\/extension\.js$/,
  /^extension\/dist\/lazy\/[^/]+\.js$/, // parts loaded on first use: the pipeline, export and deletion, validators
  /^extension\/dist\/webview\/[^/]+\.(js|css)$/, // the panel's bundle, once the webview lands
  /^extension\/readme\.md$/,
  /^extension\/changelog\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/telemetry\.json$/,
];

let files: Map<string, Buffer>;

beforeAll(async () => {
  files = await readZip(process.env.CANDOR_VSIX ?? packageCandor());
});

describe('the packaged .vsix', () => {
  test('holds only the bundle, the manifest and the documents a user reads', () => {
    const unexpected = [...files.keys()].filter((f) => !ALLOWED.some((re) => re.test(f)));
    expect(unexpected).toEqual([]);
    for (const name of ['extension/package.json', 'extension/dist/extension.js', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/telemetry.json']) {
      expect(files.has(name), name).toBe(true);
    }
  });

  test('has no sources, tests, endpoint, dependencies or source maps', () => {
    const names = [...files.keys()];
    expect(names.filter((f) => /(^|\/)(node_modules|test|endpoint|schemas|generated|scripts|extension\/extension)\//.test(f))).toEqual([]);
    expect(names.filter((f) => /\.(ts|map|mts|cts)$/.test(f))).toEqual([]);
    expect(files.get('extension/dist/extension.js')!.toString()).not.toMatch(/sourceMappingURL/);
  });

  test('ships the bundle as built and the manifest, catalogue and documents of this repository', () => {
    expect(files.get('extension/dist/extension.js')!.equals(repoFile('dist/extension.js'))).toBe(true);
    expect(JSON.parse(files.get('extension/package.json')!.toString())).toEqual(JSON.parse(repoFile('package.json').toString()));
    expect(files.get('extension/telemetry.json')!.equals(repoFile('telemetry.json'))).toBe(true);
    expect(files.get('extension/readme.md')!.equals(repoFile('README.md'))).toBe(true);
    expect(files.get('extension/changelog.md')!.equals(repoFile('CHANGELOG.md'))).toBe(true);
    expect(files.get('extension/LICENSE.txt')!.equals(repoFile('LICENSE'))).toBe(true);
  });

  test('the bundle needs nothing at run time but Node and the editor', () => {
    const bundle = files.get('extension/dist/extension.js')!.toString();
    const required = [...bundle.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect(required.filter((m) => m !== 'vscode' && !builtins.has(m))).toEqual([]);
    expect(required).toContain('vscode');
  });

  test('the lazily loaded parts are there as built, and load with Node alone', () => {
    const lazy = [...files.keys()].filter((f) => f.startsWith('extension/dist/lazy/'));
    expect(lazy.map((f) => path.basename(f)).sort()).toEqual(['api.js', 'catalogue.js', 'deletion-receipt.js', 'event.js', 'export.js', 'ingest-response.js', 'panel-host.js', 'panel.js', 'pipeline.js', 'recovery.js', 'rights.js']);
    // Copied where no node_modules can be found, and required there: whatever they need is inside them.
    const dir = mkdtempSync(path.join(tmpdir(), 'candor-lazy-'));
    try {
      for (const f of lazy) {
        expect(files.get(f)!.equals(repoFile(f.replace(/^extension\//, ''))), f).toBe(true);
        writeFileSync(path.join(dir, path.basename(f)), files.get(f)!);
      }
      // panel-host.js is the one part that talks to the editor: it may require `vscode` and nothing else.
      mkdirSync(path.join(dir, 'node_modules/vscode'), { recursive: true });
      writeFileSync(path.join(dir, 'node_modules/vscode/index.js'), 'module.exports = {};');
      const script = `for (const f of ${JSON.stringify(lazy.map((f) => path.basename(f)))}) require(require('path').join(${JSON.stringify(dir)}, f));`;
      const r = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
