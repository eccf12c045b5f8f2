// A table of fields with what each means, its privacy class, purpose and why it is collected: beside a
// pending event (with its values) and on the consent screen (without).
import type { FieldDoc } from '../../../generated/field-docs';
import type { FieldExplanation } from '../model/explain';
import { el } from './dom';

const SOURCE_NOTE: Record<FieldExplanation['source'], string> = {
  spec: '',
  catalogue: "From the extension's catalogue.",
  part: '',
  undeclared: 'Not declared: no schema or catalogue the panel knows explains this field.',
};

function meaningCell(description: string | undefined, why: string | undefined, note: string, unit?: string): HTMLElement {
  return el('td', { class: 'meaning' },
    description ? el('span', null, description) : null,
    unit ? el('span', { class: 'unit' }, ` Unit: ${unit}.`) : null,
    why ? el('div', { class: 'why' }, `Why: ${why}`) : null,
    note ? el('div', { class: 'note' }, note) : null);
}

/** The fields of one event or batch, with their values as they stand in the bytes. */
export function explanationTable(rows: readonly FieldExplanation[], caption: string): HTMLElement {
  return el('table', { class: 'fields' },
    el('caption', null, caption),
    el('thead', null, el('tr', null, el('th', { scope: 'col' }, 'Field'), el('th', { scope: 'col' }, 'Value'), el('th', { scope: 'col' }, 'What it means'),
      el('th', { scope: 'col' }, 'Privacy class'), el('th', { scope: 'col' }, 'Purpose'))),
    el('tbody', null, ...rows.map((r) => el('tr', { class: `source-${r.source}`, 'data-path': r.path },
      el('th', { scope: 'row', class: 'path' }, el('code', { class: `depth-${Math.min(r.depth, 6)}` }, r.path)),
      el('td', { class: 'value' }, el('code', null, r.value)),
      meaningCell(r.meaning?.description, r.meaning?.why, SOURCE_NOTE[r.source], r.meaning?.unit),
      el('td', null, r.meaning?.class ?? ''),
      el('td', null, r.meaning?.purpose ?? '')))));
}

/** The fields a schema defines, without values: what the consent screen says is collected. */
export function docTable(docs: readonly FieldDoc[], caption: string): HTMLElement {
  return el('table', { class: 'fields' },
    el('caption', null, caption),
    el('thead', null, el('tr', null, el('th', { scope: 'col' }, 'Field'), el('th', { scope: 'col' }, 'What it means'),
      el('th', { scope: 'col' }, 'Privacy class'), el('th', { scope: 'col' }, 'Purpose'))),
    el('tbody', null, ...docs.map((d) => el('tr', null,
      el('th', { scope: 'row', class: 'path' }, el('code', null, d.path)),
      meaningCell(d.description, d.why, ''),
      el('td', null, d.class ?? ''),
      el('td', null, d.purpose ?? '')))));
}
