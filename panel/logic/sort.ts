/** Sorting the connection list by a column; clicking a header cycles ascending → descending → capture order. */
export type SortKey = 'url' | 'kind' | 'protocol' | 'status' | 'events' | 'bytes' | 'duration' | 'end';
export type SortDir = 'asc' | 'desc';

export interface SortState {
  key: SortKey;
  dir: SortDir;
}

export interface Sortable {
  url: string;
  kindLabel: string;
  protocolName: string;
  statusLabel: string;
  events: number;
  bytes: number;
  duration: number | null;
  endLabel: string;
  startedAt: number;
}

export function nextSort(cur: SortState | null, key: SortKey): SortState | null {
  if (cur?.key !== key) return { key, dir: 'asc' };
  return cur.dir === 'asc' ? { key, dir: 'desc' } : null;
}

function value(r: Sortable, key: SortKey): string | number {
  switch (key) {
    case 'url':
      return r.url;
    case 'kind':
      return r.kindLabel;
    case 'protocol':
      return r.protocolName;
    case 'status':
      return r.statusLabel;
    case 'events':
      return r.events;
    case 'bytes':
      return r.bytes;
    case 'duration':
      // A live connection has no duration yet: it sorts as the longest.
      return r.duration ?? Number.POSITIVE_INFINITY;
    case 'end':
      return r.endLabel;
  }
}

export function sortRows<T extends Sortable>(rows: readonly T[], sort: SortState | null): T[] {
  const byStart = [...rows].sort((a, b) => a.startedAt - b.startedAt);
  if (!sort) return byStart;
  const sign = sort.dir === 'asc' ? 1 : -1;
  // Array#sort is stable: ties keep capture order in both directions.
  return byStart.sort((a, b) => {
    const x = value(a, sort.key);
    const y = value(b, sort.key);
    if (x === y) return 0;
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * sign;
    return String(x).localeCompare(String(y), undefined, { numeric: true }) * sign;
  });
}

export function ariaSort(sort: SortState | null, key: SortKey): 'ascending' | 'descending' | 'none' {
  if (sort?.key !== key) return 'none';
  return sort.dir === 'asc' ? 'ascending' : 'descending';
}
