/**
 * The boundary between the extension's own pages (the DevTools panel, the CLI's control page)
 * and the background. The panel sends requests; the background answers each one and pushes
 * what the tab captures as events.
 *
 *   panel ──request {id}──▶ background ──reply {replyTo}──▶ panel
 *                           background ──events──────────▶ every panel watching the tab
 */
import type { CaptureRecord, WorkerType } from '../core/trace/records';
import type { TabSnapshot, TraceEvent } from '../core/trace/model';
import type { SessionInfo, StorageStatus, TestRunRecord } from '../core/trace/session';
import { TEST_IDS, type TestId } from '../core/analysis/types';
import type { ViewSample } from '../core/view/sample';
import type { Eviction } from '../core/trace/budget';
import { parseFaultSpec, type FaultSpec } from '../core/faults/spec';
import { parseAnyRecording, type AnyRecording } from '../core/replay/any';
import { parseMock, type Mock } from '../core/mock/model';
import { direction, parseErrorReply, type ErrorReply, type MessageOf, type Parser, type Parsers, type Protocol } from './kit';
import type { InternalErrorReport } from './internal-errors';
import { wsControlOf, type WsAction } from './ws-control';

/** Port name for runtime.connect. */
export const PANEL_PORT = 'dsi-panel';

export interface RunTestOptions {
  waitForGenerationMs: number;
  dropAfterEvents: number;
  timeoutMs: number;
  secondTabUrl: string | null;
  stopSelector: string | null;
  /** The check runner's driver presses stop itself, then reports it with `stop-pressed`. */
  externalStop: boolean;
}

interface Tab {
  tabId: number;
}

/** Panel → background. */
export interface PanelRequests {
  /**
   * Watch the tab: answered with its snapshot, then its events follow. `listFirst`: the reply
   * carries only the first events (core/trace/snapshot-parts.ts SNAPSHOT_INLINE_BYTES) and the
   * rest follow in parts, so a panel lists a long capture's connections before all of its events
   * have crossed; without it, a snapshot under a message's limit comes whole, as callers that read
   * only the reply expect.
   */
  subscribe: Tab & { listFirst?: boolean };
  clear: Tab;
  /** Keep recording this tab's origin from page load on, even with no panel open. */
  'set-record-on-load': Tab & { enabled: boolean };
  'list-sessions': Tab;
  /** Opens a stored session (e.g. from before a browser restart) read-only. */
  'load-session': Tab & { sessionId: string };
  /** Arm a fault in the tab (scope 'session' reaches every tab linked to the tab's session). */
  'arm-fault': Tab & { fault: FaultSpec };
  'disarm-fault': Tab & { faultId: string };
  /** End a stall that holds until released: deliver what was held, or drop. */
  'release-fault': Tab & { faultId: string; deliver: boolean };
  /** Run a validation test against the tab. Options are partial; the background fills defaults. */
  'run-test': Tab & { test: TestId; options: Partial<RunTestOptions> };
  'cancel-test': Tab;
  /**
   * Answer the app's next matching request (method + URL path) from a recording instead of the
   * network; `scale` stretches (>1) or compresses (<1) the recorded timing, 0 sends at once.
   */
  /** `mock`: what the recording was compiled from, kept with the tab's session. */
  replay: Tab & { recording: AnyRecording; scale: number; mock?: Mock };
  /** The check runner's driver pressed (or could not find) the stop control in the second tab. */
  'stop-pressed': Tab & StopPress;
  /**
   * The tabs whose top document shows this URL, as their relays report it: the extension has no
   * host permissions, so the tabs API hides every tab's URL from the driver and the CLI.
   */
  'find-tabs': { url: string };
  /**
   * Turn deep capture (the debugger reading the tab's workers' streams) on or off for this tab.
   * Only a panel can send it (the background takes panel ports from its own pages only); the
   * panel asks for the `debugger` permission in the user's click before it does.
   */
  'set-deep-capture': Tab & { enabled: boolean };
  /**
   * Act on one captured WebSocket of the tab (`conn` is the panel's connection id). Answered
   * once the tab's hook was told; what it did comes back as a `control` capture record.
   */
  'ws-control': Tab & { conn: string; action: WsAction };
  /**
   * Bring into the capture what the tab's documents hold or have on the way: answered once each
   * document answered (or could not, within a bound), so a `subscribe` next has all the page saw.
   * The check runner and the Playwright fixture send it before reading a capture.
   */
  'flush-capture': Tab;
}

