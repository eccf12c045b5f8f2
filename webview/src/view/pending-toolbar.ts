// The pending list's controls: search through the bytes, filter by extension, kind and name, group by.
import { ANY, type FacetName, type Filter, facets } from '../model/filter';
import type { PendingEvent } from '../model/pending-index';
import { GROUPINGS, type GroupBy } from '../model/rows';
import { el } from './dom';

const GROUP_LABEL: Record<GroupBy, string> = { batch: 'Batch', extension: 'Extension', kind: 'Kind', name: 'Event name' };
const FACET_LABEL: Record<FacetName, string> = { extension: 'Extension', kind: 'Kind', name: 'Event name' };

type Select = HTMLElement & { value: string };

export class PendingToolbar {
  readonly element: HTMLElement;
  private readonly search: HTMLElement & { value: string };
  private readonly selects: Record<FacetName, Select>;
  private readonly groupBy: Select;
  private readonly known: Record<FacetName, string> = { extension: '', kind: '', name: '' };

  constructor(initial: { filter: Filter; groupBy: GroupBy }, private readonly onChange: (filter: Filter, groupBy: GroupBy) => void) {
    this.search = el('vscode-textfield', { id: 'pending-search', type: 'search', placeholder: 'Search the bytes' }) as never;
    this.search.value = initial.filter.search;
    this.search.addEventListener('input', () => this.changed());
    const facet = (name: FacetName) => {
      const s = el('vscode-single-select', { id: `filter-${name}`, label: `Filter by ${FACET_LABEL[name].toLowerCase()}` }) as Select;
      s.addEventListener('change', () => this.changed());
      return s;
    };
    this.selects = { extension: facet('extension'), kind: facet('kind'), name: facet('name') };
    for (const name of ['extension', 'kind', 'name'] as const) { this.setOptions(name, [], initial.filter[name]); }
    this.groupBy = el('vscode-single-select', { id: 'group-by', label: 'Group by' },
      ...GROUPINGS.map((g) => el('vscode-option', { value: g, selected: g === initial.groupBy }, GROUP_LABEL[g]))) as Select;
    this.groupBy.addEventListener('change', () => this.changed());
    const labelled = (text: string, control: HTMLElement) => el('label', { class: 'control' }, el('span', null, text), control);
    this.element = el('div', { class: 'toolbar', role: 'search', 'aria-label': 'Filter the pending events' },
      labelled('Search', this.search),
      labelled(FACET_LABEL.extension, this.selects.extension),
      labelled(FACET_LABEL.kind, this.selects.kind),
      labelled(FACET_LABEL.name, this.selects.name),
      labelled('Group by', this.groupBy));
  }

  get filter(): Filter {
    return { extension: this.selects.extension.value ?? ANY, kind: this.selects.kind.value ?? ANY, name: this.selects.name.value ?? ANY, search: this.search.value ?? '' };
  }
  get grouping(): GroupBy { return (GROUPINGS as readonly string[]).includes(this.groupBy.value) ? this.groupBy.value as GroupBy : 'batch'; }

  /** The choices follow the pending events; a chosen value that is gone stays listed (with 0) so the filter does not jump. */
  update(events: readonly PendingEvent[]): void {
    const f = facets(events);
    for (const name of ['extension', 'kind', 'name'] as const) { this.setOptions(name, f[name], this.selects[name].value ?? ANY); }
  }

  private setOptions(name: FacetName, values: [string, number][], chosen: string): void {
    const list = chosen !== ANY && !values.some(([v]) => v === chosen) ? [...values, [chosen, 0] as [string, number]] : values;
    const signature = JSON.stringify(list);
    if (signature === this.known[name]) { return; }
    this.known[name] = signature;
    const select = this.selects[name];
    select.replaceChildren(
      el('vscode-option', { value: ANY, selected: chosen === ANY }, `All (${list.reduce((n, [, c]) => n + c, 0)})`),
      ...list.map(([v, c]) => el('vscode-option', { value: v, selected: v === chosen }, `${v} (${c})`)));
  }

  reset(): void {
    this.search.value = '';
    for (const s of Object.values(this.selects)) { s.value = ANY; }
    this.changed();
  }

  private changed(): void { this.onChange(this.filter, this.grouping); }
}
