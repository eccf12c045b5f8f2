// The pending events in real Chromium: each event and each batch shown as its exact bytes, every field
// explained, grouping, filters and search, totals, live updates, 10,000 events, and the keyboard.
import { describe, expect, it } from 'vitest';
import { FIELD_DOCS } from '../../generated/field-docs';
import { GIT_GRAPH, pendingBatches, viewState } from '../fixtures/panel-state';
import type { PanelPage } from './support/panel-page';
import { panelSuite } from './support/suite';

const suite = panelSuite();
let panel: PanelPage;

const eventsOf = (body: string) => (JSON.parse(body) as { events: unknown[] }).events;

describe('pending events', () => {
  it('shows every batch as a header and every event as a row, with the totals of what will be sent', async () => {
    panel = await suite.open();
    const state = viewState({ batches: 3, eventsPerBatch: 20, hostile: true });
    await panel.sendState(state);
    expect(await panel.rowCount()).toBe(63);
    const rows = await panel.drawnRows();
    expect(rows[0]).toMatchObject({ pos: 1, kind: 'group', label: expect.stringContaining(`Batch ${state.pending[0]!.batchId} · awaiting review · 20 events`) });
    expect(rows[1]).toMatchObject({ pos: 2, kind: 'event', label: 'candor.command, usage event from candor.candor, 464 B' });
    const bytes = state.pending.reduce((n, b) => n + Buffer.byteLength(b.body), 0);
    expect(await panel.totals()).toBe(`60 events pending in 3 batches: ${(bytes / 1024).toFixed(1)} KiB to send.`);
  });

  it('shows the exact bytes of an event, and of its whole batch, as the transport will send them', async () => {
    panel = await suite.open();
    const state = viewState({ batches: 2, eventsPerBatch: 12 });
    await panel.sendState(state);
    const body = state.pending[1]!.body;
    // Row 14 is the second batch's header; row 17 its third event.
    await panel.goToRow(16);
    const third = eventsOf(body)[2];
    const shown = await panel.eventBytes();
    expect(body).toContain(shown);
    expect(JSON.parse(shown)).toEqual(third);
    await panel.click('toggle-batch-bytes');
    expect(await panel.batchBytes()).toBe(body);
    await expect.poll(() => panel.page.locator('#pending-detail .digest').innerText()).toContain(`${state.pending[1]!.sha256}. It matches`);
    // Enter on a batch header opens that batch's bytes directly.
    await panel.goToRow(0);
    await panel.page.keyboard.press('Enter');
    expect(await panel.batchBytes()).toBe(state.pending[0]!.body);
  });

  it('explains each field beside its value: the spec for Candor\'s fields, the catalogue for an extension\'s', async () => {
    panel = await suite.open();
    await panel.sendState(viewState({ batches: 1, eventsPerBatch: 9 }));
    await panel.goToRow(3); // the third event: acme.git-graph's openView
    const fields = await panel.fieldTable();
    const declared = GIT_GRAPH.events[0];
    expect(fields.get('/data/properties/repoId')?.meaning).toContain(declared.properties!.repoId!.description);
    expect(fields.get('/data/properties/repoId')?.meaning).toContain('Privacy class: EndUserPseudonymizedInformation');
    expect(fields.get('/data/measurements/nodes')?.meaning).toContain(`${declared.measurements!.nodes!.description} Unit: count.`);
    const installation = FIELD_DOCS.usage.find((d) => d.path === '/installationId')!;
    expect(fields.get('/installationId')?.value).toBe('"3f1c2b9e-8d7a-4e6f-b5c4-a3d2e1f0c9b8"');
    expect(fields.get('/installationId')?.meaning).toContain(`Why: ${installation.why}`);
    expect([...fields.values()].filter((f) => f.meaning.includes('Not declared'))).toEqual([]);
  });

  it('says so when a property is declared in no catalogue', async () => {
    panel = await suite.open();
    const state = viewState({ batches: 1, eventsPerBatch: 9 });
    await panel.sendState({ ...state, catalogues: state.catalogues.filter((c) => c.extension !== 'acme.git-graph') });
    await panel.goToRow(3);
    expect((await panel.fieldTable()).get('/data/properties/repoId')?.meaning).toContain('Not declared');
  });

  it('filters by extension, kind and name, searches the bytes, and groups by kind', async () => {
    panel = await suite.open();
    await panel.sendState(viewState({ batches: 2, eventsPerBatch: 18 }));
    await panel.choose('filter-extension', /^acme\.git-graph/);
    await expect.poll(() => panel.totals()).toMatch(/Showing 12 events/);
    await panel.choose('filter-kind', /^error/);
    await expect.poll(async () => (await panel.drawnRows()).filter((r) => r.kind === 'event').map((r) => r.label.split(',')[0])).toEqual(Array(4).fill('renderFailed'));
    await panel.choose('filter-extension', /^All/);
    await panel.choose('filter-kind', /^All/);
    await panel.search('candor.firstdelivery');
    await expect.poll(() => panel.totals()).toMatch(/Showing 4 events/);
    await panel.search('');
    await panel.choose('group-by', 'Kind');
    await expect.poll(() => panel.rowCount()).toBe(36 + 7);
    expect((await panel.drawnRows()).filter((r) => r.kind === 'group').map((r) => r.label.split(' · ')[0]).slice(0, 3)).toEqual(['dailyAggregate', 'error', 'heartbeat']);
    expect(await panel.saved()).toMatchObject({ groupBy: 'kind', filter: { search: '' } });
  });

  it('updates live as batches are queued, sent and dropped, keeping the open event', async () => {
    panel = await suite.open();
    const first = viewState({ batches: 2, eventsPerBatch: 5, status: 'ready' });
    await panel.sendState(first);
    await panel.goToRow(8); // an event of the second batch
    const open = await panel.eventBytes();
    const more = pendingBatches({ seed: 42, batches: 1, eventsPerBatch: 7, status: 'collecting' });
    await panel.sendState({ ...first, pending: [first.pending[1]!, ...more] });
    expect(await panel.totals()).toMatch(/^12 events pending in 2 batches/);
    expect(await panel.eventBytes()).toBe(open);
    await panel.sendState({ ...first, pending: [] });
    expect(await panel.totals()).toMatch(/^0 events pending in 0 batches/);
    expect(await panel.detail().innerText()).toContain('no longer pending');
  });

  it('stays usable with 10,000 pending events: few rows in the DOM, the end reachable, filters at once', async () => {
    panel = await suite.open();
    const state = viewState({ batches: 20, eventsPerBatch: 500 });
    await panel.sendState(state);
    expect(await panel.rowCount()).toBe(10_020);
    // Rows are reused as the list scrolls: each drawn row must still show the row at its position.
    const expected = state.pending.flatMap((b) => [`Batch ${b.batchId}`, ...eventsOf(b.body).map((e) => { const v = e as { name: string; kind: string; source: { extension: string } }; return `${v.name}, ${v.kind} event from ${v.source.extension}`; })]);
    await panel.list.hover();
    for (const dy of [30, 30, 400, 2000, 45_000, -700, 123_456]) {
      await panel.page.mouse.wheel(0, dy);
      await panel.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      for (const row of await panel.drawnRows()) { expect(row.label.startsWith(expected[row.pos - 1]!), `row ${row.pos}: ${row.label}`).toBe(true); }
    }
    expect((await panel.drawnRows()).length).toBeLessThan(80);
    await panel.list.focus();
    await panel.page.keyboard.press('End');
    const rows = await panel.drawnRows();
    expect(rows.at(-1)!.pos).toBe(10_020);
    expect(rows.length).toBeLessThan(80);
    expect(await panel.list.getAttribute('aria-activedescendant')).toBe('pending-list-row-10019');
    await panel.search('renderfailed');
    await expect.poll(() => panel.totals()).toMatch(/Showing 1,111 events/);
  });
});

