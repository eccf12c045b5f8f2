// Recent deliveries: when, where to, the outcome, bytes and events, and whether the endpoint confirmed it
// received exactly the bytes sent. Each can be opened to see those bytes again.
import type { Delivery, ViewState } from '../../../generated/types';
import { formatBytes, formatCount, formatTime } from '../model/format';
import type { AppPort } from '../port';
import { batchBytesView } from './batch-bytes';
import { button, el, fill } from './dom';

const OUTCOME: Record<Delivery['outcome'], string> = { delivered: 'Delivered', partial: 'Partly refused', refused: 'Refused' };

export class HistoryView {
  readonly element: HTMLElement;
  private readonly table = el('div', { class: 'history-table' });
  /** Says how the request went; the bytes themselves are not in a live region (they would be read out whole). */
  private readonly openedStatus = el('p', { id: 'history-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly opened = el('section', { id: 'history-bytes', class: 'detail', 'aria-label': 'Bytes of a delivered batch' });
  private signature = '';

  constructor(private readonly app: AppPort) {
    this.element = el('div', { class: 'history' }, el('h2', null, 'Recent deliveries'), this.table, this.openedStatus, this.opened);
  }

  update(state: ViewState): void {
    const signature = JSON.stringify(state.history);
    if (signature === this.signature) { return; }
    this.signature = signature;
    if (state.history.length === 0) { fill(this.table, el('p', { class: 'hint' }, 'Nothing has been delivered yet.')); return; }
    fill(this.table, el('table', { class: 'grid' },
      el('caption', null, `The last ${formatCount(state.history.length, 'delivery', 'deliveries')}, newest first`),
      el('thead', null, el('tr', null, ...['When', 'Where to', 'Outcome', 'Events', 'Bytes', 'Bytes confirmed', ''].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', null, ...state.history.map((d) => el('tr', { 'data-batch-id': d.batchId },
        el('td', { title: d.at }, formatTime(d.at)),
        el('td', null, d.endpoint),
        el('td', null, `${OUTCOME[d.outcome]}${d.httpStatus !== undefined ? ` (HTTP ${d.httpStatus})` : ''}`),
        el('td', null, `${d.eventCount}: ${d.accepted} stored, ${d.duplicates} already there, ${d.rejected} refused`),
        el('td', null, formatBytes(d.bytes)),
        el('td', null, d.bytesConfirmed ? 'Yes: the endpoint received exactly these bytes' : 'Not confirmed'),
        el('td', null, button('Show bytes', () => void this.openBatch(d), { secondary: true, 'aria-label': `Show the bytes of batch ${d.batchId}` })))))));
  }

  private async openBatch(d: Delivery): Promise<void> {
    this.openedStatus.classList.remove('error');
    this.openedStatus.textContent = `Asking for the bytes of batch ${d.batchId}…`;
    fill(this.opened);
    const answer = await this.app.request({ type: 'openBatch', batchId: d.batchId });
    if (answer.type === 'batchBytes' && answer.batchId === d.batchId) {
      this.openedStatus.textContent = `The bytes of batch ${d.batchId} are shown below.`;
      fill(this.opened, batchBytesView(answer.body, { heading: `Batch ${d.batchId}, as it was sent to ${d.endpoint}`, facts: [formatTime(d.at), OUTCOME[d.outcome]] }));
      (this.opened.querySelector('h3') as HTMLElement | null)?.focus();
    } else {
      this.openedStatus.classList.add('error');
      this.openedStatus.textContent = answer.type === 'result' ? answer.message : 'The extension answered with other bytes than asked for.';
    }
  }
}
