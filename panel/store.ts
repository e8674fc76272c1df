/**
 * Panel state: a signals store assembled from small factories (filter, selection, search,
 * timeline) and fed by one `applyMessage`, so it is tested without a DOM.
 * The capture is folded with the core's `foldRecords`, the very function the background uses.
 */
import { addMocks, createMocksStore, type MocksStore } from './mocks';
import { batch, computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { foldRecords, type ConnectionCapture, type TabCapture } from '../src/core/trace/model';
import type { Evidence } from '../src/core/analysis';
import type { PanelEvent } from '../src/protocol/panel';
import type { SessionInfo } from '../src/core/trace/session';
import { appendView } from '../src/core/view/sample';
import { dropPayloads } from '../src/core/trace/budget';
import { appendPart } from '../src/core/trace/snapshot-parts';
import { createAnalysis, streamPathOf, type Analysis, type Joined } from './analysis';
import { matchesFilter, parseFilter, type FilterTerm } from './logic/filter';
import { connectionRow, rowContaining, type ConnectionRow, type EventRow } from './logic/rows';
import { findMatches, stepMatch } from './logic/search';
import { sortRows, type SortState } from './logic/sort';
import type { Span } from './logic/timeline';
import { evidenceTarget } from './logic/findings';
import { addTestRun, emptyTabData, tabDataOf, type Source, type TabData } from './source';
import { createTimingStore, createTimings, type TimingStore, type Timings } from './timing';
import { createStreamSearchStore, type StreamSearchStore } from './stream-search';
import { createAnswerFieldStore, createCaptureStateStore, createExchangeStore, createFaultsStore, createFindingsStore, createSessionsStore, createTestsStore, createViewStore, type FindingsStore, type MainView } from './stores';

export type DetailTab = 'events' | 'output' | 'conversation' | 'timing' | 'request' | 'control';
export type EventMode = 'messages' | 'chunks';

const PRESERVE_KEY = 'durable-sessions.preserveLog';

/** The choice persists across panel reloads, as DevTools' own does. */
function createPreserveLog() {
  let initial = false;
  try {
    initial = globalThis.localStorage?.getItem(PRESERVE_KEY) === '1';
  } catch {
    // No storage (tests, sandboxed frames): the default applies.
  }
  const s = signal(initial);
  s.subscribe((v) => {
    try {
      globalThis.localStorage?.setItem(PRESERVE_KEY, v ? '1' : '0');
    } catch {
      // Not persisted; the choice still holds for this panel.
    }
  });
  return s;
}

export function createFilterStore() {
  const text = signal('');
  return {
    text,
    /** Show every captured request, not only streams. */
    showAll: signal(false),
    /** Keep the connections of earlier page loads when the tab navigates (as DevTools' Network "Preserve log"). */
    preserveLog: createPreserveLog(),
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
  /** Bumped whenever `capture` changes in place (for new records, through `frameBatch` when set). */
  version: Signal<number>;
  /** StoreOptions.frameBatch, or null. */
  frameBatch: ((update: () => void) => void) | null;
  /**
   * A snapshot too large for one message comes with `parts` (snapshot-part): how many are still
   * due, and the records that arrived meanwhile, applied once the last part is in.
   */
  snapshotParts: { pending: number; held: PanelEvent<'records'>[] };
  /** A stored session being opened whose events still come in parts (stored-session-part). */
  storedParts: { sessionId: string; pending: number; info: SessionInfo; data: TabData } | null;
  /** The live tab, always kept current, also while a stored session or an import is shown. */
  live: TabData;
  /** What the views show: the live tab, a stored session or an imported trace. */
  source: Signal<Source>;
  readOnly: ReadonlySignal<boolean>;
  /** The shown data (`live` unless a stored session or an import is open). */
  readonly data: TabData;
  /** The shown connections (`data.capture`). */
  readonly capture: TabCapture;
  view: Signal<MainView>;
  captureState: ReturnType<typeof createCaptureStateStore>;
  sessions: ReturnType<typeof createSessionsStore>;
  faults: ReturnType<typeof createFaultsStore>;
  /** The Mocks drawer (panel/mocks.ts). */
  mocks: MocksStore;
  tests: ReturnType<typeof createTestsStore>;
  exchange: ReturnType<typeof createExchangeStore>;
  findings: FindingsStore;
  /** When the answers are read again with what the page showed (`data.view`). */
  pageView: ReturnType<typeof createViewStore>;
  answerFields: ReturnType<typeof createAnswerFieldStore>;
  connected: Signal<boolean>;
  analysis: Analysis;
  filter: ReturnType<typeof createFilterStore>;
  selection: ReturnType<typeof createSelectionStore>;
  search: ReturnType<typeof createSearchStore>;
  timeline: ReturnType<typeof createTimelineStore>;
  layout: ReturnType<typeof createLayoutStore>;
  /** Connections before the text filter (streams, or all requests). */
  allRows: ReadonlySignal<ConnectionRow[]>;
  /** The long-poll chains shown as one row each. */
  joined: ReadonlySignal<Joined>;
  /** What the connection table shows: filtered and sorted. */
  rows: ReadonlySignal<ConnectionRow[]>;
  selected: ReadonlySignal<ConnectionCapture | null>;
  /** Whether the selected connection offers a messages/chunks choice (fetch and XHR bodies). */
  hasModes: ReadonlySignal<boolean>;
  eventMode: ReadonlySignal<EventMode>;
  eventRows: ReadonlySignal<EventRow[]>;
  /** Row indices matching the search query. */
  matches: ReadonlySignal<number[]>;
  /** Stall threshold and the list's chosen columns (remembered), and each connection's timing. */
  timing: TimingStore;
  timings: Timings;
  /** Search across every stream (Ctrl/Cmd+Shift+F). */
  streamSearch: StreamSearchStore;
}

export function searchText(r: EventRow): string {
  return `${r.type}\u0000${r.id}\u0000${r.text ?? ''}`;
}

export interface StoreOptions {
  /** How findings and page-view matching are deferred while live data grows (tests pass a manual scheduler). */
  schedule?: (fn: () => void) => void;
  /**
   * How the UI hears of new records (panel/frame-batch.ts: at most once per frame in the panel's
   * page). Without it, at once: tests read the store right after `applyMessage`.
   */
  frameBatch?: (update: () => void) => void;
}

function dataOf(store: PanelStore): TabData {
  const s = store.source.value;
  if (s.kind === 'live') return store.live;
  if (s.kind === 'stored') return s.data;
  return s.sessions[s.index]?.data ?? emptyTabData();
}

export function createPanelStore(tabId: number | null, options: StoreOptions = {}): PanelStore {
  const version = signal(0);
  const source = signal<Source>({ kind: 'live' });
  const filter = createFilterStore();
  const selection = createSelectionStore();
  const search = createSearchStore();
  const pageView = createViewStore(options.schedule);
  const analysis = createAnalysis({ samples: () => dataOf(store).view, version: () => pageView.version.value });
  const timing = createTimingStore();
  // A chain of long-poll requests, or an Engine.IO polling session, is one logical stream (the
  // core joins them): one row, in the place of its first request; its requests stay reachable
  // from its detail.
  const joined = computed(() => analysis.joined(store.capture, version.value));
  const allRows = computed(() => {
    const { byPart } = joined.value;
    const now = Date.now();
    const out: ConnectionRow[] = [];
    for (const c of store.capture.values()) {
      const stream = byPart.get(c.summary.id);
      if (stream) {
        if (stream.parts[0] === c) out.push({ ...connectionRow(stream.conn.summary, analysis.protocol(stream.conn), now), url: streamPathOf(stream.conn.summary.url), kindLabel: stream.label });
        continue;
      }
      if (filter.showAll.value || c.summary.streaming) out.push(connectionRow(c.summary, analysis.protocol(c), now));
    }
    return out;
  });
  const selected = computed(() => {
    const id = selection.connectionId.value;
    return id === null ? null : (store.capture.get(id) ?? joined.value.byId.get(id)?.conn ?? null);
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
    frameBatch: options.frameBatch ?? null,
    snapshotParts: { pending: 0, held: [] },
    storedParts: null,
    live: emptyTabData(),
    source,
    readOnly: computed(() => source.value.kind !== 'live'),
    get data() {
      return dataOf(store);
    },
    get capture() {
      return dataOf(store).capture;
    },
    view: signal<MainView>('connections'),
    captureState: createCaptureStateStore(),
    sessions: createSessionsStore(),
    faults: createFaultsStore(),
    // "Served" is about the live tab, whatever the views show.
    mocks: createMocksStore(() => store.live.capture, version),
    tests: createTestsStore(),
    exchange: createExchangeStore(),
    findings: createFindingsStore(() => ({ data: dataOf(store), live: source.value.kind === 'live' }), options.schedule),
    pageView,
    answerFields: createAnswerFieldStore(),
    connected: signal(false),
    analysis,
    filter,
    selection,
    search,
    timeline: createTimelineStore(),
    layout: createLayoutStore(),
    allRows,
    joined,
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
    timing,
    timings: createTimings(analysis, () => timing.stallMs.value),
    streamSearch: createStreamSearchStore(() => dataOf(store).capture, version, analysis, options.schedule),
  };
  return store;
}

function clearSelection(store: PanelStore): void {
  store.selection.connectionId.value = null;
  store.selection.eventIndex.value = null;
  store.selection.detailOpen.value = false;
  store.timeline.view.value = null;
  store.search.current.value = -1;
}

export function applyMessage(store: PanelStore, msg: PanelEvent): void {
  // Acks and error replies are the connection's business (see connect.ts), not the store's.
  if (!('tabId' in msg) || msg.tabId !== store.tabId.value) return;
  const live = store.source.peek().kind === 'live';
  batch(() => {
    switch (msg.type) {
      case 'snapshot': {
        const hadConnections = store.live.capture.size > 0;
        store.live = tabDataOf(msg.snapshot);
        store.snapshotParts = { pending: msg.parts ?? 0, held: [] };
        store.sessions.liveId.value = msg.sessionId;
        // The session's mocks (armed from this or an earlier panel) are offered again.
        addMocks(store.mocks, msg.snapshot.mocks ?? []);
        // A snapshot whose events still come in parts is analyzed once whole (snapshot-part):
        // flags read from its first events would be of part of it, and reading them here kept
        // the connection list from its first paint. Only what an earlier snapshot showed (a
        // reconnect) is replaced at once, so no flags of other data stay up meanwhile.
        if (store.snapshotParts.pending === 0 || hadConnections) {
          store.findings.invalidate(true);
          store.pageView.invalidate(true);
        }
        break;
      }
      case 'reset': {
        const previous = store.live;
        store.snapshotParts = { pending: 0, held: [] };
        store.live = emptyTabData();
        // Connection ids carry their document's id, so earlier page loads never collide.
        if (msg.reason === 'navigated' && store.filter.preserveLog.peek()) {
          for (const [id, c] of previous.capture) store.live.capture.set(id, c);
          store.live.signals.push(...previous.signals);
          store.live.faults.push(...previous.faults);
          // Samples carry their document: the kept connections still match their page's text.
          appendView(store.live.view, previous.view);
        }
        store.sessions.liveId.value = msg.sessionId;
        // A page loaded with the panel open: its hooks recorded from the start.
        if (msg.reason === 'navigated') store.captureState.loadedBeforePanel.value = false;
        // A new page load's hook holds no fault (the background forgets them too); a Clear keeps them.
        if (msg.reason === 'navigated') store.faults.armed.value = [];
        if (live && !(msg.reason === 'navigated' && store.filter.preserveLog.peek())) clearSelection(store);
        store.findings.invalidate(true);
        store.pageView.invalidate(true);
        break;
      }
      case 'view':
        // Bounded as the background bounds it; views follow `pageView.version`, not `version`.
        appendView(store.live.view, msg.samples);
        if (live) {
          store.findings.invalidate();
          store.pageView.invalidate();
        }
        return;
      case 'snapshot-part': {
        if (store.snapshotParts.pending === 0) return;
        appendPart(store.live.capture, msg);
        store.snapshotParts.pending -= 1;
        if (store.snapshotParts.pending > 0) return;
        // The snapshot is whole: what was captured meanwhile goes on top of it, in order.
        const held = store.snapshotParts.held;
        store.snapshotParts.held = [];
        for (const r of held) {
          foldRecords(store.live, r.docId, r.records);
          if (r.evicted) dropPayloads(store.live.capture, r.evicted);
        }
        store.findings.invalidate(true);
        store.pageView.invalidate(true);
        break;
      }
      case 'records':
        if (store.snapshotParts.pending > 0) {
          store.snapshotParts.held.push(msg);
          return;
        }
        foldRecords(store.live, msg.docId, msg.records);
        // The background dropped these payloads to stay in the tab's byte budget: so does the panel.
        if (msg.evicted) dropPayloads(store.live.capture, msg.evicted);
        if (store.frameBatch) {
          // The data is current now; the views hear of it at most once per frame.
          store.frameBatch(() => {
            if (live) store.findings.invalidate();
            store.version.value += 1;
          });
          return;
        }
        if (live) store.findings.invalidate();
        break;
      case 'capture-state':
        store.captureState.state.value = { recording: msg.recording, recordOnLoad: msg.recordOnLoad, origin: msg.origin, storage: msg.storage };
        store.captureState.linkedTabs.value = msg.linkedTabs ?? [];
        store.captureState.internalErrors.value = msg.internalErrors;
        store.captureState.deep.value = msg.deepCapture ?? null;
        // The background owns armed faults: its list replaces what the panel assumed.
        store.faults.armed.value = msg.armedFaults;
        return;
      case 'sessions':
        store.sessions.list.value = msg.sessions;
        return;
      case 'stored-session':
        if (store.sessions.loading.value !== msg.session.id) return;
        addMocks(store.mocks, msg.snapshot.mocks ?? []);
        // Shown once whole: a verdict or an answer read from part of it would be wrong.
        if ((msg.parts ?? 0) > 0) {
          store.storedParts = { sessionId: msg.session.id, pending: msg.parts!, info: msg.session, data: tabDataOf(msg.snapshot) };
          return;
        }
        store.sessions.loading.value = null;
        store.sessions.open.value = false;
        showSource(store, { kind: 'stored', info: msg.session, data: tabDataOf(msg.snapshot) });
        return;
      case 'stored-session-part': {
        const pending = store.storedParts;
        if (!pending || pending.sessionId !== msg.sessionId || store.sessions.loading.value !== msg.sessionId) return;
        appendPart(pending.data.capture, msg);
        pending.pending -= 1;
        if (pending.pending > 0) return;
        store.storedParts = null;
        store.sessions.loading.value = null;
        store.sessions.open.value = false;
        showSource(store, { kind: 'stored', info: pending.info, data: pending.data });
        return;
      }
      case 'test-progress':
        store.tests.running.value = { runId: msg.runId, test: msg.test, step: msg.step, elapsedMs: msg.elapsedMs };
        return;
      case 'test-result':
        addTestRun(store.live, msg.run);
        if (store.tests.running.value?.test === msg.run.test) store.tests.running.value = null;
        store.findings.invalidate(true);
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

/** The field the connection's answer is read from; null goes back to the automatic reading. */
export function pickAnswerField(store: PanelStore, connectionId: string, key: string | null): void {
  const picks = new Map(store.answerFields.picks.value);
  if (key === null) picks.delete(connectionId);
  else picks.set(connectionId, key);
  store.answerFields.picks.value = picks;
}

/** The user's pick for a connection, or null (automatic). */
export function answerPickOf(store: PanelStore, connectionId: string): string | null {
  return store.answerFields.picks.value.get(connectionId) ?? null;
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

/** Shows a stored session or an import (read-only), or the live tab again. */
export function showSource(store: PanelStore, source: Source): void {
  batch(() => {
    store.source.value = source;
    clearSelection(store);
    store.findings.invalidate(true);
    store.pageView.invalidate(true);
    store.version.value += 1;
  });
}

export function backToLive(store: PanelStore): void {
  showSource(store, { kind: 'live' });
}

/** Switches between the sessions of an imported file. */
export function showImportedSession(store: PanelStore, index: number): void {
  const s = store.source.value;
  if (s.kind !== 'imported' || index < 0 || index >= s.sessions.length) return;
  showSource(store, { ...s, index });
}

/**
 * Follows a piece of evidence to what it names: the connection, in the events tab, with its
 * first named event selected. Returns false when it names nothing in the shown capture (e.g.
 * a connection of the second tab a test opened).
 */
export function selectEvidence(store: PanelStore, ev: Evidence): boolean {
  const target = evidenceTarget(ev, store.capture);
  if (!target) return false;
  batch(() => {
    store.view.value = 'connections';
    if (!store.capture.get(target.connectionId)?.summary.streaming) store.filter.showAll.value = true;
    store.filter.text.value = '';
    selectConnection(store, target.connectionId);
    store.selection.tab.value = 'events';
    if (target.seq !== null) {
      const index = store.eventMode.value === 'messages' ? Math.max(0, rowContaining(store.eventRows.value, target.seq)) : target.seq;
      selectEvent(store, index, true);
    }
  });
  return true;
}
