// The extension's side of the panel, with fakes for the pipeline, the editor and the webview: valid
// messages reach the model, DataRights or the editor and are answered; hostile ones are refused, logged
// and change nothing; states are posted when ready, visible, and at most once per interval.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ActionResult, DataRights, PanelModel } from '../../../extension/core/view/panel-model';
import { type EditorActions, PanelSession, type Timers } from '../../../extension/host/panel/panel-session';
import type { BatchDigest, DeletionReceipt, ToWebviewMessage, ViewState } from '../../../generated/types';
import { viewState } from '../../fixtures/panel-state';

const BATCH = '01936d3c-6b10-7c2d-8e4f-5a6b7c8d9e0f';
const DIGEST = 'ab'.repeat(32);

class FakeModel implements PanelModel {
  calls: unknown[][] = [];
  state: ViewState = viewState({ batches: 1, eventsPerBatch: 2 });
  listeners: (() => void)[] = [];
  bytes: string | undefined = '{"events":[]}';
  fail = false;
  snapshot() { this.calls.push(['snapshot']); return this.state; }
  onDidChange(l: () => void) { this.listeners.push(l); return { dispose() {} }; }
  private done(name: string, ...args: unknown[]): Promise<ActionResult> {
    this.calls.push([name, ...args]);
    return this.fail ? Promise.reject(new Error('disk full')) : Promise.resolve({ ok: true, message: `${name} done` });
  }
  approve(b: readonly BatchDigest[]) { return this.done('approve', b); }
  discard(ids: readonly string[]) { return this.done('discard', ids); }
  sendNow() { return this.done('sendNow'); }
  setPaused(p: boolean) { return this.done('setPaused', p); }
  async deliveredBytes(id: string) { this.calls.push(['deliveredBytes', id]); return this.bytes; }
}

const receipt: DeletionReceipt = { receiptId: '01936d5a-0c1e-7f2a-9b3c-4d5e6f708192', installationId: '3f1c2b9e-8d7a-4e6f-b5c4-a3d2e1f0c9b8', deletedEvents: 12, deletedAt: '2026-11-29T19:05:00.000Z' };

class FakeRights implements DataRights {
  calls: string[] = [];
  receipts: DeletionReceipt[] = [receipt];
  async exportAll() { this.calls.push('exportAll'); return { json: '{"everything":true}', summary: '12 events.' }; }
  async deleteAll() { this.calls.push('deleteAll'); return { ok: true, message: 'Deleted.', receipts: this.receipts }; }
}

class FakeEditor implements EditorActions {
  calls: unknown[][] = [];
  written: string[] = [];
  confirm = true;
  target = true;
  async setCandorEnabled(on: boolean) { this.calls.push(['setCandorEnabled', on]); }
  async openSettings() { this.calls.push(['openSettings']); }
  async chooseExportTarget() { this.calls.push(['chooseExportTarget']); return this.target ? { label: '/tmp/out.json', write: async (j: string) => { this.written.push(j); } } : undefined; }
  async confirmDelete() { this.calls.push(['confirmDelete']); return this.confirm; }
}

class FakeTimers implements Timers {
  t = 1000;
  queue: { at: number; fn: () => void; id: number }[] = [];
  private id = 0;
  set(fn: () => void, ms: number) { const id = ++this.id; this.queue.push({ at: this.t + ms, fn, id }); return id; }
  clear(h: unknown) { this.queue = this.queue.filter((q) => q.id !== h); }
  now() { return this.t; }
  advance(ms: number) { this.t += ms; const due = this.queue.filter((q) => q.at <= this.t); this.queue = this.queue.filter((q) => q.at > this.t); for (const q of due) { q.fn(); } }
}

let model: FakeModel, rights: FakeRights, editor: FakeEditor, timers: FakeTimers, posted: ToWebviewMessage[], logs: string[], port: { visible: boolean; post(m: ToWebviewMessage): void };
let session: PanelSession;

beforeEach(() => {
  model = new FakeModel(); rights = new FakeRights(); editor = new FakeEditor(); timers = new FakeTimers(); posted = []; logs = [];
  port = { visible: true, post: (m) => { posted.push(m); } };
  session = new PanelSession({ model, rights: async () => rights, editor, port, log: (l) => logs.push(l), timers, minIntervalMs: 100 });
});

