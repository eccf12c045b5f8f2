// Export and delete from the consent screen in a real editor (issue 8), against the real endpoint: both
// reach the endpoint's routes with the ownership proof; afterwards the endpoint holds nothing of the
// installation, and the file the user saved holds what it held. Deleting asks for the editor's modal
// confirmation, which VS Code refuses to show while extension tests are loaded, so this is a run of its
// own in an editor without them, driven only from the browser, like logger.test.ts. The events are
// Candor's own (session, activation, command latencies): no fixture is needed.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import type { Batch, CandorEvent } from '../../generated/types';
import { FaultProxy } from '../support/fault-proxy';
import { launchBrowser, openPage, runFromPalette, waitForWorkbench, webviewClick, webviewText } from './harness/browser.mjs';
import { packageCandor } from './harness/build.mjs';
import { installExtensions, startCodeServer } from './harness/code-server.mjs';
import { answerSaveDialog, clickDialogButton } from './harness/dialogs.mjs';
import { endpointAvailable, startEndpoint } from './harness/endpoint.mjs';
import { readStoredEvents } from './harness/endpoint-store.mjs';
import { createProfile } from './harness/profile.mjs';
import { teardown } from './harness/suite-run.mjs';
import { scratch, until } from './own-editor';

interface Stored { eventId: string; installationId: string; event: CandorEvent }
interface ExportFile { endpoint: { installations: { installationId: string; status: string; events: { event: CandorEvent }[] }[] } }

const cleanups: (() => unknown)[] = [];
afterAll(async () => { await teardown(cleanups); });
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

test.skipIf(!endpointAvailable())('export and delete from the consent screen reach the endpoint with the ownership proof; then the endpoint holds nothing of the installation, and the saved file holds what it held', async () => {
  const out = scratch('candor-rights-', cleanups);
  const endpoint = await startEndpoint({ dir: out });
  cleanups.push(() => endpoint.stop());
  const proxy = new FaultProxy(endpoint.url);
  await proxy.start();
  cleanups.push(() => proxy.stop());

  const profile = createProfile({ settings: { 'candor.enabled': true, 'candor.endpoint': proxy.url, 'candor.batch.intervalSeconds': 1, 'telemetry.telemetryLevel': 'all' } });
  cleanups.push(() => profile.remove());
  installExtensions(profile, [process.env.CANDOR_VSIX ?? packageCandor()]);
  const editor = await startCodeServer(profile);
  cleanups.push(() => editor.stop());
  const browser = await launchBrowser(path.join(profile.root, 'browser'));
  cleanups.push(() => browser.close());
  const { page } = await openPage(browser, `${editor.url}?folder=${encodeURIComponent(profile.workspace)}`);
  await waitForWorkbench(page);

  const stored = (): Stored[] => readStoredEvents(endpoint.databaseFile).events;
  const first = await until('a delivered batch', () => proxy.bodies[0]);
  const { installationId, ownerKeyHash } = JSON.parse(first) as Batch;
  const ours = () => stored().filter((e) => e.installationId === installationId);
  await until('the installation\'s events at the endpoint', () => (ours().length > 0 ? true : undefined));

  await runFromPalette(page, 'Candor: Show Consent and Status');
  await webviewClick(page, 'vscode-tab-header[data-view="consent"]', { timeoutMs: 30_000 });

  // Candor keeps sending its own events meanwhile, so the file must hold at least what the endpoint held
  // before the export and at most what it held after.
  const file = path.join(out, 'my-candor-data.json');
  const before = ours();
  await webviewClick(page, '#export-data');
  expect(await answerSaveDialog(page, file)).toBe('Export my Candor data');
  expect(await webviewText(page, '#data-result', { contains: 'Saved to', timeoutMs: 30_000 })).toContain(`Saved to ${file}.`);
  const after = new Map(ours().map((e) => [e.eventId, e.event]));
  const saved = readFileSync(file, 'utf8');
  const copy = (JSON.parse(saved) as ExportFile).endpoint.installations.find((i) => i.installationId === installationId);
  expect(copy?.status).toBe('exported');
  const exportedIds = copy!.events.map((s) => s.event.id);
  expect(exportedIds).toEqual(expect.arrayContaining(before.map((e) => e.eventId)));
  for (const { event } of copy!.events) { expect(event, 'each exported event is the one the endpoint stored').toEqual(after.get(event.id)); }

  await webviewClick(page, '#delete-data');
  expect(await clickDialogButton(page, 'Delete')).toMatch(/Delete everything Candor holds about this installation, here and at the endpoint\?/);
  const receipt = await webviewText(page, '#data-result', { contains: 'Deleted', timeoutMs: 30_000 });
  expect(receipt).toContain(installationId);
  expect(receipt).toMatch(/Candor now uses a new installation id\./);

  const route = (method: string, p: string) => proxy.requests.filter((r) => r.method === method && r.path.split('?')[0] === p);
  const exports = route('GET', `/v1/installations/${installationId}/events`);
  const deletions = route('DELETE', `/v1/installations/${installationId}`);
  expect(exports.map((r) => r.status)).toEqual([200]);
  expect(deletions.map((r) => r.status)).toEqual([200]);
  for (const r of [...exports, ...deletions]) { expect(sha256(r.secret ?? ''), 'the secret whose hash the batches carried').toBe(ownerKeyHash); }

  // Afterwards the endpoint holds nothing of it: its own export route says so, and so does its database.
  const answer = await fetch(new URL(`v1/installations/${installationId}/events`, endpoint.url), { headers: { 'candor-installation-secret': deletions[0]!.secret! } });
  expect(answer.status).toBe(404);
  expect(ours()).toEqual([]);
  expect(readStoredEvents(endpoint.databaseFile).installations.filter((i: { installationId: string }) => i.installationId === installationId)).toEqual([]);
  // Candor goes on under a new id, and what it sends now (here the latency of Send Now) is not filed under the old one.
  await runFromPalette(page, 'Candor: Send Now');
  const next = await until('a batch under the new installation id', () => proxy.bodies.map((b) => JSON.parse(b) as Batch).find((b) => b.installationId !== installationId));
  expect(next.ownerKeyHash).not.toBe(ownerKeyHash);
  expect(readFileSync(file, 'utf8')).toBe(saved);
});
