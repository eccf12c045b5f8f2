// The panel in a real VS Code, against the real endpoint (issue 8): opened from the palette, it shows
// what a fixture extension tracked; in review mode nothing leaves until Approve all is clicked, and then
// the endpoint receives the bytes the panel showed, byte for byte; discarded events never arrive and
// are counted; export from the consent screen reaches the endpoint's route with the ownership proof
// (deletion, which needs an answered modal dialog, is data-rights.test.ts); hostile messages from the
// webview's side have no effect; light and dark screenshots.
// A recording proxy in front of the endpoint keeps every body and every other request that went by.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { CandorApi } from '../../../extension/extension';
import type { Batch, CandorEvent, Export } from '../../../generated/types';
import type { FaultProxy } from '../../support/fault-proxy';
import type { ReporterFixtureApi } from '../fixtures/reporter/extension';
import { CandorPanel } from '../helpers/candor-panel';
import { ENDPOINT_AVAILABLE, candor, eventually, fixture, needsBrowser, outputChannelLog, sendingThroughProxy, setSettings, stopSendingThroughProxy, storedEvents, ui } from '../helpers';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const labelOf = (e: CandorEvent) => (e.data as { properties?: { label?: unknown } }).properties?.label;
const REFUSED_LINE = /Refused a message from the panel of type .*It was not acted on\./g;

