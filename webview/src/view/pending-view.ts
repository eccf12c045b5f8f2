// The pending events, exactly as they will leave: one row per event (its bytes as they stand in its
// batch), grouped and filtered, with totals, review actions, and beside the list the open event's exact
// bytes and what each of its fields means.
import type { EventCatalogue, ViewState } from '../../../generated/types';
import { sha256Hex } from '../model/digest';
import { explainEvent } from '../model/explain';
import { applyFilter, type Filter } from '../model/filter';
import { formatBytes, formatCount, formatTime } from '../model/format';
import { PendingIndex, type PendingEvent, type ReadBatch } from '../model/pending-index';
import { buildRows, type GroupBy, type GroupRow, type Row, shownTotals, totals } from '../model/rows';
import { awaitsReview, discardIds, planApproval, whollySelectedBatches } from '../model/review';
import type { AppPort } from '../port';
import { batchBytesView } from './batch-bytes';
import { button, el, fill } from './dom';
import { explanationTable } from './field-table';
import { PendingToolbar } from './pending-toolbar';
import { ReviewBar } from './review-bar';
import { WindowedList } from './windowed-list';

export const ROW_HEIGHT = 24;
/** A row shows the start of the event's bytes; the whole of them is in the detail pane. */
const ROW_PREVIEW_CHARS = 160;

const STATUS_TEXT: Record<string, string> = { collecting: 'collecting', awaitingReview: 'awaiting review', ready: 'ready to send', retrying: 'retrying' };

export interface PendingSaved { readonly filter: Filter; readonly groupBy: GroupBy }

export class PendingView {
  readonly element: HTMLElement;
  private readonly index = new PendingIndex();
  private readonly list: WindowedList<Row>;
  private readonly toolbar: PendingToolbar;
  private readonly review: ReviewBar;
  /** Not a live region, for the same reason as the header: it changes with every event queued or sent. */
  private readonly totalsLine = el('p', { id: 'pending-totals', class: 'totals' });
  private readonly actionsLine: HTMLElement;
  private readonly pauseButton: HTMLElement;
  private readonly detail = el('section', { id: 'pending-detail', class: 'detail', 'aria-label': 'Details of the open row' });
  private selected = new Set<string>();
  private filter: Filter;
  private groupBy: GroupBy;
  private rows: Row[] = [];
  private catalogues: readonly EventCatalogue[] = [];
  private state: ViewState | undefined;
  /** The row shown in the detail pane, by key, whether its batch's bytes are open, and what was drawn. */
  private open: { key: string; batchBytes: boolean; drawn: string } | undefined;
  private cataloguesSignature = '';

  constructor(private readonly app: AppPort, saved: PendingSaved, private readonly onSavedChange: (s: PendingSaved) => void) {
    this.filter = saved.filter;
    this.groupBy = saved.groupBy;
    this.toolbar = new PendingToolbar(saved, (filter, groupBy) => { this.filter = filter; this.groupBy = groupBy; this.onSavedChange({ filter, groupBy }); this.recompute(); });
    this.review = new ReviewBar({
      approveAll: () => void this.approve(this.index.batches.filter(awaitsReview)),
      approveSelected: () => void this.approve(whollySelectedBatches(this.index, this.selected).whole),
      discardSelected: () => this.discardSelected(),
      clearSelection: () => { this.selected.clear(); this.selectionChanged(); },
    });
    this.list = new WindowedList<Row>({
      id: 'pending-list',
      label: 'Pending events',
      rowHeight: ROW_HEIGHT,
      render: (row, item) => this.renderRow(row, item),
      describe: (item) => this.describe(item),
      isSelected: (item) => (item.type === 'event' ? this.selected.has(item.key) : item.events.every((e) => this.selected.has(e.key))),
      onToggle: (item) => this.toggle(item),
      onActive: (item) => { if (item) { this.showDetail(item.key, false); } },
      onOpen: (item) => { this.showDetail(item.key, item.type === 'group' && item.groupBy === 'batch'); this.focusDetail(); },
      onSelectAll: () => { for (const r of this.rows) { if (r.type === 'event') { this.selected.add(r.key); } } this.selectionChanged(); },
    });
    this.pauseButton = button('Pause sending', () => void this.act(this.state?.paused ? { type: 'resume' } : { type: 'pause' }), { id: 'pause', secondary: true });
    this.actionsLine = el('div', { class: 'actions' },
      button('Send now', () => void this.act({ type: 'sendNow' }), { id: 'send-now', secondary: true }), this.pauseButton);
    this.element = el('div', { class: 'pending' },
      el('div', { class: 'pending-head' }, this.totalsLine, this.actionsLine),
      this.review.status,
      this.toolbar.element,
      this.review.element,
      el('div', { class: 'pending-body' }, this.list.element, this.detail));
    fill(this.detail, el('p', { class: 'hint' }, 'Choose an event to see its exact bytes and what each field means. Arrow keys move, Space selects, Enter opens.'));
  }

