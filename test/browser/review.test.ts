// Review before send in real Chromium: the exact approve and discard messages the panel posts, with the
// SHA-256 of the bytes shown, never for bytes that disagree with their digest, and discards only after
// the user confirms.
import { describe, expect, it } from 'vitest';
import type { ViewState } from '../../generated/types';
import { pendingOf, sha256, viewState } from '../fixtures/panel-state';
import type { PanelPage } from './support/panel-page';
import { panelSuite } from './support/suite';

const suite = panelSuite();
let panel: PanelPage;

const mixed = (): ViewState => viewState({ batches: 4, eventsPerBatch: 5, status: (b) => (['awaitingReview', 'ready', 'awaitingReview', 'collecting'] as const)[b]! });
const ids = (body: string) => (JSON.parse(body) as { events: { id: string }[] }).events.map((e) => e.id);

describe('approve', () => {
  it('approves all batches awaiting review, each by the SHA-256 of its bytes, and says what the extension answered', async () => {
    panel = await suite.open();
    const state = mixed();
    await panel.sendState(state);
    await panel.click('approve-all');
    const request = await panel.answer('approve', (requestId) => ({ type: 'result', requestId, ok: true, message: '2 batches approved; they will be sent now.' }));
    expect(request).toEqual({ type: 'approve', requestId: request.requestId, batches: [0, 2].map((i) => ({ batchId: state.pending[i]!.batchId, sha256: sha256(state.pending[i]!.body) })) });
    await expect.poll(() => panel.status()).toBe('2 batches approved; they will be sent now.');
  });

  it('approves the selected batch only, selected by its header row', async () => {
    panel = await suite.open();
    const state = mixed();
    await panel.sendState(state);
    await panel.goToRow(12); // the third batch's header
    await panel.page.keyboard.press(' ');
    expect(await panel.page.locator('#approve-selected').innerText()).toBe('Approve selected (1 batch)');
    await panel.click('approve-selected');
    const request = await panel.waitForPosted('approve');
    expect(request.batches).toEqual([{ batchId: state.pending[2]!.batchId, sha256: state.pending[2]!.sha256 }]);
  });

  it('does not approve a batch partly selected, and says why', async () => {
    panel = await suite.open();
    await panel.sendState(mixed());
    await panel.goToRow(1);
    await panel.page.keyboard.press(' ');
    expect(await panel.page.locator('#approve-selected').getAttribute('aria-disabled')).toBe('true');
    expect(await panel.page.locator('#review-summary').innerText()).toContain('1 batch partly selected: an approval covers a whole batch');
  });

  it('approves bytes that changed since they were first shown only with the digest of the new bytes', async () => {
    panel = await suite.open();
    const state = mixed();
    await panel.sendState(state);
    const changedBody = state.pending[0]!.body.replace('"sequence":0', '"sequence":7');
    const changed = pendingOf(changedBody, state.pending[0]!.batchId, 'awaitingReview', 5);
    await panel.sendState({ ...state, pending: [changed, ...state.pending.slice(1)] });
    await panel.click('approve-all');
    const request = await panel.waitForPosted('approve');
    expect(request.batches).toEqual([{ batchId: changed.batchId, sha256: sha256(changedBody) }, { batchId: state.pending[2]!.batchId, sha256: state.pending[2]!.sha256 }]);
    expect(sha256(changedBody)).not.toBe(state.pending[0]!.sha256);
  });

  it('refuses to approve bytes whose digest from the extension does not match them', async () => {
    panel = await suite.open();
    const state = viewState({ batches: 1, eventsPerBatch: 3 });
    await panel.sendState({ ...state, pending: [{ ...state.pending[0]!, sha256: sha256('something else') }] });
    await panel.click('approve-all');
    await expect.poll(() => panel.status()).toContain('was not approved: its bytes do not match the digest the extension gave for them');
    expect(await panel.postedCount('approve')).toBe(0);
    await panel.goToRow(0);
    await panel.page.keyboard.press('Enter');
    await expect.poll(() => panel.page.locator('#pending-detail .digest').innerText()).toContain('does NOT match');
  });
});

describe('discard', () => {
  it('discards the selected events by id after the user confirms, and shows the count as dropped', async () => {
    panel = await suite.open();
    const state = mixed();
    await panel.sendState(state);
    await panel.goToRow(7); // the second batch's first event
    await panel.page.keyboard.press(' ');
    await panel.page.keyboard.press('ArrowDown');
    await panel.page.keyboard.press(' ');
    await panel.click('discard-selected');
    expect(await panel.page.locator('#discard-question').innerText()).toBe('Discard 2 events for good? They will never be sent, and are counted as discarded in review.');
    // Focus is on the confirming button; Enter confirms.
    await panel.page.keyboard.press('Enter');
    const request = await panel.answer('discard', (requestId) => ({ type: 'result', requestId, ok: true, message: '2 events discarded.' }));
    expect(request.eventIds).toEqual(ids(state.pending[1]!.body).slice(0, 2));
    await expect.poll(() => panel.status()).toBe('2 events discarded.');
    expect(await panel.page.locator('#review-summary').innerText()).not.toContain('selected.');
  });

  it('posts nothing when the user cancels', async () => {
    panel = await suite.open();
    await panel.sendState(mixed());
    await panel.goToRow(1);
    await panel.page.keyboard.press(' ');
    await panel.click('discard-selected');
    await panel.click('discard-confirm-no');
    expect(await panel.page.locator('#discard-confirm').isHidden()).toBe(true);
    expect(await panel.postedCount('discard')).toBe(0);
  });
});

describe('other actions', () => {
  it('sends now, pauses and resumes, each by its own message', async () => {
    panel = await suite.open();
    const state = mixed();
    await panel.sendState(state);
    await panel.click('send-now');
    await panel.answer('sendNow', (requestId) => ({ type: 'result', requestId, ok: false, message: 'Nothing can be sent: the endpoint is not set.' }));
    await expect.poll(() => panel.status()).toBe('Nothing can be sent: the endpoint is not set.');
    expect(await panel.page.locator('#pending-status').getAttribute('class')).toContain('error');
    await panel.click('pause');
    await panel.waitForPosted('pause');
    await panel.sendState({ ...state, paused: true });
    expect(await panel.page.locator('#pause').innerText()).toBe('Resume sending');
    await panel.click('pause');
    await panel.waitForPosted('resume');
  });
});
