/**
 * Window math for the virtualized event table: rows have one fixed height, so which rows to
 * render and where to scroll are arithmetic, whatever the number of events.
 */
export interface WindowInput {
  count: number;
  rowHeight: number;
  scrollTop: number;
  /** Height of the area rows scroll in (the viewport minus a sticky header). */
  viewportHeight: number;
  overscan: number;
  /** Hard cap on rendered rows, whatever the viewport height. */
  maxRows?: number;
}

/** Rows [start, end) to render. */
export function virtualWindow(w: WindowInput): { start: number; end: number } {
  if (w.count <= 0) return { start: 0, end: 0 };
  const first = Math.min(w.count - 1, Math.max(0, Math.floor(w.scrollTop / w.rowHeight)));
  const visible = Math.max(1, Math.ceil(Math.max(0, w.viewportHeight) / w.rowHeight) + 1);
  const max = w.maxRows ?? 90;
  const start = Math.max(0, first - w.overscan);
  const end = Math.min(w.count, first + visible + w.overscan, start + max);
  return { start, end };
}

/** The scrollTop that brings row `index` fully into view, moving as little as possible. */
export function revealScrollTop(index: number, rowHeight: number, scrollTop: number, viewportHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

/** The scrollTop that shows the last row at the bottom: content (header + rows) less the viewport. */
export function bottomScrollTop(count: number, rowHeight: number, headerHeight: number, viewportHeight: number): number {
  return Math.max(0, headerHeight + count * rowHeight - viewportHeight);
}

/** Whether the user is at the bottom (within one row): then new events are followed. */
export function isAtBottom(scrollTop: number, clientHeight: number, scrollHeight: number, slack: number): boolean {
  return scrollTop + clientHeight >= scrollHeight - slack;
}

/** The next selected row for a navigation key, or null when the key is not one. */
export function moveSelection(key: string, current: number | null, count: number, page: number): number | null {
  if (count === 0) return null;
  const c = current ?? -1;
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, c + 1);
    case 'ArrowUp':
      return Math.max(0, c < 0 ? 0 : c - 1);
    case 'PageDown':
      return Math.min(count - 1, Math.max(0, c) + page);
    case 'PageUp':
      return Math.max(0, c - page);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