  update(state: ViewState): void {
    this.state = state;
    this.catalogues = state.catalogues;
    this.cataloguesSignature = JSON.stringify(state.catalogues);
    this.index.update(state.pending);
    const present = new Set(this.index.events.map((e) => e.key));
    for (const k of this.selected) { if (!present.has(k)) { this.selected.delete(k); } }
    this.toolbar.update(this.index.events);
    this.pauseButton.textContent = state.paused ? 'Resume sending' : 'Pause sending';
    this.recompute();
  }

  private recompute(): void {
    const shown = applyFilter(this.index.events, this.filter);
    const activeKey = this.list.activeItem?.key;
    this.rows = buildRows(shown, this.groupBy, this.index);
    const keep = activeKey === undefined ? -1 : this.rows.findIndex((r) => r.key === activeKey);
    this.list.setItems(this.rows, keep >= 0 ? keep : undefined);
    const all = totals(this.index);
    const s = shownTotals(shown);
    this.totalsLine.textContent = `${formatCount(all.events, 'event')} pending in ${formatCount(all.batches, 'batch', 'batches')}: ${formatBytes(all.bytes)} to send.`
      + (s.events !== all.events ? ` Showing ${formatCount(s.events, 'event')} (${formatBytes(s.bytes)}).` : '');
    this.review.update(this.index, this.selected, this.state?.reviewBeforeSend ?? false);
    if (this.open) { this.showDetail(this.open.key, this.open.batchBytes); }
  }

  /** What the detail pane would draw for a row, so that a live update redraws it (and loses its scroll and focus) only when that changed. */
  private detailSignature(key: string, batchBytes: boolean): string {
    const event = this.index.events.find((e) => e.key === key);
    const batch = this.index.batch(event?.batchId ?? key.replace(/^group:batch:/, ''));
    return [event ? event.text : key, batchBytes && batch ? `${batch.batch.status}|${batch.batch.sha256}|${batch.batch.body}` : batch?.batch.status ?? '',
      this.rows.find((r) => r.key === key)?.type === 'group' ? this.groupLabel(this.rows.find((r) => r.key === key) as GroupRow) : '',
      this.cataloguesSignature].join('\u0000');
  }

  private selectionChanged(): void {
    this.list.refresh();
    this.review.update(this.index, this.selected, this.state?.reviewBeforeSend ?? false);
  }

  private toggle(item: Row): void {
    const events = item.type === 'event' ? [item.event] : item.events;
    const on = !events.every((e) => this.selected.has(e.key));
    for (const e of events) { if (on) { this.selected.add(e.key); } else { this.selected.delete(e.key); } }
    this.selectionChanged();
  }

  private groupLabel(g: GroupRow): string {
    const size = `${formatCount(g.events.length, 'event')} · ${formatBytes(g.bytes)}`;
    if (g.groupBy !== 'batch') { return `${g.value} · ${size}`; }
    const b = this.index.batch(g.value)?.batch;
    const retry = b?.status === 'retrying' ? ` · next attempt ${b.nextAttemptAt ? formatTime(b.nextAttemptAt) : 'soon'}${b.lastError ? ` (${b.lastError})` : ''}` : '';
    return `Batch ${g.value} · ${STATUS_TEXT[b?.status ?? ''] ?? b?.status} · ${size}${retry}`;
  }

  private describe(item: Row): string {
    if (item.type === 'group') { return this.groupLabel(item); }
    const e = item.event;
    return `${e.name}, ${e.kind} event from ${e.extension}, ${formatBytes(e.bytes)}`;
  }

  /**
   * Fills a row of the list. A row element is reused as the list scrolls, so its cells are made once per
   * shape (event or group) and afterwards only their text changes.
   */
  private renderRow(row: HTMLElement, item: Row): void {
    if (row.dataset.shape !== item.type) {
      row.dataset.shape = item.type;
      row.classList.toggle('group', item.type === 'group');
      row.classList.toggle('event', item.type === 'event');
      fill(row, ...(item.type === 'group'
        ? [el('span', { class: 'check', 'aria-hidden': 'true' }), el('span', { class: 'group-label' })]
        : [el('span', { class: 'check', 'aria-hidden': 'true' }), el('span', { class: 'name' }), el('span', { class: 'kind' }), el('span', { class: 'ext' }), el('span', { class: 'size' }), el('code', { class: 'preview' })]));
    }
    const cells = row.children;
    if (item.type === 'group') { cells[1]!.textContent = this.groupLabel(item); return; }
    const e = item.event;
    cells[1]!.textContent = e.name;
    cells[2]!.textContent = e.kind;
    cells[2]!.className = `kind kind-${e.kind}`;
    cells[3]!.textContent = e.extension;
    cells[4]!.textContent = formatBytes(e.bytes);
    cells[5]!.textContent = e.text.length > ROW_PREVIEW_CHARS ? `${e.text.slice(0, ROW_PREVIEW_CHARS)}…` : e.text;
  }