export interface StopPress {
  found: boolean;
  enabled: boolean;
  label: string;
  /** When the driver pressed it (epoch ms): its report arrives later, by a loaded machine's delay. */
  at?: number;
}

/** Background → panel. */
export interface PanelEvents {
  /**
   * The tab's capture. `parts`: how many `snapshot-part` messages follow it with the events it
   * could not carry (core/trace/snapshot-parts.ts); records that arrive before the last are held.
   */
  snapshot: Tab & { sessionId: string | null; snapshot: TabSnapshot; parts?: number };
  /** The next events of one connection of the snapshot just sent, in order. */
  'snapshot-part': Tab & { sessionId: string | null; connectionId: string; events: TraceEvent[] };
  /**
   * Newly captured records of one document of the tab; the panel folds them with `foldRecords`,
   * then drops the payloads the background dropped to stay in the tab's byte budget.
   */
  records: Tab & { docId: string; records: CaptureRecord[]; evicted?: Eviction[] };
  reset: Tab & { sessionId: string | null; reason: 'navigated' | 'cleared' };
  /** Whether the tab is captured, and the health of storage: the panel shows both. */
  'capture-state': Tab & CaptureState;
  sessions: Tab & { sessions: SessionInfo[] };
  /** A stored session; `parts`: how many `stored-session-part` messages follow, as for a snapshot. */
  'stored-session': Tab & { session: SessionInfo; snapshot: TabSnapshot; parts?: number };
  /** The next events of one connection of the stored session just sent, in order. */
  'stored-session-part': Tab & { sessionId: string; connectionId: string; events: TraceEvent[] };
  'test-progress': Tab & { runId: string; test: TestId; step: string; elapsedMs: number };
  'test-result': Tab & { run: TestRunRecord };
  /**
   * What the page showed, newly sampled (already rebuilt by `sanitizeViewSamples`, with their
   * document): the panel appends them, bounded, to the view its snapshot carried.
   */
  view: Tab & { samples: ViewSample[] };
  tabs: { url: string; tabIds: number[] };
  /** A request that has nothing to return was carried out. */
  ack: Record<never, never>;
  error: ErrorReply;
}

export interface CaptureState {
  recording: boolean;
  recordOnLoad: boolean;
  /** Origin of the tab's page, or null when it cannot be captured (e.g. chrome:// pages). */
  origin: string | null;
  storage: StorageStatus;
  /** Other tabs whose session shares a conversation/run/session id with this tab's. */
  linkedTabs: Array<{ tabId: number; ids: string[] }>;
  /** The faults armed in this tab, as the background (their one owner) holds them. */
  armedFaults: ArmedFault[];
  /** Our own code's failures, in the tab's page and in the background. */
  internalErrors: InternalErrorReport[];
  /** Deep capture of the tab's workers (Chromium's debugger): whether it can run, is on, and why not. */
  deepCapture: DeepCaptureState;
}

export interface DeepCaptureState {
  /** Null when this browser and build can run it; otherwise why not, for the user. */
  unavailable: string | null;
  on: boolean;
  /** Why it went off by itself (the user closed the browser's debugging banner, the tab closed…). */
  offReason: string | null;
  /** The workers it reads now. */
  workers: Array<{ type: WorkerType; url: string }>;
}

/** Which event answers each request. */
export const PANEL_REPLIES = {
  subscribe: 'snapshot',
  clear: 'ack',
  'set-record-on-load': 'ack',
  'list-sessions': 'sessions',
  'load-session': 'stored-session',
  'arm-fault': 'ack',
  'disarm-fault': 'ack',
  'release-fault': 'ack',
  'run-test': 'test-result',
  'cancel-test': 'ack',
  replay: 'ack',
  'stop-pressed': 'ack',
  'find-tabs': 'tabs',
  'set-deep-capture': 'ack',
  'ws-control': 'ack',
  'flush-capture': 'ack',
} as const satisfies { [K in keyof PanelRequests]: keyof PanelEvents };

