// The consent screen. Whether Candor sends now and which setting stops it; what it collects and what it
// never collects, all generated from the spec (field docs, privacy classes, purposes, reasons, the
// never-collected list) and from the catalogues the extensions registered, so it cannot drift from what
// is sent; where events go; opt in and out; export and delete your data.
import { BATCH_FIELD_DOCS, FIELD_DOCS } from '../../../generated/field-docs';
import { KIND_DOCS, NEVER_COLLECTED, PURPOSES_EXPLAINED } from '../../../generated/privacy-docs';
import type { DeletionReceipt, EventCatalogue, ViewState } from '../../../generated/types';
import { formatTime } from '../model/format';
import type { AppPort } from '../port';
import { button, el, fill, prose } from './dom';
import { docTable } from './field-table';

const yesNo = (b: boolean) => (b ? 'yes' : 'no');
/** A catalogue does not classify measurements: the spec's class for all of them applies. */
const MEASUREMENT_CLASS = FIELD_DOCS.usage.find((d) => d.path === '/data/measurements')?.class ?? '';

export class ConsentView {
  readonly element: HTMLElement;
  private readonly status = el('section', { id: 'consent-status', 'aria-labelledby': 'consent-status-heading' });
  private readonly declared = el('section', { id: 'consent-catalogues', 'aria-labelledby': 'consent-catalogues-heading' });
  private readonly dataResult = el('div', { id: 'data-result', role: 'status', 'aria-live': 'polite' });
  /** The answer to a settings button; outside the status section, which is redrawn when consent changes. */
  private readonly settingsResult = el('p', { id: 'settings-result', class: 'status', role: 'status', 'aria-live': 'polite' });
  private statusSignature = '';
  private cataloguesSignature = '';

  constructor(private readonly app: AppPort) {
    const kinds = Object.entries(KIND_DOCS) as [keyof typeof KIND_DOCS, (typeof KIND_DOCS)[keyof typeof KIND_DOCS]][];
    this.element = el('div', { class: 'consent' },
      this.status,
      this.settingsResult,
      el('section', { id: 'consent-collected', 'aria-labelledby': 'consent-collected-heading' },
        el('h2', { id: 'consent-collected-heading' }, 'What Candor collects'),
        el('p', null, 'Every event is one of the kinds below. Each field says what it means, its privacy class, what it is collected for and why. This page is generated from Candor\'s schemas, the same ones the endpoint checks every event against.'),
        el('p', { class: 'why' }, prose(PURPOSES_EXPLAINED)),
        // `kind` is described per kind ("always `usage`"), so it is listed with each kind below.
        docTable(FIELD_DOCS.usage.filter((d) => !d.path.startsWith('/data') && d.path !== '/kind'), 'Fields every event carries'),
        ...kinds.map(([kind, doc]) => el('vscode-collapsible', { title: doc.title, 'data-kind': kind },
          el('div', { class: 'collapsible-body' },
            el('p', null, prose(doc.description)),
            docTable(FIELD_DOCS[kind].filter((d) => d.path.startsWith('/data') || d.path === '/kind'), `What the data of ${doc.title.toLowerCase().replace(/^(\w)/, (c) => (/[aeiou]/.test(c) ? `an ${c}` : `a ${c}`))} holds`)))),
        el('vscode-collapsible', { title: 'The batch around the events' },
          el('div', { class: 'collapsible-body' }, docTable(BATCH_FIELD_DOCS, 'Fields of every batch')))),
      this.declared,
      el('section', { id: 'consent-never', 'aria-labelledby': 'consent-never-heading' },
        el('h2', { id: 'consent-never-heading' }, 'What Candor never collects'),
        el('ul', { class: 'never' }, ...NEVER_COLLECTED.map((n) => el('li', null, el('strong', null, `${n.what}.`), ' ', prose(n.how))))),
      el('section', { id: 'consent-data', 'aria-labelledby': 'consent-data-heading' },
        el('h2', { id: 'consent-data-heading' }, 'Your data'),
        el('p', null, 'Export saves everything Candor holds about this installation, here and at the endpoint, to a JSON file. Delete removes it here and at the endpoint, for every installation id this machine has used, and starts a new one; you are asked to confirm, and get a receipt.'),
        el('div', { class: 'actions' },
          button('Export my data…', () => void this.act('exportData'), { id: 'export-data' }),
          button('Delete my data…', () => void this.act('deleteData'), { id: 'delete-data', secondary: true })),
        this.dataResult));
  }