suite('The panel in the editor', function () {
  this.timeout(180_000);
  let api: CandorApi;
  let reporter: ReporterFixtureApi;
  let endpoint: { url: string; databaseFile: string };
  let proxy: FaultProxy;
  let panel: CandorPanel;

  suiteSetup(async function () {
    if (!ui.available || !ENDPOINT_AVAILABLE) { this.skip(); }
    // Review mode: in-host, nothing leaves until the panel approves it.
    ({ api, endpoint, proxy } = await sendingThroughProxy({ reviewBeforeSend: true }));
    ({ api: reporter } = await fixture<ReporterFixtureApi>('reporter'));
  });

  suiteTeardown(async () => {
    await panel?.close();
    await stopSendingThroughProxy(proxy, ['workbench.colorTheme']);
  });

  /** The fixture's three events (usage, performance, error), each labelled `label`, all accepted. */
  async function track(label: string): Promise<void> {
    const r = await reporter.script(label);
    assert.deepEqual([r.usage.status, r.performance.status, r.error.status], ['accepted', 'accepted', 'accepted'], JSON.stringify(r));
  }

  /** Seals what is collecting (Send Now); in review mode the batch then waits for the user. */
  async function seal(): Promise<void> { await vscode.commands.executeCommand('candor.sendNow'); }

  const sentBodiesWith = (label: string) => proxy.bodies.filter((b) => b.includes(`"label":"${label}"`));
  const storedWith = async (label: string) => (await storedEvents(endpoint.databaseFile)).events.filter((e) => labelOf(e.event) === label);

  test('opens from "Candor: Show Pending Events" and shows the events the fixture tracked', async function () {
    needsBrowser(this);
    await track('p-shown');
    panel = await CandorPanel.open('pending');
    await panel.search('p-shown');
    // Whatever else is pending, the search leaves exactly the three.
    await eventually(async () => assert.deepEqual((await panel.eventRows()).map((r) => `${r.name} ${r.kind} ${r.extension}`).sort(), [
      'matrix.failed error candor-fixtures.reporter', 'matrix.took performance candor-fixtures.reporter', 'matrix.used usage candor-fixtures.reporter'], 'the list shows the three events'));
    const opened = await panel.openFirstEvent();
    const event = JSON.parse(opened.bytes) as CandorEvent;
    assert.equal(labelOf(event), 'p-shown', 'its exact bytes');
    assert.match(await opened.meaning('/data/properties/label'), /Which test step this is\./, 'and beside its property, what the extension\'s catalogue says it means');
  });

  test('in review mode nothing leaves until Approve all; then the endpoint receives the bytes shown, byte for byte, and History says so', async function () {
    needsBrowser(this);
    await track('p-review');
    await seal(); // the round Send Now waits for sends what is cleared; this batch is not
    assert.deepEqual(sentBodiesWith('p-review'), [], 'nothing of it left before the approval');
    await panel.search('p-review');
    await panel.header({ contains: 'await your approval' });
    const shown = await panel.openFirstBatch();
    assert.equal((shown.body.match(/"label":"p-review"/g) ?? []).length, 3, 'the batch shown holds the three events');
    assert.ok(shown.digestLine.includes(`SHA-256 of the bytes shown: ${sha256(shown.body)}.`), `the panel's digest is of exactly these bytes: ${shown.digestLine}`);
    assert.deepEqual(sentBodiesWith('p-review'), [], 'still nothing left');

    await panel.approveAll();
    const sent = await eventually(() => { const [b] = sentBodiesWith('p-review'); assert.ok(b, 'the approved batch reached the endpoint'); return b; }, { timeoutMs: 30_000 });
    assert.equal(sent, shown.body, 'the endpoint received exactly the bytes the panel showed');
    assert.equal((JSON.parse(sent) as Batch).batchId, shown.batchId);
    await eventually(async () => assert.equal((await storedWith('p-review')).length, 3, 'and stored its three events'));
    const row = await panel.delivery(shown.batchId, { contains: 'Yes: the endpoint received exactly these bytes' });
    assert.match(row, /Delivered \(HTTP 200\)/, `History: ${row}`);
  });

  test('discarded events never arrive and are counted as discarded_in_review; what was kept arrives', async function () {
    needsBrowser(this);
    await track('p-discard');
    await track('p-keep');
    await seal();
    const before = await panel.dropped('discarded_in_review');
    await panel.openTab('pending');
    await panel.search('p-discard');
    await panel.totals({ contains: 'Showing 3 events' });
    assert.equal(await panel.discardShown(), '3 event(s) discarded for good.');
    await panel.totals({ contains: 'Showing 0 events' });
    assert.equal(await panel.dropped('discarded_in_review'), before + 3, 'the Problems view counts them');

    // The batch lost three events, so its bytes changed: it needs (and gets) a new approval.
    await panel.openTab('pending');
    await panel.search('p-keep');
    const shown = await panel.openFirstBatch();
    assert.ok(!shown.body.includes('p-discard'), 'the batch shown no longer holds them');
    await panel.approveAll();
    await eventually(async () => assert.equal((await storedWith('p-keep')).length, 3), { timeoutMs: 30_000 });
    assert.equal(sentBodiesWith('p-keep')[0], shown.body, 'byte for byte again');
    assert.deepEqual(sentBodiesWith('p-discard'), [], 'no discarded event went over the wire');
    assert.deepEqual(await storedWith('p-discard'), [], 'nor is one stored');
  });

  test('hostile messages posted from inside the webview are refused and logged, without effect', async function () {
    needsBrowser(this);
    await track('p-hostile');
    await seal();
    await panel.openTab('pending');
    await panel.search('p-hostile');
    const shown = await panel.openFirstBatch();
    const batch = { batchId: shown.batchId, sha256: sha256(shown.body) };
    const eventIds = (JSON.parse(shown.body) as Batch).events.map((e) => e.id);
    const refusedBefore = (() => { try { return outputChannelLog('Candor').match(REFUSED_LINE)?.length ?? 0; } catch { return 0; } })();
    const droppedBefore = await panel.dropped('discarded_in_review');

    // Each would approve or discard this very batch, turn Candor off or delete data, if it were acted on.
    const hostile: [string, unknown][] = [
      ['an unknown type', { type: 'deleteEverything', requestId: 'h1' }],
      ['a missing field', { type: 'approve', requestId: 'h2' }],
      ['a missing request id', { type: 'optOut' }],
      ['an extra field', { type: 'approve', requestId: 'h3', batches: [batch], force: true }],
      ['a field of the wrong type', { type: 'discard', requestId: 'h4', eventIds: eventIds.join(',') }],
      ['a huge list', { type: 'discard', requestId: 'h5', eventIds: [...eventIds, ...Array.from({ length: 120_000 }, (_, i) => `01936d3c-5a4e-7b1c-9f3e-${String(i).padStart(12, '0')}`)] }],
      ['a huge string', { type: 'approve', requestId: 'x'.repeat(5_000_000), batches: [batch] }],
      ['a huge request to delete', { type: 'deleteData', requestId: 'y'.repeat(5_000_000) }],
      ['not an object', 'sendNow'],
      ['null', null],
    ];
    for (const [, message] of hostile) { await panel.post(message); }

    // The extension handles messages in order; it has refused every one once each is in its log.
    const log = await eventually(() => {
      const text = outputChannelLog('Candor');
      assert.equal((text.match(REFUSED_LINE)?.length ?? 0) - refusedBefore, hostile.length, 'one refusal logged per hostile message');
      return text;
    }, { timeoutMs: 20_000, intervalMs: 300 });
    assert.match(log, /Refused a message from the panel of type "deleteEverything": \/type is not a known message type\./);
    assert.match(log, /Refused a message from the panel of type "approve": .*batches.*It was not acted on\./);
    assert.equal(log.match(/is larger than the limit of 4194304 characters\. It was not acted on\./g)?.length, 3, 'each huge message is refused by its size, unread');
    assert.ok(!log.includes('x'.repeat(100)), 'the log names fields and rules, never the payload');

    assert.equal(api.consent().candorEnabled, true, 'Candor is still on');
    assert.equal(vscode.workspace.getConfiguration('candor').get('enabled'), true);
    assert.deepEqual(sentBodiesWith('p-hostile'), [], 'the batch was not approved');
    assert.equal(await panel.dropped('discarded_in_review'), droppedBefore, 'nothing was discarded');
    await panel.openTab('pending');
    const again = await panel.openFirstBatch();
    assert.deepEqual([again.batchId, again.body], [shown.batchId, shown.body], 'the batch waits as it was, unchanged');

    // The panel's own button still works afterwards.
    await panel.approveAll();
    await eventually(async () => assert.equal((await storedWith('p-hostile')).length, 3), { timeoutMs: 30_000 });
  });

  test('screenshots of the panel in a light and a dark theme, with the theme\'s colours applied to the panel', async function () {
    needsBrowser(this);
    await track('p-screenshot');
    await seal();
    await panel.openTab('pending');
    await panel.search('');
    await ui.webviewClick('#pending-list .wlist-row.event:not([hidden])'); // an event open beside the list, with its fields explained
    const backgrounds: Record<string, string> = {};
    for (const [name, theme, background] of [['light', 'Default Light Modern', 'rgb(255, 255, 255)'], ['dark', 'Default Dark Modern', 'rgb(31, 31, 31)']] as const) {
      await setSettings({ 'workbench.colorTheme': theme });
      backgrounds[name] = await eventually(async () => { const b = await panel.background(); assert.equal(b, background, `the panel in ${theme}`); return b; });
      const file = await ui.screenshot(`panel-${name}`);
      await eventually(() => assert.ok(existsSync(file) && statSync(file).size > 10_000, `${file} is a real picture`));
    }
    assert.notEqual(backgrounds.light, backgrounds.dark);
    await setSettings({ 'workbench.colorTheme': undefined });
  });

  test('export from the consent screen reaches the endpoint\'s route with the ownership proof, and the saved file holds what the endpoint held; delete without an answered confirmation deletes nothing', async function () {
    needsBrowser(this);
    const lastBatch = JSON.parse(proxy.bodies.at(-1) ?? '{}') as Batch;
    const { installationId, ownerKeyHash } = lastBatch;
    assert.ok(installationId, 'this installation has delivered batches');
    const held = (await storedEvents(endpoint.databaseFile)).events.filter((e) => e.installationId === installationId);
    assert.ok(held.length >= 12, `the endpoint holds this installation's events (${held.length})`);
    await track('p-export');
    await seal(); // waits here for review: the export must hold it too

    const file = path.join(os.homedir(), `candor-export-${Date.now()}.json`);
    const firstRequest = proxy.requests.length;
    const { dialogTitle, result } = await panel.exportData(file);
    assert.equal(dialogTitle, 'Export my Candor data');
    assert.ok(result.startsWith(`Saved to ${file}.`), result);
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { local: { pending: CandorEvent[] }; endpoint: { installations: { installationId: string; status: string; events: Export['events'] }[] } };

    const calls = (method: string, route: string) => proxy.requests.slice(firstRequest).filter((r) => r.method === method && r.path.split('?')[0] === route);
    const exports = calls('GET', `/v1/installations/${installationId}/events`);
    assert.ok(exports.length > 0, `the export route was called: ${JSON.stringify(proxy.requests.slice(firstRequest).map((r) => `${r.method} ${r.path} ${r.status}`))}`);
    for (const c of exports) {
      assert.ok(c.secret, 'with Candor-Installation-Secret');
      assert.equal(sha256(c.secret), ownerKeyHash, 'the secret whose hash every batch of this installation carried');
      assert.equal(c.status, 200);
    }
    const copy = exported.endpoint.installations.find((i) => i.installationId === installationId);
    assert.equal(copy?.status, 'exported');
    assert.deepEqual(copy!.events.map((s) => s.event), held.map((e) => e.event), 'the file holds every event the endpoint held, as stored');
    assert.equal(exported.local.pending.filter((e) => labelOf(e) === 'p-export').length, 3, 'and what waited on this machine');

    // Deleting asks the editor for a modal confirmation, which VS Code refuses to show while extension
    // tests run: unanswered, it must delete nothing, here or at the endpoint.
    const answer = await panel.deleteDataUnconfirmed();
    assert.doesNotMatch(answer, /Deleted/, answer);
    assert.deepEqual(calls('DELETE', `/v1/installations/${installationId}`), [], 'no deletion reached the endpoint');
    const still = (await storedEvents(endpoint.databaseFile)).events.filter((e) => e.installationId === installationId);
    assert.ok(still.length >= held.length, 'the endpoint still holds the installation\'s events');
    await panel.openTab('pending');
    await panel.search('p-export');
    await eventually(async () => assert.equal((await panel.eventRows()).length, 3, 'what waited to be sent still waits'));
  });
});
