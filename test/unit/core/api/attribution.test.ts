import { describe, expect, it } from 'vitest';
import { attributeCaller } from '../../../../extension/core/api/attribution';

const extensions = [
  { id: 'candor.candor', path: '/home/u/.vscode/extensions/candor.candor-0.1.0' },
  { id: 'Acme.Git-Graph', path: '/home/u/.vscode/extensions/acme.git-graph-2.1.0' },
  { id: 'acme.git', path: '/home/u/.vscode/extensions/acme.git' },
  { id: 'win.ext', path: 'C:\\Users\\U\\.vscode\\extensions\\win.ext-1.0.0' },
];
const self = '/home/u/.vscode/extensions/candor.candor-0.1.0';
const stack = (...files: string[]) => ['Error', ...files.map((f) => `    at fn (${f}:1:1)`)].join('\n');

describe('attributing an API call to an extension', () => {
  it('names the innermost extension outside Candor', () => {
    expect(attributeCaller(stack(`${self}/dist/extension.js`, '/home/u/.vscode/extensions/acme.git-graph-2.1.0/dist/main.js', '/other/x.js'), extensions, self)).toBe('acme.git-graph');
  });
  it('does not take an extension for another whose folder name it extends', () => {
    expect(attributeCaller(stack('/home/u/.vscode/extensions/acme.git/out/a.js'), extensions, self)).toBe('acme.git');
  });
  it('reads Windows paths and file URIs', () => {
    expect(attributeCaller(stack('C:\\Users\\U\\.vscode\\extensions\\win.ext-1.0.0\\dist\\x.js'), extensions, self)).toBe('win.ext');
    expect(attributeCaller(stack('file:///home/u/.vscode/extensions/acme.git-graph-2.1.0/dist/main.js'), extensions, self)).toBe('acme.git-graph');
  });
  it('is undefined when no other extension is on the stack', () => {
    expect(attributeCaller(stack(`${self}/dist/extension.js`, '/usr/lib/node.js'), extensions, self)).toBeUndefined();
    expect(attributeCaller(undefined, extensions, self)).toBeUndefined();
  });
});
