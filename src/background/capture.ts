/**
 * The background's capture of every tab: the live session of each tab (one page load), folded
 * with the core's `foldRecords` (the panel's fold too), written through to IndexedDB in batches, and brought back
 * from IndexedDB when the service worker restarts. Browser-free apart from the store, so it is
 * tested in Node against fake-indexeddb.
 *
 * Work for one tab is serialized: a hello that starts a new session, or a reload from storage
 * after a worker restart, completes before that tab's next records are folded.
 */
import type { Mock } from '../core/mock/model';
import { PAGE_CONN, isUntrusted, foldRecords, snapshotOf, tabFromSnapshot, type TabCapture, type TabSnapshot } from '../core/trace/model';
import { correlationIds, sharesCorrelation } from '../core/trace/correlation';
import type { CaptureRecord } from '../core/trace/records';
import type { SessionInfo, TestRunRecord } from '../core/trace/session';
import type { CaptureStore } from './store';
import { appendView, type ViewSample } from '../core/view/sample';
import type { Persister } from './persist';
import { DEFAULT_BYTE_BUDGET, dropPayloads, evictionDetail, heldBytes, heldBytesOf, planEviction, type Eviction } from '../core/trace/budget';

/** Mocks kept per session. */
const MOCKS_PER_SESSION = 20;

interface LiveTab {
  /** Roughly the bytes its capture holds (see core/trace/budget.ts). */
  held: number;
  /** What the page showed, bounded (kept in memory with the live session, not stored). */
  view: ViewSample[];
  session: SessionInfo;
  capture: TabCapture;
  topDocId: string | null;
}

export interface CaptureService {
  /** A document's relay said hello. Resolves true when this starts a new page load (session). */
  hello(tabId: number, docId: string, url: string, isTopFrame: boolean, firstConnect: boolean): Promise<boolean>;
  /**
   * Folds one relay batch; resolves with the records accepted (forwarded to panels as they
   * are). A batch already stored (a re-send) is ignored; batches missing before it are
   * reported as a `capture-lost` page signal, which is then among the accepted records.
   */
  apply(tabId: number, docId: string, records: CaptureRecord[], seq: number): Promise<AppliedBatch>;
  /** The last batch of a document the tab's session has (0: none). */
  lastSeq(tabId: number, docId: string): Promise<number>;
  snapshot(tabId: number): Promise<{ sessionId: string | null; snapshot: TabSnapshot }>;
  /** Adds what the page of the tab's live session showed (samples from the relay). */
  addView(tabId: number, samples: ViewSample[]): Promise<void>;
  /** Keeps a test run with the tab's live session (and so in its trace). */
  addTestRun(tabId: number, run: TestRunRecord): Promise<void>;
  /** Keeps a mock armed for the tab with its session (stored, and in its snapshots). */
  addMock(tabId: number, mock: Mock): Promise<void>;
  /** Starts an empty session for the tab (the panel's Clear). */
  clear(tabId: number): Promise<string | null>;
  /** Ids of the sessions being written to (retention must keep them). */
  liveSessions(): ReadonlySet<string>;
  /** Other tabs whose live session shares a conversation/run/session id with this tab's. */
  linkedTabs(tabId: number): number[];
  /** The same, with the ids they share. */
  links(tabId: number): Array<{ tabId: number; ids: string[] }>;
  forgetTab(tabId: number): void;
  /** The user changed the byte budget (applies from the next batch). */
  setByteBudget(bytes: number | null): void;
}

export interface CaptureServiceDeps {
  store: CaptureStore;
  persister: Persister;
  browserRun: string;
  now(): number;
  newId(): string;
  /** Bytes a tab's live session may hold before the oldest payloads go (DEFAULT_BYTE_BUDGET). */
  byteBudget?: number;
}

/** What one relay batch did: the records accepted, and the payloads dropped to stay in budget. */
export interface AppliedBatch {
  records: CaptureRecord[];
  evicted: Eviction[];
}

