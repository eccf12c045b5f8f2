// History, refused and dropped events, and the consent screen, in real Chromium: each shows what the
// state says, explained by the spec, and each button posts its one message.
import { describe, expect, it } from 'vitest';
import { FIELD_DOCS } from '../../generated/field-docs';
import { KIND_DOCS, NEVER_COLLECTED } from '../../generated/privacy-docs';
import { REASON_CODES } from '../../generated/reason-codes';
import { CANDOR_CATALOGUE, history, pendingBatches, viewState } from '../fixtures/panel-state';
import type { PanelPage } from './support/panel-page';
import { panelSuite } from './support/suite';

const suite = panelSuite();
let panel: PanelPage;

describe('history', () => {
  it('lists recent deliveries and shows the bytes of one the extension sends back', async () => {
    panel = await suite.open();
    const state = viewState({ batches: 1, eventsPerBatch: 2 });
    await panel.sendState(state);
    await panel.openTab('history');
    const rows = panel.view('history').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(1).innerText()).toContain('Partly refused (HTTP 200)');
    expect(await rows.nth(1).innerText()).toContain('20: 18 stored, 1 already there, 1 refused');
    const delivered = history()[0]!;
    const body = pendingBatches({ seed: 5, batches: 1, eventsPerBatch: 3 })[0]!.body;
    await panel.page.getByRole('button', { name: `Show the bytes of batch ${delivered.batchId}` }).click();
    const request = await panel.answer('openBatch', (requestId) => ({ type: 'batchBytes', requestId, batchId: delivered.batchId, body }));
    expect(request).toMatchObject({ type: 'openBatch', batchId: delivered.batchId });
    await expect.poll(() => panel.page.locator('#history-bytes pre.bytes').evaluate((n) => n.textContent)).toBe(body);
    expect(await panel.page.locator('#history-bytes').innerText()).toContain(`as it was sent to ${delivered.endpoint}`);
  });

  it('says when the bytes of a delivery are no longer kept', async () => {
    panel = await suite.open();
    await panel.sendState(viewState({ batches: 1, eventsPerBatch: 2 }));
    await panel.openTab('history');
    await panel.view('history').getByRole('button').first().click();
    await panel.answer('openBatch', (requestId) => ({ type: 'result', requestId, ok: false, message: 'The bytes of that batch are no longer kept.' }));
    await expect.poll(() => panel.page.locator('#history-status').innerText()).toBe('The bytes of that batch are no longer kept.');
    expect(await panel.page.locator('#history-status').getAttribute('class')).toContain('error');
  });
});

describe('refused and dropped', () => {
  it('shows refused events with the endpoint\'s reason, and drops by reason with what each reason means', async () => {
    panel = await suite.open();
    await panel.sendState(viewState({ batches: 1, eventsPerBatch: 2 }));
    expect(await panel.tab('problems').innerText()).toContain('8'); // 1 refused + 7 dropped
    await panel.openTab('problems');
    const text = await panel.view('problems').innerText();
    expect(text).toContain('unknown_field');
    expect(text).toContain(REASON_CODES.unknown_field.description);
    expect(text).toContain(REASON_CODES.queue_full.description);
    expect(await panel.view('problems').locator('tr[data-code="discarded_in_review"]').innerText()).toBe(`discarded_in_review\t5\t${REASON_CODES.discarded_in_review.description}`);
  });
});