const answer = () => posted.at(-1) as Extract<ToWebviewMessage, { type: 'result' }>;

describe('ready and state', () => {
  it('posts the state when the webview is ready, then the view a command asked for', async () => {
    session.show('consent');
    expect(posted).toEqual([]);
    await session.receive({ type: 'ready' });
    expect(posted).toEqual([{ type: 'state', state: model.state }, { type: 'show', view: 'consent' }]);
    session.show('pending');
    expect(posted.at(-1)).toEqual({ type: 'show', view: 'pending' });
  });

  it('folds changes within the interval into one state, and posts none while hidden', async () => {
    await session.receive({ type: 'ready' });
    timers.advance(500);
    session.modelChanged();
    expect(posted.filter((m) => m.type === 'state')).toHaveLength(2);
    session.modelChanged(); session.modelChanged(); session.modelChanged();
    expect(posted.filter((m) => m.type === 'state')).toHaveLength(2);
    timers.advance(100);
    expect(posted.filter((m) => m.type === 'state')).toHaveLength(3);
    port.visible = false;
    session.modelChanged();
    timers.advance(1000);
    expect(posted.filter((m) => m.type === 'state')).toHaveLength(3);
    port.visible = true;
    session.visibilityChanged();
    expect(posted.filter((m) => m.type === 'state')).toHaveLength(4);
  });

  it('waits for the reloaded webview to be ready again', async () => {
    await session.receive({ type: 'ready' });
    session.webviewReloaded();
    timers.advance(500);
    session.modelChanged();
    expect(posted.filter((m) => m.type === 'state')).toHaveLength(1);
    await session.receive({ type: 'ready' });
    expect(posted.filter((m) => m.type === 'state')).toHaveLength(2);
  });
});

