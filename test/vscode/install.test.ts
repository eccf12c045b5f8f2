// The installer is idempotent: once the tools are there (the run before installed them), it finds
// its marker and does nothing — the "a second run costs seconds" promise of npm test.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { CODE_SERVER_VERSION, ROOT, codeServerPrefix } from '../../scripts/vscode/paths.mjs';

test('a second install is a no-op that takes well under a few seconds', () => {
  const marker = path.join(codeServerPrefix(), '.candor-installed.json');
  const before = statSync(marker).mtimeMs;
  const started = Date.now();
  const r = spawnSync(process.execPath, ['scripts/vscode/install.mjs'], { cwd: ROOT, encoding: 'utf8' });
  const elapsed = Date.now() - started;
  expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  expect(r.stdout).toContain(`ready: ${codeServerPrefix()}`);
  expect(r.stdout).not.toMatch(/apt-get|npm install|build /); // nothing was installed or built
  expect(statSync(marker).mtimeMs).toBe(before);
  expect(JSON.parse(readFileSync(marker, 'utf8')).codeServer).toBe(CODE_SERVER_VERSION);
  expect(elapsed).toBeLessThan(5_000);
});