describe('consent and your data', () => {
  it('lists what is collected and never collected from the spec, and what each extension declared', async () => {
    panel = await suite.open();
    await panel.sendState(viewState({ batches: 1, eventsPerBatch: 2 }));
    await panel.openTab('consent');
    const view = panel.view('consent');
    for (const n of NEVER_COLLECTED) { expect(await view.locator('#consent-never').innerText()).toContain(`${n.what}.`); }
    for (const k of Object.values(KIND_DOCS)) { expect(await view.locator(`vscode-collapsible[title="${k.title}"]`).count(), k.title).toBe(1); }
    // The spec writes code in backticks; the page shows it as code, and never shows the backticks.
    const kindRow = view.locator('vscode-collapsible[data-kind="usage"] tr[data-path="/kind"] td.meaning span').first();
    expect(await kindRow.evaluate((n) => [n.textContent, n.querySelector('code')?.textContent])).toEqual(['Always usage for this kind.', 'usage']);
    const every = await view.locator('#consent-collected table').first().locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-path')));
    expect(every).toEqual(FIELD_DOCS.usage.filter((d) => !d.path.startsWith('/data') && d.path !== '/kind').map((d) => d.path));
    const candor = view.locator('vscode-collapsible[data-extension="candor.candor"]');
    expect(await candor.getAttribute('title')).toBe(`candor.candor: ${CANDOR_CATALOGUE.events.length} events`);
    expect(await candor.locator('.declared-event').count()).toBe(CANDOR_CATALOGUE.events.length);
    // Closed until the user opens it; its text is there all the same.
    const gitGraph = view.locator('vscode-collapsible[data-extension="acme.git-graph"]');
    expect(await gitGraph.evaluate((n) => n.textContent)).toContain('How many commits the graph showed.');
    await gitGraph.click();
    expect(await gitGraph.innerText()).toContain('How many commits the graph showed.');
  });

  it('shows both settings, where events go and why sending stops, and opts out and in', async () => {
    panel = await suite.open();
    const state = viewState({ batches: 1, eventsPerBatch: 2 });
    const consent = { telemetryLevel: 'error' as const, candorEnabled: true, endpoint: 'https://telemetry.example.com/', usageAllowed: false, errorsAllowed: true, explanation: 'Errors only: the editor\'s telemetry level is "error".' };
    await panel.sendState({ ...state, consent });
    await panel.openTab('consent');
    expect(await panel.page.locator('#consent-explanation').innerText()).toBe(consent.explanation);
    expect(await panel.page.locator('#setting-level').innerText()).toContain('error · usage events allowed now: no · error events allowed now: yes');
    expect(await panel.page.locator('#setting-endpoint').innerText()).toBe('https://telemetry.example.com/');
    await panel.click('opt-out');
    await panel.answer('optOut', (requestId) => ({ type: 'result', requestId, ok: true, message: 'Candor is off.' }));
    await expect.poll(() => panel.page.locator('#settings-result').innerText()).toBe('Candor is off.');
    await panel.sendState({ ...state, consent: { ...consent, candorEnabled: false, errorsAllowed: false, endpoint: null, explanation: 'Off: candor.enabled is off.' } });
    expect(await panel.page.locator('#setting-enabled').innerText()).toBe('Off: nothing is recorded or sent.');
    expect(await panel.page.locator('#setting-endpoint').innerText()).toBe('No endpoint is set, so nothing is sent.');
    await panel.click('opt-in');
    await panel.waitForPosted('optIn');
    await panel.click('open-settings');
    await panel.waitForPosted('openSettings');
  });

  it('exports, and deletes with the receipts the extension returns', async () => {
    panel = await suite.open();
    await panel.sendState(viewState({ batches: 1, eventsPerBatch: 2 }));
    await panel.openTab('consent');
    await panel.click('export-data');
    await panel.answer('exportData', (requestId) => ({ type: 'result', requestId, ok: true, message: 'Saved to /home/me/candor.json. 2 pending events, 2 deliveries, 1,204 events at the endpoint.' }));
    await expect.poll(() => panel.page.locator('#data-result').innerText()).toContain('Saved to /home/me/candor.json.');
    await panel.click('delete-data');
    const receipts = [
      { receiptId: '01936d5a-0c1e-7f2a-9b3c-4d5e6f708192', installationId: '3f1c2b9e-8d7a-4e6f-b5c4-a3d2e1f0c9b8', deletedEvents: 1204, deletedAt: '2026-11-29T19:05:00.000Z' },
      { receiptId: '01936d5a-0c1e-7f2a-9b3c-4d5e6f708193', installationId: '7a2d4c6e-1b3f-4a5c-9d7e-0f1a2b3c4d5e', deletedEvents: 0, deletedAt: '2026-11-29T19:05:00.120Z' },
    ];
    await panel.answer('deleteData', (requestId) => ({ type: 'result', requestId, ok: true, message: 'Deleted here and at the endpoint.', receipts }));
    await expect.poll(() => panel.page.locator('#data-result dl.receipt').count()).toBe(2);
    expect(await panel.page.locator('#data-result dl.receipt').first().innerText()).toContain('1204');
    expect(await panel.page.locator(`#data-result dl.receipt[data-receipt-id="${receipts[1]!.receiptId}"]`).innerText()).toContain(receipts[1]!.installationId);
  });
});

describe('views', () => {
  it('brings the view the extension names to the front, and reopens on the view and filter last used', async () => {
    panel = await suite.open();
    await panel.sendState(viewState({ batches: 1, eventsPerBatch: 2 }));
    await panel.send({ type: 'show', view: 'consent' });
    await expect.poll(() => panel.view('consent').isVisible()).toBe(true);
    expect(await panel.saved()).toMatchObject({ view: 'consent' });
    const saved = { view: 'history', filter: { extension: '', kind: 'usage', name: '', search: 'palette' }, groupBy: 'name' };
    panel = await suite.open({ saved });
    await panel.sendState(viewState({ batches: 1, eventsPerBatch: 9 }));
    expect(await panel.view('history').isVisible()).toBe(true);
    await panel.openTab('pending');
    expect(await panel.totals()).toMatch(/Showing 1 event /);
  });
});