describe('keyboard and screen readers', () => {
  it('moves through the list with the arrow keys, selects with Space and opens with Enter', async () => {
    panel = await suite.open();
    await panel.sendState(viewState({ batches: 2, eventsPerBatch: 30 }));
    await panel.list.focus();
    await panel.page.keyboard.press('ArrowDown');
    await panel.page.keyboard.press('ArrowDown');
    expect(await panel.list.getAttribute('aria-activedescendant')).toBe('pending-list-row-1');
    await panel.page.keyboard.press(' ');
    expect((await panel.drawnRows())[1]!.selected).toBe(true);
    await panel.page.keyboard.press('PageDown');
    expect(Number((await panel.list.getAttribute('aria-activedescendant'))!.split('-').at(-1))).toBeGreaterThan(10);
    await panel.page.keyboard.press('Enter');
    expect(await panel.page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
    await panel.list.focus();
    await panel.page.keyboard.press('Control+a');
    expect((await panel.drawnRows()).filter((r) => r.kind === 'event').every((r) => r.selected)).toBe(true);
    expect(await panel.page.locator('#review-summary').innerText()).toContain('60 events selected.');
  });

  it('labels the list, its rows and the controls for screen readers', async () => {
    panel = await suite.open();
    await panel.sendState(viewState({ batches: 1, eventsPerBatch: 3 }));
    expect(await panel.list.getAttribute('role')).toBe('listbox');
    expect(await panel.list.getAttribute('aria-label')).toBe('Pending events');
    expect(await panel.page.locator('#pending-list [role="option"]').count()).toBe(4);
    expect(await panel.page.getByRole('searchbox', { name: 'Search the bytes' }).count()).toBe(1);
    // What changes with every live update is not announced; what answers the user's actions is.
    expect(await panel.page.locator('#pending-totals').getAttribute('aria-live')).toBeNull();
    expect(await panel.page.locator('#pending-status').getAttribute('aria-live')).toBe('polite');
    for (const name of ['Approve all (1 batch)', 'Send now', 'Pause sending']) { expect(await panel.page.getByRole('button', { name }).count(), name).toBe(1); }
    // Tabs work from the keyboard too.
    await panel.tab('pending').focus();
    await panel.page.keyboard.press('ArrowRight');
    await panel.page.keyboard.press('Enter');
    await expect.poll(() => panel.view('history').isVisible()).toBe(true);
  });
});
