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
});