  update(state: ViewState): void {
    const c = state.consent;
    const statusSignature = JSON.stringify(c);
    if (statusSignature !== this.statusSignature) {
      this.statusSignature = statusSignature;
      fill(this.status,
        el('h2', { id: 'consent-status-heading' }, 'Is Candor sending?'),
        el('p', { id: 'consent-explanation', class: 'explanation' }, c.explanation),
        el('dl', { class: 'settings' },
          el('dt', null, "The editor's telemetry level (", el('code', null, 'telemetry.telemetryLevel'), ')'),
          el('dd', { id: 'setting-level' }, el('code', null, c.telemetryLevel), ` · usage events allowed now: ${yesNo(c.usageAllowed)} · error events allowed now: ${yesNo(c.errorsAllowed)}. At error only error events are sent; at crash or off, nothing.`),
          el('dt', null, "Candor's own switch (", el('code', null, 'candor.enabled'), ')'),
          el('dd', { id: 'setting-enabled' }, c.candorEnabled ? 'On. Turning it off stops all sending and deletes what waits to be sent.' : 'Off: nothing is recorded or sent.'),
          el('dt', null, 'Where events go (', el('code', null, 'candor.endpoint'), ')'),
          el('dd', { id: 'setting-endpoint' }, c.endpoint ?? 'No endpoint is set, so nothing is sent.')),
        el('div', { class: 'actions' },
          c.candorEnabled
            ? button('Turn Candor off', () => void this.act('optOut'), { id: 'opt-out' })
            : button('Turn Candor on', () => void this.act('optIn'), { id: 'opt-in' }),
          button('Open settings', () => void this.act('openSettings'), { id: 'open-settings', secondary: true })));
    }
    const cataloguesSignature = JSON.stringify(state.catalogues);
    if (cataloguesSignature !== this.cataloguesSignature) {
      this.cataloguesSignature = cataloguesSignature;
      fill(this.declared,
        el('h2', { id: 'consent-catalogues-heading' }, 'Events the extensions declared'),
        el('p', null, 'An extension that reports through Candor declares each of its events and every field in a catalogue; Candor refuses anything else.'),
        ...(state.catalogues.length === 0 ? [el('p', { class: 'hint' }, 'No extension has registered a catalogue.')] : state.catalogues.map((c) => this.catalogue(c))));
    }
  }

  private catalogue(c: EventCatalogue): HTMLElement {
    return el('vscode-collapsible', { title: `${c.extension}: ${c.events.length} ${c.events.length === 1 ? 'event' : 'events'}`, 'data-extension': c.extension },
      el('div', { class: 'collapsible-body' }, ...c.events.map((e) => el('div', { class: 'declared-event' },
        el('h3', null, el('code', null, e.name), ` · ${e.kind}${e.unit ? ` (${e.unit})` : ''} · ${e.purpose}`),
        el('p', null, prose(e.description)),
        Object.keys(e.properties ?? {}).length === 0 && Object.keys(e.measurements ?? {}).length === 0 ? null : el('table', { class: 'fields' },
          el('caption', null, `The fields of ${e.name}`),
          el('thead', null, el('tr', null, ...['Field', 'What it means', 'Privacy class'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', null,
            ...Object.entries(e.properties ?? {}).map(([k, p]) => el('tr', null, el('th', { scope: 'row' }, el('code', null, `/data/properties/${k}`)), el('td', null, prose(p?.description ?? '')), el('td', null, p?.classification ?? ''))),
            ...Object.entries(e.measurements ?? {}).map(([k, m]) => el('tr', null, el('th', { scope: 'row' }, el('code', null, `/data/measurements/${k}`)), el('td', null, prose(m?.description ?? ''), m?.unit ? ` Unit: ${m.unit}.` : ''), el('td', null, MEASUREMENT_CLASS)))))))));
  }

  private async act(type: 'optIn' | 'optOut' | 'openSettings' | 'exportData' | 'deleteData'): Promise<void> {
    const data = type === 'exportData' || type === 'deleteData';
    if (data) { fill(this.dataResult, el('p', null, type === 'exportData' ? 'Exporting…' : 'Deleting, once you confirm…')); }
    const answer = await this.app.request({ type });
    if (answer.type !== 'result') { return; }
    if (!data) {
      this.settingsResult.textContent = answer.message;
      this.settingsResult.classList.toggle('error', !answer.ok);
      return;
    }
    fill(this.dataResult, el('p', { class: answer.ok ? 'status' : 'status error' }, answer.message), ...(answer.receipts ?? []).map((r) => receipt(r)));
  }
}

function receipt(r: DeletionReceipt): HTMLElement {
  return el('dl', { class: 'receipt', 'data-receipt-id': r.receiptId },
    el('dt', null, 'Receipt'), el('dd', null, el('code', null, r.receiptId)),
    el('dt', null, 'Installation'), el('dd', null, el('code', null, r.installationId)),
    el('dt', null, 'Events deleted'), el('dd', null, String(r.deletedEvents)),
    el('dt', null, 'Deleted at'), el('dd', { title: r.deletedAt }, formatTime(r.deletedAt)));
}
