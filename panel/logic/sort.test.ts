import { describe, expect, it } from 'vitest';
import { ariaSort, nextSort, sortRows, type Sortable } from './sort';

const r = (url: string, events: number, startedAt: number, duration: number | null = 10): Sortable => ({ url, kindLabel: 'fetch-SSE', protocolName: '', statusLabel: '200', events, bytes: events * 10, duration, endLabel: 'clean', startedAt });
const rows = [r('/c', 5, 3), r('/a', 40, 1), r('/b', 5, 2, null)];

describe('sorting connections', () => {
  it('cycles a column ascending → descending → capture order', () => {
    let s = nextSort(null, 'events');
    expect(s).toEqual({ key: 'events', dir: 'asc' });
    s = nextSort(s, 'events');
    expect(s).toEqual({ key: 'events', dir: 'desc' });
    expect(nextSort(s, 'events')).toBeNull();
    expect(nextSort(s, 'url')).toEqual({ key: 'url', dir: 'asc' });
  });

  it('sorts numbers numerically and keeps capture order on ties', () => {
    expect(sortRows(rows, { key: 'events', dir: 'asc' }).map((x) => x.url)).toEqual(['/b', '/c', '/a']);
    expect(sortRows(rows, { key: 'events', dir: 'desc' }).map((x) => x.url)).toEqual(['/a', '/b', '/c']);
    expect(sortRows(rows, null).map((x) => x.url)).toEqual(['/a', '/b', '/c']);
  });

  it('sorts text naturally and a live duration as the longest', () => {
    expect(sortRows([r('/x10', 1, 1), r('/x9', 1, 2)], { key: 'url', dir: 'asc' }).map((x) => x.url)).toEqual(['/x9', '/x10']);
    expect(sortRows(rows, { key: 'duration', dir: 'desc' })[0]!.url).toBe('/b');
  });

  it('reports aria-sort for the header', () => {
    expect(ariaSort({ key: 'url', dir: 'desc' }, 'url')).toBe('descending');
    expect(ariaSort({ key: 'url', dir: 'desc' }, 'events')).toBe('none');
  });
});