export type PanelRequest<K extends keyof PanelRequests = keyof PanelRequests> = MessageOf<PanelRequests, K>;
export type PanelEvent<K extends keyof PanelEvents = keyof PanelEvents> = MessageOf<PanelEvents, K>;

// ── parsers ──────────────────────────────────────────────────────────────────────────────

function tab(x: Record<string, unknown>): Tab | null {
  return Number.isSafeInteger(x.tabId) ? { tabId: x.tabId as number } : null;
}

/** A request parser: the tab, and the rest of the body checked by `rest`. */
function withTab<T extends object>(rest: (x: Record<string, unknown>) => T | null): Parser<Tab & T> {
  return (x) => {
    const t = tab(x);
    const r = t && rest(x);
    return t && r ? { ...r, ...t } : null;
  };
}

const only = withTab(() => ({}));

/** Rebuilds test options from a message: numbers bounded, URLs http(s) only. */
export function parseRunTestOptions(x: unknown): Partial<RunTestOptions> {
  if (typeof x !== 'object' || x === null) return {};
  const o = x as Record<string, unknown>;
  const out: Partial<RunTestOptions> = {};
  const num = (k: 'waitForGenerationMs' | 'dropAfterEvents' | 'timeoutMs', max: number) => {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max) out[k] = v;
  };
  num('waitForGenerationMs', 600_000);
  num('dropAfterEvents', 1e6);
  num('timeoutMs', 600_000);
  if (typeof o.secondTabUrl === 'string' && /^https?:\/\//i.test(o.secondTabUrl) && o.secondTabUrl.length < 8192) out.secondTabUrl = o.secondTabUrl;
  if (typeof o.stopSelector === 'string' && o.stopSelector.length > 0 && o.stopSelector.length < 500) out.stopSelector = o.stopSelector;
  if (o.externalStop === true) out.externalStop = true;
  return out;
}

/** A fault as the panel arms it or the hook receives it: parsed once, at the hop it enters. */
export function faultOf(x: unknown): FaultSpec | null {
  const parsed = parseFaultSpec(x);
  return parsed.ok ? parsed.spec : null;
}

/** A fetch/XHR, WebSocket or EventSource recording and its time scale (old traces' recordings have no `kind`). */
export function replayOf(x: Record<string, unknown>): { recording: AnyRecording; scale: number } | null {
  if (typeof x.scale !== 'number' || !Number.isFinite(x.scale) || x.scale < 0 || x.scale > 100) return null;
  const parsed = parseAnyRecording(x.recording);
  return parsed.ok ? { recording: parsed.recording, scale: x.scale } : null;
}

export function faultIdOf(x: Record<string, unknown>): { faultId: string } | null {
  return typeof x.faultId === 'string' && x.faultId.length <= 200 ? { faultId: x.faultId } : null;
}

/** What a stop press found, without its time: the driver's report and the relay's answer alike. */
export function stopFoundOf(x: Record<string, unknown>): Omit<StopPress, 'at'> | null {
  return typeof x.found === 'boolean' && typeof x.enabled === 'boolean' && typeof x.label === 'string' && x.label.length < 200 ? { found: x.found, enabled: x.enabled, label: x.label } : null;
}

export function releaseOf(x: Record<string, unknown>): { faultId: string; deliver: boolean } | null {
  const id = faultIdOf(x);
  return id && typeof x.deliver === 'boolean' ? { ...id, deliver: x.deliver } : null;
}

