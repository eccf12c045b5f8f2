// The arithmetic of the windowed list: which rows to draw for a scroll position, where to scroll to show
// a row, and where a key moves the active row. Rows have one fixed height, so all of it is O(1).

export interface Range { readonly first: number; readonly last: number }

/** The rows to draw (inclusive), with `overscan` extra rows on each side; empty (last < first) when there are none. */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan: number): Range {
  if (count === 0 || rowHeight <= 0) { return { first: 0, last: -1 }; }
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count - 1, Math.ceil((scrollTop + viewportHeight) / rowHeight) - 1 + overscan);
  return { first: Math.min(first, count - 1), last: Math.max(last, Math.min(first, count - 1)) };
}

/** The scroll position that brings row `index` fully into view, moving as little as possible. */
export function scrollToShow(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) { return top; }
  if (top + rowHeight > scrollTop + viewportHeight) { return Math.max(0, top + rowHeight - viewportHeight); }
  return scrollTop;
}

/** Where a navigation key moves the active row, or undefined for a key that does not navigate. */
export function navigate(key: string, current: number, count: number, pageRows: number): number | undefined {
  if (count === 0) { return undefined; }
  const page = Math.max(1, pageRows - 1);
  const at = current < 0 ? -1 : current;
  switch (key) {
    case 'ArrowDown': return Math.min(count - 1, at + 1);
    case 'ArrowUp': return Math.max(0, at - 1);
    case 'PageDown': return Math.min(count - 1, Math.max(0, at) + page);
    case 'PageUp': return Math.max(0, at - page);
    case 'Home': return 0;
    case 'End': return count - 1;
    default: return undefined;
  }
}
