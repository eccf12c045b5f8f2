// A list that draws only the rows in view, so that 10,000 pending events scroll as smoothly as 10. Rows
// have one fixed height; a spacer gives the scroll bar its full length and a small pool of row elements
// is moved into view. It is a listbox for screen readers (aria-activedescendant, aria-setsize/posinset,
// aria-selected) and works from the keyboard: arrows, Page Up/Down, Home/End, Space to select, Enter to
// open, Ctrl+A to select all.
import { navigate, scrollToShow, visibleRange } from '../model/windowing';
import { el } from './dom';

export interface ListOptions<T> {
  readonly id: string;
  readonly label: string;
  readonly rowHeight: number;
  readonly overscan?: number;
  /** Fills a row for the item; the row's own attributes (role, position, selection) are set by the list. */
  render(row: HTMLElement, item: T, index: number): void;
  /** The row's accessible name. */
  describe(item: T): string;
  isSelected(item: T): boolean;
  onToggle(item: T): void;
  onActive(item: T | undefined, index: number): void;
  onOpen(item: T): void;
  onSelectAll(): void;
}

export class WindowedList<T> {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private items: readonly T[] = [];
  private active = -1;
  /** Rows in view, by the index they show; a row keeps its index while it stays in view, so a small scroll redraws one or two rows, not all. */
  private live = new Map<number, HTMLElement>();
  private free: HTMLElement[] = [];
  /** Whether every row in view must be drawn again (new items, or their selection changed). */
  private stale = true;
  private scheduled = 0;
  /** How many rows the last draw put in the DOM: the tests and the bench read it. */
  drawnRows = 0;

  constructor(private readonly o: ListOptions<T>) {
    this.spacer = el('div', { class: 'wlist-spacer' });
    this.element = el('div', {
      id: o.id, class: 'wlist', role: 'listbox', tabindex: 0, 'aria-label': o.label, 'aria-multiselectable': 'true',
    }, this.spacer);
    this.element.addEventListener('scroll', () => this.schedule());
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.element.addEventListener('click', (e) => this.onClick(e));
    this.element.addEventListener('dblclick', (e) => { const i = this.indexOf(e); if (i !== undefined) { this.o.onOpen(this.items[i]!); } });
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  get activeIndex(): number { return this.active; }
  get activeItem(): T | undefined { return this.items[this.active]; }
  get count(): number { return this.items.length; }

  /** New items; the active row follows `keepActive` (the same item, found by the caller) or stays in range. */
  setItems(items: readonly T[], keepActive?: number): void {
    this.items = items;
    this.spacer.style.height = `${items.length * this.o.rowHeight}px`;
    const next = keepActive !== undefined && keepActive >= 0 ? keepActive : Math.min(this.active, items.length - 1);
    this.active = next;
    this.stale = true;
    this.drawNow();
  }

  /** Redraws the rows in view (after a selection change, say). */
  refresh(): void { this.stale = true; this.drawNow(); }

  setActive(index: number, opts: { scroll?: boolean } = {}): void {
    if (index < 0 || index >= this.items.length) { return; }
    this.active = index;
    if (opts.scroll !== false) {
      this.element.scrollTop = scrollToShow(index, this.element.scrollTop, this.element.clientHeight, this.o.rowHeight);
    }
    this.drawNow();
    this.o.onActive(this.items[index], index);
  }

  private schedule(): void {
    if (this.scheduled) { return; }
    this.scheduled = requestAnimationFrame(() => { this.scheduled = 0; this.draw(); });
  }

  private drawNow(): void {
    if (this.scheduled) { cancelAnimationFrame(this.scheduled); this.scheduled = 0; }
    this.draw();
  }

  private draw(): void {
    const { rowHeight } = this.o;
    // Before the first layout the viewport has no height; draw a screenful so the list is never blank.
    const height = this.element.clientHeight || 600;
    const range = visibleRange(this.element.scrollTop, height, rowHeight, this.items.length, this.o.overscan ?? 8);
    for (const [index, row] of this.live) {
      if (index < range.first || index > range.last || this.stale) {
        this.live.delete(index);
        this.free.push(row);
      }
    }
    for (let index = range.first; index <= range.last; index++) {
      let row = this.live.get(index);
      if (!row) {
        row = this.free.pop() ?? this.element.appendChild(el('div', { class: 'wlist-row', role: 'option' }));
        this.live.set(index, row);
        this.drawRow(row, index);
      }
      row.classList.toggle('active', index === this.active);
    }
    for (const row of this.free) { if (!row.hidden) { row.hidden = true; row.removeAttribute('id'); } }
    this.stale = false;
    this.drawnRows = this.live.size;
    if (this.live.has(this.active)) {
      this.element.setAttribute('aria-activedescendant', `${this.o.id}-row-${this.active}`);
    } else {
      this.element.removeAttribute('aria-activedescendant');
    }
  }

  private drawRow(row: HTMLElement, index: number): void {
    const item = this.items[index]!;
    row.hidden = false;
    row.id = `${this.o.id}-row-${index}`;
    row.dataset.index = String(index);
    row.setAttribute('aria-setsize', String(this.items.length));
    row.setAttribute('aria-posinset', String(index + 1));
    row.setAttribute('aria-selected', String(this.o.isSelected(item)));
    row.setAttribute('aria-label', this.o.describe(item));
    row.style.transform = `translateY(${index * this.o.rowHeight}px)`;
    this.o.render(row, item, index);
  }

  private indexOf(e: Event): number | undefined {
    const row = (e.target as Element).closest?.('.wlist-row') as HTMLElement | null;
    const i = row ? Number(row.dataset.index) : NaN;
    return Number.isInteger(i) && i >= 0 && i < this.items.length ? i : undefined;
  }

  private onClick(e: MouseEvent): void {
    const i = this.indexOf(e);
    if (i === undefined) { return; }
    if ((e.target as Element).closest('.check') || e.ctrlKey || e.metaKey) { this.o.onToggle(this.items[i]!); }
    this.setActive(i, { scroll: false });
  }

  private onKey(e: KeyboardEvent): void {
    const pageRows = Math.floor((this.element.clientHeight || 600) / this.o.rowHeight);
    const next = navigate(e.key, this.active, this.items.length, pageRows);
    if (next !== undefined && !e.altKey) {
      e.preventDefault();
      this.setActive(next);
      return;
    }
    const item = this.items[this.active];
    if (e.key === ' ' && item !== undefined) { e.preventDefault(); this.o.onToggle(item); this.drawNow(); return; }
    if (e.key === 'Enter' && item !== undefined) { e.preventDefault(); this.o.onOpen(item); return; }
    if ((e.key === 'a' || e.key === 'A') && (e.ctrlKey || e.metaKey)) { e.preventDefault(); this.o.onSelectAll(); this.drawNow(); }
  }
}