describe('actions', () => {
  it('approves exactly the batches and digests the panel sent, and answers with the request id', async () => {
    await session.receive({ type: 'approve', requestId: 'r1', batches: [{ batchId: BATCH, sha256: DIGEST }] });
    expect(model.calls).toEqual([['approve', [{ batchId: BATCH, sha256: DIGEST }]]]);
    expect(answer()).toEqual({ type: 'result', requestId: 'r1', ok: true, message: 'approve done' });
  });

  it('discards, sends now, pauses and resumes through the model', async () => {
    await session.receive({ type: 'discard', requestId: 'r2', eventIds: [BATCH] });
    await session.receive({ type: 'sendNow', requestId: 'r3' });
    await session.receive({ type: 'pause', requestId: 'r4' });
    await session.receive({ type: 'resume', requestId: 'r5' });
    expect(model.calls).toEqual([['discard', [BATCH]], ['sendNow'], ['setPaused', true], ['setPaused', false]]);
    expect(posted.map((m) => m.type === 'result' && m.requestId)).toEqual(['r2', 'r3', 'r4', 'r5']);
  });

  it('answers openBatch with the delivered bytes, or says they are gone', async () => {
    await session.receive({ type: 'openBatch', requestId: 'r6', batchId: BATCH });
    expect(posted.at(-1)).toEqual({ type: 'batchBytes', requestId: 'r6', batchId: BATCH, body: '{"events":[]}' });
    model.bytes = undefined;
    await session.receive({ type: 'openBatch', requestId: 'r7', batchId: BATCH });
    expect(answer()).toMatchObject({ requestId: 'r7', ok: false, message: `The bytes of batch ${BATCH} are no longer kept.` });
  });

  it('will not post a delivered batch larger than the panel accepts', async () => {
    model.bytes = 'x'.repeat(1_048_577);
    await session.receive({ type: 'openBatch', requestId: 'r8', batchId: BATCH });
    expect(answer()).toMatchObject({ type: 'result', requestId: 'r8', ok: false, message: `Batch ${BATCH} is too large to show here.` });
  });

  it('opts in and out through the setting, and opens the settings', async () => {
    await session.receive({ type: 'optIn', requestId: 'a' });
    await session.receive({ type: 'optOut', requestId: 'b' });
    await session.receive({ type: 'openSettings', requestId: 'c' });
    expect(editor.calls).toEqual([['setCandorEnabled', true], ['setCandorEnabled', false], ['openSettings']]);
  });

  it('exports to the file the user chose, and exports nothing when the dialog is cancelled', async () => {
    await session.receive({ type: 'exportData', requestId: 'e1' });
    expect(editor.written).toEqual(['{"everything":true}']);
    expect(answer()).toEqual({ type: 'result', requestId: 'e1', ok: true, message: 'Saved to /tmp/out.json. 12 events.' });
    editor.target = false;
    await session.receive({ type: 'exportData', requestId: 'e2' });
    expect(rights.calls).toEqual(['exportAll']);
    expect(answer()).toMatchObject({ requestId: 'e2', ok: false });
  });

  it('deletes only after the user confirms, and returns every receipt', async () => {
    editor.confirm = false;
    await session.receive({ type: 'deleteData', requestId: 'd1' });
    expect(rights.calls).toEqual([]);
    expect(answer()).toEqual({ type: 'result', requestId: 'd1', ok: false, message: 'Nothing was deleted.' });
    editor.confirm = true;
    rights.receipts = [receipt, { ...receipt, receiptId: '01936d5a-0c1e-7f2a-9b3c-4d5e6f708193' }];
    await session.receive({ type: 'deleteData', requestId: 'd2' });
    expect(answer()).toEqual({ type: 'result', requestId: 'd2', ok: true, message: 'Deleted.', receipts: rights.receipts });
  });

  it('sends at most the 256 receipts the message allows, and logs the rest', async () => {
    rights.receipts = Array.from({ length: 300 }, (_, i) => ({ ...receipt, deletedEvents: i }));
    await session.receive({ type: 'deleteData', requestId: 'd3' });
    const r = answer();
    expect(r.receipts).toHaveLength(256);
    expect(r.message).toBe('Deleted. (44 more receipts are in the log)');
    expect(logs[0]).toContain('"deletedEvents":299');
  });

  it('runs one export or deletion at a time, whatever the panel sends', async () => {
    const first = session.receive({ type: 'deleteData', requestId: 'd1' });
    await session.receive({ type: 'deleteData', requestId: 'd2' });
    await first;
    expect(rights.calls).toEqual(['deleteAll']);
    expect(posted.map((m) => m.type === 'result' && [m.requestId, m.ok])).toEqual([['d2', false], ['d1', true]]);
  });

  it('answers a failure of the pipeline with its reason, and logs it', async () => {
    model.fail = true;
    await session.receive({ type: 'sendNow', requestId: 'f1' });
    expect(answer()).toEqual({ type: 'result', requestId: 'f1', ok: false, message: 'That did not work: disk full' });
    expect(logs).toEqual(["The panel's sendNow failed: disk full"]);
  });
});

describe('hostile messages from the webview', () => {
  const hostile: [string, unknown][] = [
    ['an unknown type', { type: 'runCommand', requestId: 'x', command: 'workbench.action.terminal.new' }],
    ['a missing field', { type: 'approve', requestId: 'x' }],
    ['a wrong digest', { type: 'approve', requestId: 'x', batches: [{ batchId: BATCH, sha256: 'not hex' }] }],
    ['an extra member', { type: 'deleteData', requestId: 'x', force: true }],
    ['a huge payload', { type: 'discard', requestId: 'x', eventIds: Array(3_000_000).fill(BATCH) }],
    ['a huge string', { type: 'openBatch', requestId: 'x'.repeat(5_000_000), batchId: BATCH }],
    ['not an object', 'deleteData'],
    ['null', null],
    ['a prototype key', JSON.parse('{"type":"optIn","requestId":"x","__proto__":{"polluted":true}}')],
  ];

  it.each(hostile)('refuses %s: logged, no effect, no answer', async (_name, data) => {
    await session.receive(data);
    expect(model.calls).toEqual([]);
    expect(rights.calls).toEqual([]);
    expect(editor.calls).toEqual([]);
    expect(posted).toEqual([]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^Refused a message from the panel of type .*It was not acted on\.$/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
