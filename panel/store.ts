/**
 * Panel state: a signals store assembled from small factories (filter, selection, search,
 * timeline) and fed by one `applyMessage`, so it is tested without a DOM (style-anchors §4).
 * The capture is folded with the core's `applyRecord`, the very function the background uses.
 */
import { batch, computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { applyRecord, tabFromSnapshot, type ConnectionCapture, type TabCapture } from '../src/core/trace/model';
import type { BackgroundToPanel } from '../src/messages';
import { createAnalysis, type Analysis } from './analysis';
import { matchesFilter, parseFilter, type FilterTerm } from './logic/filter';
import { connectionRow, rowContaining, type ConnectionRow, type EventRow } from './logic/rows';
import { findMatches, stepMatch } from './logic/search';
import { sortRows, type SortState } from './logic/sort';
import type { Span } from './logic/timeline';

export type DetailTab = 'events' | 'output' | 'request';
export type EventMode = 'messages' | 'chunks';

export function createFilterStore() {
  const text = signal('');
  return {
    text,
    /** Show every captured request, not only streams. */
    showAll: signal(false),
    sort: signal<SortState | null>(null),
    terms: computed<FilterTerm[]>(() => parseFilter(text.value)),
  };
}

export function createSelectionStore() {
  return {
    connectionId: signal<string | null>(null),
    /** Row index in the event table (of the current mode). */
    eventIndex: signal<number | null>(null),
    detailOpen: signal(false),
    tab: signal<DetailTab>('events'),
    /** null: the default for the connection (messages when the body can be framed). */
    mode: signal<EventMode | null>(null),
  };
}

export function createSearchStore() {
  return {
    query: signal(''),
    /** Position in the match list, -1 before the first step. */
    current: signal(-1),
  };
}

export function createTimelineStore() {
  return {
    /** Visible time span; null fits the whole capture. */
    view: signal<Span | null>(null),
  };
}

export function createLayoutStore() {
  return {
    /** Height of the connection list (with its timeline) above the detail; the splitter drags it. */
    listHeight: signal(260),
  };
}

export interface PanelStore {
  tabId: Signal<number | null>;
  /** Bumped whenever `capture` changes in place. */
  version: Signal<number>;
  capture: TabCapture;
  connected: Signal<boolean>;
  analysis: Analysis;
  filter: ReturnType<typeof createFilterStore>;
  selection: ReturnType<typeof createSelectionStore>;
  search: ReturnType<typeof createSearchStore>;
  timeline: ReturnType<typeof createTimelineStore>;
  layout: ReturnType<typeof createLayoutStore>;
  /** Connections before the text filter (streams, or all requests). */
  allRows: ReadonlySignal<ConnectionRow[]>;
  /** What the connection table shows: filtered and sorted. */
  rows: ReadonlySignal<ConnectionRow[]>;
  selected: ReadonlySignal<ConnectionCapture | null>;
  /** Whether the selected connection offers a messages/chunks choice (fetch and XHR bodies). */
  hasModes: ReadonlySignal<boolean>;
  eventMode: ReadonlySignal<EventMode>;
  eventRows: ReadonlySignal<EventRow[]>;
  /** Row indices matching the search query. */
  matches: ReadonlySignal<number[]>;
}

export function searchText(r: EventRow): string {
  return `${r.type}\u0000${r.id}\u0000${r.text ?? ''}`;
}

export function createPanelStore(tabId: number | null): PanelStore {
  const version = signal(0);
  const filter = createFilterStore();
  const selection = createSelectionStore();
  const search = createSearchStore();
  const analysis = createAnalysis();
  const allRows = computed(() => {
    void version.value;
    const now = Date.now();
    const out: ConnectionRow[] = [];
    for (const c of store.capture.values()) {
      if (filter.showAll.value || c.summary.streaming) out.push(connectionRow(c.summary, analysis.protocol(c), now));
    }
    return out;
  });
  const selected = computed(() => {
    void version.value;
    const id = selection.connectionId.value;
    return id === null ? null : (store.capture.get(id) ?? null);
  });
  const hasModes = computed(() => {
    const k = selected.value?.summary.kind;
    return k === 'fetch' || k === 'xhr';
  });
  const eventMode = computed<EventMode>(() => (hasModes.value ? (selection.mode.value ?? 'messages') : 'chunks'));
  const eventRows = computed(() => {
    void version.value;
    const c = selected.value;
    return c ? analysis.eventRows(c, eventMode.value) : [];
  });
  const store: PanelStore = {
    tabId: signal(tabId),
    version,
    capture: new Map(),
    connected: signal(false),
    analysis,
    filter,
    selection,
    search,
    timeline: createTimelineStore(),
    layout: createLayoutStore(),
    allRows,
    rows: computed(() => {
      const terms = filter.terms.value;
      return sortRows(
        allRows.value.filter((r) => matchesFilter(r, terms)),
        filter.sort.value,
      );
    }),
    selected,
    hasModes,
    eventMode,
    eventRows,
    matches: computed(() => {
      const rows = eventRows.value;
      return findMatches(rows.length, (i) => searchText(rows[i]!), search.query.value);
    }),
  };
  return store;
}

export function applyMessage(store: PanelStore, msg: BackgroundToPanel): void {
  if (msg.tabId !== store.tabId.value) return;
  batch(() => {
    switch (msg.type) {
      case 'snapshot':
        store.capture = tabFromSnapshot(msg.snapshot);
        break;
      case 'reset':
        store.capture = new Map();
        store.selection.connectionId.value = null;
        store.selection.eventIndex.value = null;
        store.selection.detailOpen.value = false;
        store.timeline.view.value = null;
        break;
      case 'records':
        for (const r of msg.records) applyRecord(store.capture, msg.docId, r);
        break;
    }
    store.version.value += 1;
  });
}

// ── actions ────────────────────────────────────────────────────────────────────────────
export function selectConnection(store: PanelStore, id: string | null): void {
  const sel = store.selection;
  if (sel.connectionId.value === id) return;
  batch(() => {
    sel.connectionId.value = id;
    sel.eventIndex.value = null;
    sel.detailOpen.value = false;
    sel.mode.value = null;
    store.search.current.value = -1;
  });
}

export function selectEvent(store: PanelStore, index: number | null, openDetail = false): void {
  batch(() => {
    store.selection.eventIndex.value = index;
    if (openDetail && index !== null) store.selection.detailOpen.value = true;
  });
}

/** Switches chunks ↔ messages keeping the selection on the same bytes. */
export function setEventMode(store: PanelStore, mode: EventMode): void {
  const before = store.eventMode.value;
  if (before === mode) return;
  const rows = store.eventRows.value;
  const cur = store.selection.eventIndex.value;
  const at = cur === null ? null : rows[cur];
  batch(() => {
    store.selection.mode.value = mode;
    store.search.current.value = -1;
    if (at) store.selection.eventIndex.value = mode === 'chunks' ? at.first : Math.max(0, rowContaining(store.eventRows.value, at.first));
  });
}

/** Selects the row that delivered frame `frame` (from the output view) in the events tab. */
export function selectFrame(store: PanelStore, frame: number): void {
  const conn = store.selected.value;
  if (!conn) return;
  const f = store.analysis.frames(conn)[frame];
  batch(() => {
    store.selection.tab.value = 'events';
    const index = store.eventMode.value === 'messages' ? frame : (f?.at.first ?? null);
    selectEvent(store, index, true);
  });
}

/** Next/previous search hit; selects its row. */
export function stepSearch(store: PanelStore, dir: 1 | -1): void {
  const matches = store.matches.value;
  const next = stepMatch(matches.length, store.search.current.value, dir);
  batch(() => {
    store.search.current.value = next;
    if (next >= 0) store.selection.eventIndex.value = matches[next]!;
  });
}
