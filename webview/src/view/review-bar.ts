// Review before send: approve all, approve the selected batches, discard the selected events (after a
// confirmation in the panel, since a discard is final). Says how many batches await review and, after
// each action, what the extension answered.
import { formatCount } from '../model/format';
import type { PendingIndex } from '../model/pending-index';
import { awaitsReview, whollySelectedBatches } from '../model/review';
import { button, el, fill, setDisabled } from './dom';

export interface ReviewActions {
  approveAll(): void;
  approveSelected(): void;
  discardSelected(): void;
  clearSelection(): void;
}

export class ReviewBar {
  readonly element: HTMLElement;
  private readonly summary = el('p', { id: 'review-summary', class: 'review-summary' });
  private readonly approveAllButton: HTMLElement;
  private readonly approveSelectedButton: HTMLElement;
  private readonly discardButton: HTMLElement;
  private readonly clearButton: HTMLElement;
  private readonly confirm = el('div', { id: 'discard-confirm', class: 'confirm', role: 'alertdialog', 'aria-modal': 'false', 'aria-labelledby': 'discard-question', hidden: true });
  /** What the extension answered to the last action; placed by the view where it is always visible. */
  readonly status = el('p', { id: 'pending-status', class: 'status', role: 'status', 'aria-live': 'polite' });

  constructor(private readonly actions: ReviewActions) {
    this.approveAllButton = button('Approve all', () => actions.approveAll(), { id: 'approve-all' });
    this.approveSelectedButton = button('Approve selected', () => actions.approveSelected(), { id: 'approve-selected' });
    this.discardButton = button('Discard selected…', () => actions.discardSelected(), { id: 'discard-selected', secondary: true });
    this.clearButton = button('Clear selection', () => actions.clearSelection(), { id: 'clear-selection', secondary: true });
    this.element = el('section', { class: 'review', 'aria-label': 'Review before send' },
      this.summary,
      el('div', { class: 'actions' }, this.approveAllButton, this.approveSelectedButton, this.discardButton, this.clearButton),
      this.confirm);
  }

  update(index: PendingIndex, selected: ReadonlySet<string>, reviewBeforeSend: boolean): void {
    const awaiting = index.batches.filter(awaitsReview);
    const { whole, partial } = whollySelectedBatches(index, selected);
    const approvable = whole.filter(awaitsReview);
    const events = awaiting.reduce((n, b) => n + b.events.length, 0);
    this.element.hidden = !reviewBeforeSend && awaiting.length === 0;
    const parts = [
      reviewBeforeSend ? 'Review before send is on: nothing leaves until you approve it.' : 'Some batches await your review.',
      awaiting.length > 0 ? `${formatCount(awaiting.length, 'batch', 'batches')} (${formatCount(events, 'event')}) await your approval.` : 'Nothing awaits your approval.',
      selected.size > 0 ? `${formatCount(selected.size, 'event')} selected.` : '',
      partial.length > 0 ? `${formatCount(partial.length, 'batch', 'batches')} partly selected: an approval covers a whole batch, so select all of its events (its header row) to approve it.` : '',
    ];
    this.summary.textContent = parts.filter(Boolean).join(' ');
    this.approveAllButton.textContent = awaiting.length > 0 ? `Approve all (${formatCount(awaiting.length, 'batch', 'batches')})` : 'Approve all';
    this.approveSelectedButton.textContent = approvable.length > 0 ? `Approve selected (${formatCount(approvable.length, 'batch', 'batches')})` : 'Approve selected';
    this.discardButton.textContent = selected.size > 0 ? `Discard selected (${formatCount(selected.size, 'event')})…` : 'Discard selected…';
    setDisabled(this.approveAllButton, awaiting.length === 0);
    setDisabled(this.approveSelectedButton, approvable.length === 0);
    setDisabled(this.discardButton, selected.size === 0);
    setDisabled(this.clearButton, selected.size === 0);
  }

  /** Asks, in the panel, whether to discard; `yes` runs only on the confirming button. */
  askDiscard(count: number, yes: () => void): void {
    const close = () => { this.confirm.hidden = true; this.confirm.replaceChildren(); this.discardButton.focus(); };
    const confirmButton = button('Discard for good', () => { close(); yes(); }, { id: 'discard-confirm-yes' });
    fill(this.confirm,
      el('p', { id: 'discard-question' }, `Discard ${formatCount(count, 'event')} for good? They will never be sent, and are counted as discarded in review.`),
      confirmButton, button('Cancel', close, { id: 'discard-confirm-no', secondary: true }));
    this.confirm.hidden = false;
    // A new Lit element renders in a microtask; focus it once it has.
    void Promise.resolve((confirmButton as { updateComplete?: Promise<unknown> }).updateComplete).then(() => confirmButton.focus());
  }

  say(text: string, ok = true): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', !ok);
  }
}
