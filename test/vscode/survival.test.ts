// Survival in a real editor: events accepted by Candor while the endpoint is down survive a reload of
// the window and a SIGKILL of the extension host; after the next start every one of them reaches the
// endpoint exactly once. The survivor fixture reports the events (test/vscode/fixtures/survivor/).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { ProtocolServer } from '../support/protocol-server';
import { launchBrowser, openPage, waitForWorkbench } from './harness/browser.mjs';
import { buildFixtures, packageCandor } from './harness/build.mjs';
import { installExtensions, startCodeServer } from './harness/code-server.mjs';
import { createProfile } from './harness/profile.mjs';
import { teardown } from './harness/suite-run.mjs';
import { scratch, until } from './own-editor';

const cleanups: (() => unknown)[] = [];
afterAll(async () => { await teardown(cleanups); });

test('events pending across a window reload and a killed extension host each arrive exactly once', async () => {
  const out = scratch('candor-survivor-', cleanups);
  // The endpoint's port is chosen now, but it stays down until the end: everything must wait on disk.
  const server = new ProtocolServer();
  await server.start();
  const port = server.port;
  await server.stop();
  cleanups.push(() => server.stop());

  const vsix = [packageCandor(), ...(await buildFixtures()).filter((f: string) => /survivor/.test(f))];
  const profile = createProfile({ settings: { 'candor.enabled': true, 'candor.endpoint': `http://127.0.0.1:${port}/`, 'candor.batch.intervalSeconds': 1, 'telemetry.telemetryLevel': 'all' } });
  cleanups.push(() => profile.remove());
  installExtensions(profile, vsix);
  const editor = await startCodeServer(profile, { env: { CANDOR_SURVIVOR_DIR: out } });
  cleanups.push(() => editor.stop());
  const browser = await launchBrowser(path.join(profile.root, 'browser'));
  cleanups.push(() => browser.close());
  const { page } = await openPage(browser, `${editor.url}?folder=${encodeURIComponent(profile.workspace)}`);
  await waitForWorkbench(page);

  const phase = (n: number) => until(`phase ${n} of the survivor`, () => {
    const f = path.join(out, `phase-${n}.json`);
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { pid: number; accepted: string[]; results: unknown[] }) : undefined;
  });
  const first = await phase(0);
  expect(first.results).toEqual([]);
  expect(first.accepted.length).toBe(60);

  // Reload the window: the extension host stops the ordinary way (deactivate runs; the endpoint is down).
  await page.reload();
  await waitForWorkbench(page);
  const second = await phase(1);
  expect(second.accepted.length).toBe(60);
  expect(second.pid).not.toBe(first.pid);

  // Kill the extension host outright, with events pending; no deactivate.
  process.kill(second.pid, 'SIGKILL');
  await until('the killed extension host to be gone', () => { try { process.kill(second.pid, 0); return undefined; } catch { return true; } });

  // The endpoint comes up; the next start of the extension host delivers what the others left.
  await server.start(port);
  await page.reload();
  await waitForWorkbench(page);
  const accepted = [...first.accepted, ...second.accepted];
  await until('every accepted event at the endpoint', () => (accepted.every((id) => server.stored.has(id)) ? true : undefined), 180_000);
  for (const id of accepted) { expect(server.stored.get(id), id).toBe(1); }
});
