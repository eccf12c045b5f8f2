// What did not get through: events the endpoint refused, with its reason, and events dropped on this
// machine, counted by reason, each reason explained by the spec (generated/reason-codes.ts).
import { REASON_CODES } from '../../../generated/reason-codes';
import type { ReasonCode, ViewState } from '../../../generated/types';
import { formatCount, formatTime } from '../model/format';
import { el, fill } from './dom';

const reason = (code: string) => (Object.prototype.hasOwnProperty.call(REASON_CODES, code) ? REASON_CODES[code as ReasonCode].description : '');

export class ProblemsView {
  readonly element: HTMLElement;
  private readonly refused = el('section', { class: 'refused', 'aria-labelledby': 'refused-heading' });
  private readonly drops = el('section', { class: 'drops', 'aria-labelledby': 'drops-heading' });
  private signature = '';

  constructor() { this.element = el('div', { class: 'problems' }, this.refused, this.drops); }

  /** How many events are counted here (refused and dropped), for the tab's badge. */
  static count(state: ViewState): number {
    return state.rejected.length + Object.values(state.drops).reduce<number>((n, c) => n + (c ?? 0), 0);
  }

  update(state: ViewState): void {
    const signature = JSON.stringify([state.rejected, state.drops]);
    if (signature === this.signature) { return; }
    this.signature = signature;
    fill(this.refused, el('h2', { id: 'refused-heading' }, 'Refused by the endpoint'),
      state.rejected.length === 0 ? el('p', { class: 'hint' }, 'The endpoint has refused no event.') : el('table', { class: 'grid' },
        el('caption', null, `${formatCount(state.rejected.length, 'event')}, newest first`),
        el('thead', null, el('tr', null, ...['When', 'Event', 'Extension', 'Reason', "The endpoint's explanation", 'Event id'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', null, ...state.rejected.map((r) => el('tr', null,
          el('td', { title: r.at }, formatTime(r.at)), el('td', null, r.name), el('td', null, r.extension),
          el('td', null, el('code', null, r.code), el('div', { class: 'why' }, reason(r.code))),
          el('td', null, r.message), el('td', null, el('code', null, r.eventId)))))));
    const entries = Object.entries(state.drops).filter(([, n]) => (n ?? 0) > 0);
    fill(this.drops, el('h2', { id: 'drops-heading' }, 'Dropped on this machine'),
      entries.length === 0 ? el('p', { class: 'hint' }, 'No event has been dropped.') : el('table', { class: 'grid' },
        el('caption', null, `${formatCount(entries.reduce((n, [, c]) => n + (c ?? 0), 0), 'event')} dropped, by reason`),
        el('thead', null, el('tr', null, ...['Reason', 'Events', 'What it means'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', null, ...entries.map(([code, n]) => el('tr', { 'data-code': code },
          el('td', null, el('code', null, code)), el('td', null, String(n)), el('td', null, reason(code)))))));
  }
}
