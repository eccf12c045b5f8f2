// The TelemetrySender route in a real editor: an extension's `vscode.env.createTelemetryLogger`, with
// Candor's `createTelemetrySender` as its sender, delivers to the real endpoint exactly what the
// extension logged — the editor's common properties (`common.vscodemachineid` among them) dropped.
// It needs an editor opened without extension tests, because VS Code calls no TelemetrySender while
// they are loaded; so it is a run of its own, like survival.test.ts. The fixture is fixtures/logger/.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import type { TrackResult } from '../../api/src/types';
import type { CandorEvent } from '../../generated/types';
import { FaultProxy } from '../support/fault-proxy';
import { launchBrowser, openPage, waitForWorkbench } from './harness/browser.mjs';
import { buildFixtures, packageCandor } from './harness/build.mjs';
import { installExtensions, startCodeServer } from './harness/code-server.mjs';
import { endpointAvailable, startEndpoint } from './harness/endpoint.mjs';
import { readStoredEvents } from './harness/endpoint-store.mjs';
import { createProfile } from './harness/profile.mjs';
import { teardown } from './harness/suite-run.mjs';
import { scratch, until } from './own-editor';

const cleanups: (() => unknown)[] = [];
afterAll(async () => { await teardown(cleanups); });

test.skipIf(!endpointAvailable())('a TelemetryLogger whose sender is Candor delivers what the extension logged, and no common.* member or machine id', async () => {
  const out = scratch('candor-logger-', cleanups);
  const endpoint = await startEndpoint({ dir: out });
  cleanups.push(() => endpoint.stop());
  const proxy = new FaultProxy(endpoint.url);
  await proxy.start();
  cleanups.push(() => proxy.stop());

  const vsix = [process.env.CANDOR_VSIX ?? packageCandor(), ...(await buildFixtures()).filter((f: string) => /[/\\]logger\.vsix$/.test(f))];
  const profile = createProfile({ settings: { 'candor.enabled': true, 'candor.endpoint': proxy.url, 'candor.batch.intervalSeconds': 1, 'telemetry.telemetryLevel': 'all' } });
  cleanups.push(() => profile.remove());
  installExtensions(profile, vsix);
  const editor = await startCodeServer(profile, { env: { CANDOR_LOGGER_OUT: out } });
  cleanups.push(() => editor.stop());
  const browser = await launchBrowser(path.join(profile.root, 'browser'));
  cleanups.push(() => browser.close());
  const { page } = await openPage(browser, `${editor.url}?folder=${encodeURIComponent(profile.workspace)}`);
  await waitForWorkbench(page);

  const file = path.join(out, 'logged.json');
  const logged = await until('the logger fixture to hear Candor\'s answers', () => (existsSync(file)
    ? JSON.parse(readFileSync(file, 'utf8')) as { results: { name: string; result: TrackResult }[]; machineId: string; sessionId: string } : undefined));
  expect(logged.results.map((r) => [r.name, r.result.status])).toEqual([['tool.used', 'accepted'], ['tool.failed', 'accepted']]);
  const ids = logged.results.map((r) => (r.result as { eventId: string }).eventId);

  const stored = await until('both events at the endpoint', () => {
    const byId = new Map(readStoredEvents(endpoint.databaseFile).events.map((e: { eventId: string; event: CandorEvent }) => [e.eventId, e.event]));
    return ids.every((id) => byId.has(id)) ? ids.map((id) => byId.get(id)!) : undefined;
  }, 60_000);
  const [usage, failure] = stored as [CandorEvent, CandorEvent];
  // The logger names events "publisher.name/event"; Candor reports them under the declared name.
  expect([usage.source.extension, usage.kind, usage.name]).toEqual(['candor-fixtures.logger', 'usage', 'tool.used']);
  expect(usage.data).toEqual({ properties: { label: 'l-usage', mode: 'auto' } });
  expect([failure.kind, failure.name]).toEqual(['error', 'tool.failed']);
  expect(failure.data).toMatchObject({ errorType: 'RangeError', message: 'logged failure', fatal: false });
  expect((failure.data as { properties?: unknown }).properties).toBeUndefined();

  // What the editor mixed in never left the machine: not in what the endpoint stored, not in any body on the wire.
  expect(logged.machineId).toMatch(/\S{8,}/);
  for (const text of [JSON.stringify(readStoredEvents(endpoint.databaseFile).events), ...proxy.bodies]) {
    expect(text).not.toContain('"common.');
    expect(text).not.toContain(logged.machineId);
    expect(text).not.toContain(logged.sessionId);
  }
  expect(proxy.bodies.length).toBeGreaterThan(0);
});