const requestParsers: Parsers<PanelRequests> = {
  subscribe: withTab((x) => (x.listFirst === true ? { listFirst: true } : {})),
  clear: only,
  'set-record-on-load': withTab((x) => (typeof x.enabled === 'boolean' ? { enabled: x.enabled } : null)),
  'list-sessions': only,
  'load-session': withTab((x) => (typeof x.sessionId === 'string' && x.sessionId.length <= 200 ? { sessionId: x.sessionId } : null)),
  'arm-fault': withTab((x) => {
    const fault = faultOf(x.fault);
    return fault ? { fault } : null;
  }),
  'disarm-fault': withTab(faultIdOf),
  'release-fault': withTab(releaseOf),
  'run-test': withTab((x) => (TEST_IDS.includes(x.test as TestId) ? { test: x.test as TestId, options: parseRunTestOptions(x.options) } : null)),
  'cancel-test': only,
  replay: withTab((x) => {
    const r = replayOf(x);
    if (!r || x.mock === undefined) return r;
    const mock = parseMock(x.mock);
    return mock.ok ? { ...r, mock: mock.value } : null;
  }),
  'stop-pressed': withTab((x) => {
    const found = stopFoundOf(x);
    return found ? { ...found, ...(typeof x.at === 'number' && Number.isFinite(x.at) ? { at: x.at } : {}) } : null;
  }),
  'find-tabs': (x) => (typeof x.url === 'string' && x.url.length <= 16 * 1024 ? { url: x.url } : null),
  'set-deep-capture': withTab((x) => (typeof x.enabled === 'boolean' ? { enabled: x.enabled } : null)),
  'ws-control': withTab(wsControlOf),
  'flush-capture': only,
};

/**
 * The background is trusted (it built these from checked data), so its events are taken as
 * they come once they name a tab; only what the panel appends as it is gets a shape check.
 */
function trusted<T extends object>(check: (x: Record<string, unknown>) => boolean = () => true): Parser<T> {
  return (x) => (check(x) ? (x as unknown as T) : null);
}

const withTabId = (check: (x: Record<string, unknown>) => boolean = () => true) => (x: Record<string, unknown>) => Number.isSafeInteger(x.tabId) && check(x);

const eventParsers: Parsers<PanelEvents> = {
  snapshot: trusted(withTabId((x) => typeof x.snapshot === 'object' && x.snapshot !== null)),
  'snapshot-part': trusted(withTabId((x) => typeof x.connectionId === 'string' && Array.isArray(x.events))),
  records: trusted(withTabId((x) => typeof x.docId === 'string' && Array.isArray(x.records))),
  reset: trusted(withTabId()),
  'capture-state': trusted(withTabId((x) => Array.isArray(x.armedFaults) && Array.isArray(x.internalErrors))),
  sessions: trusted(withTabId((x) => Array.isArray(x.sessions))),
  'stored-session': trusted(withTabId()),
  'stored-session-part': trusted(withTabId((x) => typeof x.sessionId === 'string' && typeof x.connectionId === 'string' && Array.isArray(x.events))),
  'test-progress': trusted(withTabId()),
  'test-result': trusted(withTabId()),
  // The panel appends the samples as they are: an array or nothing.
  view: trusted(withTabId((x) => Array.isArray(x.samples))),
  tabs: trusted((x) => typeof x.url === 'string' && Array.isArray(x.tabIds)),
  ack: () => ({}),
  error: parseErrorReply,
};

const requests = direction<PanelRequests>(requestParsers);
const events = direction<PanelEvents>(eventParsers);

/** The boundary as a panel sees it: it sends requests and receives events. */
export const panelSide: Protocol<PanelRequests, PanelEvents, typeof PANEL_REPLIES> = { out: requests, in: events, replies: PANEL_REPLIES };
/** The boundary as the background sees it. */
export const backgroundPanelSide = { in: requests, out: events, replies: PANEL_REPLIES };

/** A fault as its owner, the background, holds it: what the panel's armed list shows. */
export interface ArmedFault {
  spec: FaultSpec;
  armedAt: number;
  /** Stalls released by the user (they stop offering Release). */
  released: boolean;
}

/**
 * How long a client waits for a test's verdict: the generation wait and the test's own timeout
 * (the background's defaults when unset), and a margin for opening and closing tabs.
 */
export function runTestTimeoutMs(options: Partial<RunTestOptions>): number {
  return (options.waitForGenerationMs ?? 30_000) + (options.timeoutMs ?? 15_000) + 30_000;
}
