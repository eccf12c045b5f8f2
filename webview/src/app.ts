// The panel: four views in tabs, fed by the extension's messages. Every message is checked against the
// to-webview schema first; one that fails is refused and logged, never shown. Actions go out through the
// host with a request id, and the answer with that id settles them.
import type { ToWebviewMessage, ViewState } from '../../generated/types';
import { checkToWebview } from '../../protocol/to-webview';
import { refusalLine } from '../../protocol/webview-messages';
import { NO_FILTER, type Filter } from './model/filter';
import { formatCount } from './model/format';
import { GROUPINGS, type GroupBy } from './model/rows';
import type { Host } from './host';
import type { Action, Answer, AppPort } from './port';
import { el, fill } from './view/dom';
import { ConsentView } from './view/consent-view';
import { HistoryView } from './view/history-view';
import { PendingView } from './view/pending-view';
import { ProblemsView } from './view/problems-view';

export const VIEWS = ['pending', 'history', 'problems', 'consent'] as const;
export type View = (typeof VIEWS)[number];
const TITLES: Record<View, string> = { pending: 'Pending', history: 'History', problems: 'Refused and dropped', consent: 'Consent and your data' };

interface Saved { view: View; filter: Filter; groupBy: GroupBy }

/** What the panel saved last time, if it is usable: it comes back from the editor, but may be from an older version. */
function readSaved(raw: unknown): Saved {
  const s = (raw !== null && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof Saved, unknown>>;
  const f = (s.filter !== null && typeof s.filter === 'object' ? s.filter : {}) as Partial<Record<keyof Filter, unknown>>;
  const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 256) : '');
  return {
    view: (VIEWS as readonly unknown[]).includes(s.view) ? s.view as View : 'pending',
    filter: { ...NO_FILTER, extension: text(f.extension), kind: text(f.kind), name: text(f.name), search: text(f.search) },
    groupBy: (GROUPINGS as readonly unknown[]).includes(s.groupBy) ? s.groupBy as GroupBy : 'batch',
  };
}

export class App implements AppPort {
  private readonly tabs: HTMLElement & { selectedIndex: number };
  private readonly badges: Record<View, HTMLElement>;
  /** Not a live region: it changes with every state, and a screen reader would read it out each time. */
  private readonly header = el('header', { class: 'summary' }, 'Waiting for Candor…');
  private readonly pending: PendingView;
  private readonly history: HistoryView;
  private readonly problems = new ProblemsView();
  private readonly consent: ConsentView;
  private readonly waiting = new Map<string, (answer: Answer) => void>();
  private nextRequest = 0;
  private saved: Saved;
  /** How many messages were refused, and how many states shown: the tests read them from the page. */
  refused = 0;
  generation = 0;

  constructor(private readonly root: HTMLElement, private readonly host: Host) {
    this.saved = readSaved(host.savedState());
    this.pending = new PendingView(this, this.saved, (s) => this.save({ ...this.saved, ...s }));
    this.history = new HistoryView(this);
    this.consent = new ConsentView(this);
    const views: Record<View, HTMLElement> = { pending: this.pending.element, history: this.history.element, problems: this.problems.element, consent: this.consent.element };
    this.badges = Object.fromEntries(VIEWS.map((v) => [v, el('vscode-badge', { variant: 'counter', hidden: true }) as HTMLElement])) as Record<View, HTMLElement>;
    this.tabs = el('vscode-tabs', { 'selected-index': VIEWS.indexOf(this.saved.view) },
      ...VIEWS.flatMap((v) => [
        // vscode-tabs gives headers and panels ids of its own, so they are found by data-view.
        el('vscode-tab-header', { slot: 'header', 'data-view': v }, TITLES[v], ' ', this.badges[v]),
        el('vscode-tab-panel', { 'data-view': v }, views[v])])) as never;
    this.tabs.addEventListener('vsc-tabs-select', (e) => {
      const view = VIEWS[(e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex];
      if (view) { this.save({ ...this.saved, view }); }
    });
    fill(root, this.header, this.tabs);
    root.removeAttribute('aria-busy');
    host.onMessage((data) => this.receive(data));
    host.post({ type: 'ready' });
  }

  receive(data: unknown): void {
    const checked = checkToWebview(data);
    if (!checked.ok) {
      this.refused++;
      this.root.dataset.refused = String(this.refused);
      console.warn(refusalLine('the extension', checked));
      return;
    }
    const message: ToWebviewMessage = checked.message;
    switch (message.type) {
      case 'state': this.show(message.state); break;
      case 'show': this.select(message.view); break;
      case 'result':
      case 'batchBytes': {
        const settle = this.waiting.get(message.requestId);
        if (!settle) { console.warn(`An answer to request ${message.requestId}, which this panel did not make (or was already answered), was ignored.`); return; }
        this.waiting.delete(message.requestId);
        settle(message);
      }
    }
  }

  request(action: Action): Promise<Answer> {
    const requestId = `r${++this.nextRequest}`;
    return new Promise((resolve) => {
      this.waiting.set(requestId, resolve);
      if (!this.host.post({ ...action, requestId } as never)) {
        this.waiting.delete(requestId);
        resolve({ type: 'result', requestId, ok: false, message: 'The panel could not send this request.' });
      }
    });
  }

  select(view: View): void {
    this.tabs.selectedIndex = VIEWS.indexOf(view);
    this.save({ ...this.saved, view });
  }

  private show(state: ViewState): void {
    this.pending.update(state);
    this.history.update(state);
    this.problems.update(state);
    this.consent.update(state);
    const pendingEvents = state.pending.reduce((n, b) => n + b.eventCount, 0);
    this.badge('pending', pendingEvents);
    this.badge('problems', ProblemsView.count(state));
    this.header.textContent = `${state.consent.explanation}${state.paused ? ' Sending is paused.' : ''}${state.reviewBeforeSend ? ` Review before send is on: ${formatCount(state.pending.filter((b) => b.status === 'awaitingReview').length, 'batch', 'batches')} await your approval.` : ''}`;
    this.generation++;
    this.root.dataset.generation = String(this.generation);
  }

  private badge(view: View, n: number): void {
    this.badges[view].textContent = n > 0 ? n.toLocaleString('en-US') : '';
    this.badges[view].hidden = n === 0;
  }

  private save(s: Saved): void {
    this.saved = s;
    this.host.saveState(s);
  }
}
