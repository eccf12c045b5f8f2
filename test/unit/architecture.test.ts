// The architecture, held by a test: the core decides and never touches the editor; the webview never
// reaches into the extension's code. A newcomer can trust the folder names.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const files = (dir: string): string[] => {
  const full = path.join(ROOT, dir);
  try { statSync(full); } catch { return []; }
  return readdirSync(full, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
};
const imports = (file: string) => [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)]
  .map((m) => m[1] ?? m[2] ?? m[3]!);

describe('architecture', () => {
  it('extension/core never imports vscode or the host edge', () => {
    const offenders = files('extension/core').flatMap((f) => imports(f)
      .filter((i) => i === 'vscode' || i.includes('/host/') || i.startsWith('../host') || i.includes('extension.ts'))
      .map((i) => `${f} imports ${i}`));
    expect(offenders).toEqual([]);
    expect(files('extension/core').length).toBeGreaterThan(0);
  });

  it('webview code never imports the extension or vscode', () => {
    const offenders = files('webview').flatMap((f) => imports(f)
      .filter((i) => i === 'vscode' || i.includes('extension/'))
      .map((i) => `${f} imports ${i}`));
    expect(offenders).toEqual([]);
  });

  it('webview code never turns a string into markup or code, and reaches the editor through one module', () => {
    const webview = files('webview');
    expect(webview.length).toBeGreaterThan(5);
    const offenders = webview.flatMap((f) => {
      const text = readFileSync(path.join(ROOT, f), 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
      return [/\.innerHTML\b/, /\.outerHTML\b/, /insertAdjacentHTML/, /document\.write/, /\beval\s*\(/, /new\s+Function\b/, /createContextualFragment/, /DOMParser/, /setTimeout\(\s*['"`]/]
        .filter((re) => re.test(text)).map((re) => `${f}: ${re}`)
        .concat(/acquireVsCodeApi\s*\(/.test(text) && f !== path.join('webview', 'src', 'host.ts') ? [`${f} calls acquireVsCodeApi`] : []);
    });
    expect(offenders).toEqual([]);
  });

  it('the panel host never compiles a schema: it uses the generated validators', () => {
    const offenders = [...files('extension/host'), ...files('webview'), ...files('protocol')]
      .filter((f) => /from\s+['"]ajv(\/dist\/2020)?['"]|require\(['"]ajv['"]\)/.test(readFileSync(path.join(ROOT, f), 'utf8').replace(/import type[^;]*;/g, '')));
    expect(offenders).toEqual([]);
  });
});