export function createCaptureService(deps: CaptureServiceDeps): CaptureService {
  const live = new Map<number, LiveTab>();
  const queues = new Map<number, Promise<unknown>>();

  const serialize = <T>(tabId: number, fn: () => Promise<T>): Promise<T> => {
    const next = (queues.get(tabId) ?? Promise.resolve()).then(fn, fn);
    queues.set(tabId, next.catch(() => undefined));
    return next;
  };

  const newSession = (tabId: number, url: string): LiveTab => {
    const t = deps.now();
    const session: SessionInfo = { id: deps.newId(), tabId, browserRun: deps.browserRun, url, startedAt: t, updatedAt: t, connections: 0, events: 0, bytes: 0, correlationIds: [], signals: [], faults: [], testRuns: [] };
    const tab: LiveTab = { session, capture: new Map(), topDocId: null, view: [], held: 0 };
    live.set(tabId, tab);
    deps.persister.enqueue(session, [], []);
    return tab;
  };

  /** The tab's live session: in memory, else the newest stored one of this browser run. */
  const current = async (tabId: number): Promise<LiveTab | null> => {
    const inMemory = live.get(tabId);
    if (inMemory) return inMemory;
    await deps.persister.flush();
    const stored = await deps.store.latestOfTab(tabId, deps.browserRun);
    if (!stored) return null;
    const loaded = await deps.store.load(stored.id);
    if (!loaded) return null;
    const capture = tabFromSnapshot(loaded.snapshot);
    const tab: LiveTab = { session: loaded.session, capture, topDocId: null, view: [], held: heldBytesOf(capture) };
    live.set(tabId, tab);
    return tab;
  };

  let budget = deps.byteBudget ?? DEFAULT_BYTE_BUDGET;
  /**
   * Past the budget, the oldest payloads go, in memory and in storage, and a page signal (folded
   * like any record, so the panel and the stored session have it) says what went.
   */
  const enforceBudget = (tab: LiveTab, docId: string): { records: CaptureRecord[]; evictions: Eviction[] } => {
    const plan = planEviction(tab.capture, tab.held, budget);
    if (plan.evictions.length === 0) return { records: [], evictions: [] };
    tab.held -= dropPayloads(tab.capture, plan.evictions);
    deps.persister.dropPayloads(tab.session.id, plan.evictions);
    const signal: CaptureRecord = { type: 'page', conn: PAGE_CONN, time: deps.now(), signal: 'capture-lost', detail: evictionDetail(plan.events, plan.bytes, budget) };
    const s = tab.session;
    foldRecords({ capture: tab.capture, signals: s.signals, faults: s.faults }, docId, [signal]);
    deps.persister.enqueue(s, [], []);
    return { records: [signal], evictions: plan.evictions };
  };

  return {
    hello(tabId, docId, url, isTopFrame, firstConnect) {
      return serialize(tabId, async () => {
        if (isTopFrame && firstConnect) {
          const tab = live.get(tabId);
          if (tab?.topDocId === docId) return false;
          newSession(tabId, url).topDocId = docId;
          return true;
        }
        if (!(await current(tabId))) newSession(tabId, url);
        return false;
      });
    },

    lastSeq(tabId, docId) {
      return serialize(tabId, async () => (await current(tabId))?.session.docSeqs?.[docId] ?? 0);
    },

    apply(tabId, docId, batch, seq) {
      return serialize(tabId, async () => {
        const tab = (await current(tabId)) ?? newSession(tabId, '');
        const seqs = (tab.session.docSeqs ??= {});
        const last = seqs[docId] ?? 0;
        if (seq <= last) return { records: [], evicted: [] };
        seqs[docId] = seq;
        const records: CaptureRecord[] = seq > last + 1
          ? [{ type: 'page', conn: PAGE_CONN, time: deps.now(), signal: 'capture-lost', detail: `${seq - last - 1} capture batch${seq - last - 1 === 1 ? ' was' : 'es were'} lost while the extension restarted` }, ...batch]
          : batch;
        const s = tab.session;
        const folded = foldRecords({ capture: tab.capture, signals: s.signals, faults: s.faults }, docId, records, (r, summary) => {
          // Data the relay could not attribute to the hook never links this tab to another (a page
          // forging a victim's conversation id would become "the same session" and share its faults).
          if ((r.type === 'open' || r.type === 'response') && !isUntrusted(summary)) {
            for (const id of correlationIds(summary)) if (!s.correlationIds.includes(id)) s.correlationIds.push(id);
          }
        });
        s.connections += folded.opened;
        for (const { event } of folded.events) {
          s.events += 1;
          s.bytes += event.size;
          tab.held += heldBytes(event);
        }
        if (folded.accepted.length > 0) {
          s.updatedAt = deps.now();
          deps.persister.enqueue(s, folded.changed.values(), folded.events);
        }
        const evicted = enforceBudget(tab, docId);
        return { records: [...folded.accepted, ...evicted.records], evicted: evicted.evictions };
      });
    },

    snapshot(tabId) {
      return serialize(tabId, async () => {
        const tab = await current(tabId);
        const mocks = tab?.session.mocks;
        return tab ? { sessionId: tab.session.id, snapshot: { ...snapshotOf(tab.capture, tab.session.signals, tab.session.faults, tab.session.testRuns), view: [...tab.view], ...(mocks?.length ? { mocks: [...mocks] } : {}) } } : { sessionId: null, snapshot: snapshotOf(new Map()) };
      });
    },

    addView(tabId, samples) {
      return serialize(tabId, async () => {
        const tab = await current(tabId);
        if (tab && samples.length > 0) appendView(tab.view, samples);
      });
    },

    addTestRun(tabId, run) {
      return serialize(tabId, async () => {
        const tab = await current(tabId);
        if (!tab) return;
        tab.session.testRuns.push(run);
        tab.session.updatedAt = deps.now();
        deps.persister.enqueue(tab.session, [], []);
      });
    },

    addMock(tabId, mock) {
      return serialize(tabId, async () => {
        const tab = await current(tabId);
        if (!tab) return;
        // The newest few: a session is stored whole on every change.
        tab.session.mocks = [...(tab.session.mocks ?? []), mock].slice(-MOCKS_PER_SESSION);
        tab.session.updatedAt = deps.now();
        deps.persister.enqueue(tab.session, [], []);
      });
    },

    clear(tabId) {
      return serialize(tabId, async () => {
        const prev = live.get(tabId);
        const tab = newSession(tabId, prev?.session.url ?? '');
        tab.topDocId = prev?.topDocId ?? null;
        return tab.session.id;
      });
    },

    liveSessions: () => new Set([...live.values()].map((t) => t.session.id)),

    linkedTabs(tabId) {
      const mine = live.get(tabId)?.session.correlationIds ?? [];
      return [...live.entries()].filter(([id, t]) => id !== tabId && sharesCorrelation(mine, t.session.correlationIds)).map(([id]) => id);
    },

    links(tabId) {
      const mine = new Set(live.get(tabId)?.session.correlationIds ?? []);
      return [...live.entries()]
        .filter(([id]) => id !== tabId)
        .map(([id, t]) => ({ tabId: id, ids: t.session.correlationIds.filter((x) => mine.has(x)) }))
        .filter((l) => l.ids.length > 0);
    },

    forgetTab(tabId) {
      live.delete(tabId);
      queues.delete(tabId);
    },

    setByteBudget(bytes) {
      budget = bytes ?? DEFAULT_BYTE_BUDGET;
    },
  };
}
