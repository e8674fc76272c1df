/**
 * Search across all streams (Ctrl/Cmd+Shift+F, as DevTools' own Search): the query and its
 * options, the results from the core's `searchStreams` over the shown capture, the active hit,
 * and the jump to a hit's event in the Events view.
 */
import { batch, computed, signal, untracked, type ReadonlySignal } from '@preact/signals';
import { searchStreams, type SearchHit, type SearchResult } from '../src/core/search/streams';
import type { TabCapture } from '../src/core/trace/model';
import type { Analysis } from './analysis';
import { rowContaining } from './logic/rows';
import { selectConnection, selectEvent, type PanelStore } from './store';

/** How long results may lag a growing live capture: searching every batch would re-read every stream per batch. */
export const SEARCH_REFRESH_MS = 600;

/** Hits listed (the drawer is not virtualized); the rest are counted and the status says so. */
export const LISTED_HITS = 250;

/** `delayMs`: at least SEARCH_REFRESH_MS, more when the last search took long (tests run the function when they like). */
type Schedule = (fn: () => void, delayMs: number) => void;
const deferred: Schedule = (fn, delayMs) => setTimeout(fn, delayMs);

/**
 * `capture` is read when the query changes and, while the capture changes (`version`), at most
 * once per deferral: a new query answers at once, new events show within `SEARCH_REFRESH_MS`.
 */
export function createStreamSearchStore(capture: () => TabCapture, version: ReadonlySignal<number>, analysis: Analysis, schedule: Schedule = deferred) {
  const open = signal(false);
  const query = signal('');
  const regex = signal(false);
  const caseSensitive = signal(false);
  /** Position in the flat list of hits, -1 for none. */
  const active = signal(-1);
  const tick = signal(0);
  let pending = false;
  /** ms the last search (with the readings it needed) took: a slow one is refreshed less often. */
  let cost = 0;
  version.subscribe(() => {
    if (pending || !open.peek()) return;
    pending = true;
    schedule(
      () => {
        pending = false;
        tick.value += 1;
      },
      Math.max(SEARCH_REFRESH_MS, 10 * cost),
    );
  });
  const result: ReadonlySignal<SearchResult> = computed(() => {
    if (!open.value) return { groups: [], total: 0, truncated: false, error: null };
    void tick.value;
    const t0 = performance.now();
    const conns = [...capture().values()]
      .sort((a, b) => a.summary.startedAt - b.summary.startedAt)
      .map((c) => {
        // One reading per connection: its frames and its answer, memoized by the panel's analysis.
        const a = untracked(() => analysis.analyzed(c));
        return { id: c.summary.id, events: c.events, frames: a.recognition.frames, messages: a.output.messages };
      });
    const found = searchStreams(conns, query.value, { regex: regex.value, caseSensitive: caseSensitive.value, maxHits: LISTED_HITS });
    cost = performance.now() - t0;
    return found;
  });
  const hits = computed<SearchHit[]>(() => result.value.groups.flatMap((g) => g.hits));
  return { open, query, regex, caseSensitive, active, result, hits, tick };
}

export type StreamSearchStore = ReturnType<typeof createStreamSearchStore>;

/** Moves the active hit by `dir`, wrapping at both ends. */
export function stepHit(search: StreamSearchStore, dir: 1 | -1): void {
  const n = search.hits.value.length;
  if (n === 0) return;
  const cur = search.active.value;
  search.active.value = cur < 0 ? (dir === 1 ? 0 : n - 1) : (cur + dir + n) % n;
}

/**
 * Shows a hit where it is: its connection selected, the Events view open on the row that
 * carries it (the frame's row in messages mode, the chunk's in chunks mode), detail open.
 */
export function jumpToHit(store: PanelStore, hit: SearchHit): void {
  const conn = store.capture.get(hit.connectionId);
  if (!conn) return;
  batch(() => {
    store.view.value = 'connections';
    if (!conn.summary.streaming) store.filter.showAll.value = true;
    store.filter.text.value = '';
    selectConnection(store, hit.connectionId);
    store.selection.tab.value = 'events';
    const index = store.eventMode.value === 'messages' ? (hit.frame ?? Math.max(0, rowContaining(store.eventRows.value, hit.seq))) : hit.seq;
    selectEvent(store, index, true);
  });
}