  private showDetail(key: string, batchBytes: boolean): void {
    const drawn = this.detailSignature(key, batchBytes);
    if (this.open && this.open.key === key && this.open.batchBytes === batchBytes && this.open.drawn === drawn) { return; }
    this.open = { key, batchBytes, drawn };
    const row = this.rows.find((r) => r.key === key);
    const event = row?.type === 'event' ? row.event : this.index.events.find((e) => e.key === key);
    if (event) { fill(this.detail, ...this.eventDetail(event, batchBytes)); return; }
    if (row?.type === 'group') { fill(this.detail, ...this.groupDetail(row, batchBytes)); return; }
    fill(this.detail, el('p', { class: 'hint' }, 'That event is no longer pending: it was sent, discarded or dropped.'));
  }

  private focusDetail(): void { (this.detail.querySelector('h2, h3') as HTMLElement | null)?.focus(); }

  private batchSection(b: ReadBatch): HTMLElement {
    return batchBytesView(b.batch.body, {
      heading: `Batch ${b.batch.batchId}: its exact bytes, as they will be sent`,
      facts: [STATUS_TEXT[b.batch.status] ?? b.batch.status, formatCount(b.events.length, 'event')],
      givenDigest: b.batch.sha256,
    });
  }

  private eventDetail(e: PendingEvent, withBatch: boolean): Node[] {
    const b = this.index.batch(e.batchId);
    const showBatch = button(withBatch ? 'Hide the whole batch' : 'Show the whole batch', () => { this.showDetail(e.key, !withBatch); this.focusDetail(); }, { id: 'toggle-batch-bytes', secondary: true });
    return [
      el('h2', { tabindex: -1 }, e.name),
      el('p', { class: 'facts' }, `${e.kind} event from ${e.extension} · event ${e.index + 1} of ${b?.events.length ?? '?'} in batch ${e.batchId} (${STATUS_TEXT[b?.batch.status ?? ''] ?? ''}) · ${formatBytes(e.bytes)}`),
      el('h3', null, 'Its exact bytes, as they stand in the batch'),
      el('pre', { class: 'bytes', id: 'event-bytes', tabindex: 0, 'aria-label': 'Exact bytes of this event' }, e.text),
      explanationTable(explainEvent(e.value, this.catalogues), 'What each field means'),
      showBatch,
      withBatch && b ? this.batchSection(b) : null,
    ].filter((n): n is HTMLElement => n !== null);
  }

  private groupDetail(g: GroupRow, withBatch: boolean): Node[] {
    const b = g.groupBy === 'batch' ? this.index.batch(g.value) : undefined;
    return [
      el('h2', { tabindex: -1 }, this.groupLabel(g)),
      b && !b.layout.ok ? el('p', { class: 'note' }, `${b.layout.problem} Its bytes are shown whole.`) : null,
      b && !withBatch ? button('Show its exact bytes', () => { this.showDetail(g.key, true); this.focusDetail(); }, { id: 'toggle-batch-bytes', secondary: true }) : null,
      b && withBatch ? this.batchSection(b) : null,
    ].filter((n): n is HTMLElement => n !== null);
  }

  private async approve(batches: ReadBatch[]): Promise<void> {
    const plan = await planApproval(batches, sha256Hex);
    const skipped = plan.skipped.map((s) => `Batch ${s.batchId} was not approved: ${s.reason}.`).join(' ');
    if (plan.approve.length === 0) { this.review.say(skipped || 'Nothing to approve.', false); return; }
    this.review.say(`Approving ${formatCount(plan.approve.length, 'batch', 'batches')}…`);
    const answer = await this.app.request({ type: 'approve', batches: plan.approve as never });
    this.review.say([answer.type === 'result' ? answer.message : '', skipped].filter(Boolean).join(' '), answer.type === 'result' && answer.ok);
  }

  private discardSelected(): void {
    const events = this.index.events.filter((e) => this.selected.has(e.key));
    if (events.length === 0) { return; }
    this.review.askDiscard(events.length, () => void this.discard(events));
  }

  private async discard(events: PendingEvent[]): Promise<void> {
    const { chunks, unnamed } = discardIds(events);
    const messages: string[] = [];
    let ok = true;
    for (const ids of chunks) {
      const answer = await this.app.request({ type: 'discard', eventIds: ids as never });
      if (answer.type === 'result') { messages.push(answer.message); ok &&= answer.ok; }
    }
    if (unnamed > 0) { messages.push(`${formatCount(unnamed, 'event')} without a valid id could not be named, and were not discarded.`); ok = false; }
    this.selected.clear();
    this.selectionChanged();
    this.review.say(messages.join(' '), ok);
  }

  private async act(action: { type: 'sendNow' | 'pause' | 'resume' }): Promise<void> {
    const answer = await this.app.request(action);
    this.review.say(answer.type === 'result' ? answer.message : '', answer.type === 'result' && answer.ok);
  }
}
