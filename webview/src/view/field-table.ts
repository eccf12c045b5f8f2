// A table of fields with what each means, its privacy class, purpose and why it is collected: beside a
// pending event (with its values) and on the consent screen (without).
import type { FieldDoc } from '../../../generated/field-docs';
import type { FieldExplanation } from '../model/explain';
import { el, prose } from './dom';

const SOURCE_NOTE: Record<FieldExplanation['source'], string> = {
  spec: '',
  catalogue: "From the extension's catalogue.",
  part: '',
  undeclared: 'Not declared: no schema or catalogue the panel knows explains this field.',
};

function meaningCell(m: { description?: string; why?: string; class?: string; purpose?: string; unit?: string }, note: string): HTMLElement {
  const privacy = [m.class ? `Privacy class: ${m.class}` : '', m.purpose ? `Purpose: ${m.purpose}` : ''].filter(Boolean).join(' · ');
  return el('td', { class: 'meaning' },
    m.description ? el('span', null, prose(m.description)) : null,
    m.unit ? el('span', { class: 'unit' }, ` Unit: ${m.unit}.`) : null,
    m.why ? el('div', { class: 'why' }, 'Why: ', prose(m.why)) : null,
    privacy ? el('div', { class: 'privacy' }, privacy) : null,
    note ? el('div', { class: 'note' }, note) : null);
}

/** The fields of one event or batch, each with its value as it stands in the bytes and what it means. */
export function explanationTable(rows: readonly FieldExplanation[], caption: string): HTMLElement {
  return el('table', { class: 'fields' },
    el('caption', null, caption),
    el('thead', null, el('tr', null, el('th', { scope: 'col' }, 'Field and value'), el('th', { scope: 'col' }, 'What it means'))),
    el('tbody', null, ...rows.map((r) => el('tr', { class: `source-${r.source}`, 'data-path': r.path },
      el('th', { scope: 'row', class: 'path' },
        el('code', { class: `depth-${Math.min(r.depth, 6)}` }, r.path),
        r.value ? el('div', { class: 'value' }, el('code', null, r.value)) : null),
      meaningCell(r.meaning ?? {}, SOURCE_NOTE[r.source])))));
}

/** The fields a schema defines, without values: what the consent screen says is collected. */
export function docTable(docs: readonly FieldDoc[], caption: string): HTMLElement {
  return el('table', { class: 'fields' },
    el('caption', null, caption),
    el('thead', null, el('tr', null, el('th', { scope: 'col' }, 'Field'), el('th', { scope: 'col' }, 'What it means'))),
    el('tbody', null, ...docs.map((d) => el('tr', { 'data-path': d.path },
      el('th', { scope: 'row', class: 'path' }, el('code', null, d.path)),
      meaningCell(d, '')))));
}
