/**
 * The background routes: relays' capture goes into the capture service (memory + IndexedDB)
 * and out to the panels subscribed to that tab; panels' requests come back. The tab a record
 * belongs to is always taken from the port's sender, never from anything the page sent.
 *
 * It also decides whether a tab records at all: only while a panel watches it, or when the
 * user asked to record its origin from page load. Otherwise hooks stay dormant.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { PANEL_PORT, RELAY_PORT, isPanelToBackground, isRelayToBackground, message, type BackgroundCaptureState, type BackgroundRecords, type BackgroundSessions, type BackgroundSnapshot, type BackgroundStoredSession, type BackgroundTabReset, type BackgroundTestProgress, type BackgroundTestResult, type BackgroundToPanel, type BackgroundView, type RunTestOptions, parseRunTestOptions, type CommandToHook, type HookArmFault, type HookArmReplay, type HookDisarmFault, type HookReleaseFault, type HookSetRecording, type PanelToBackground, type RelayResend } from '../messages';
import { sanitizeViewSamples } from '../core/view/sample';
import { openCaptureStore, DEFAULT_RETENTION, type CaptureStore } from './store';
import { createPersister, type Persister } from './persist';
import { createCaptureService, type CaptureService } from './capture';
import { createRecordingSettings } from './settings';
import { browserRunId } from './browser-run';
import { createWatchedTabs } from './watched';
import { parseFaultSpec } from '../core/faults/spec';
import { parseRecording } from '../core/replay/recording';
import type { TestId } from '../core/analysis/types';
import { createBrowserTestContext } from './tests/browser-context';
import { runTest } from './tests/runner';
import { isEventPage, startEventPageKeepAlive } from './keepalive.firefox';

interface Relay {
  port: Runtime.Port;
  origin: string | null;
  isTop: boolean;
}

const panels = new Map<number, Set<Runtime.Port>>();
const relays = new Map<number, Set<Relay>>();
const settings = createRecordingSettings(browser.storage.local);
const watched = createWatchedTabs(browser.storage.session, Date.now);

interface Services {
  capture: CaptureService;
  store: CaptureStore;
  persister: Persister;
}

// Every handler awaits this: a worker woken by a message must open storage before using it.
const ready: Promise<Services> = (async () => {
  const store = await openCaptureStore();
  let capture: CaptureService | null = null;
  const persister = createPersister(store, {
    flushDelayMs: 100,
    maxPendingEvents: 200_000,
    retention: DEFAULT_RETENTION,
    liveSessions: () => capture?.liveSessions() ?? new Set(),
    onStatus: () => {
      for (const tabId of panels.keys()) void sendCaptureState(tabId);
    },
  });
  capture = createCaptureService({ store, persister, browserRun: await browserRunId(browser.storage), now: Date.now, newId: () => crypto.randomUUID() });
  return { capture, store, persister };
})();

function post(port: Runtime.Port, msg: BackgroundToPanel | CommandToHook | RelayResend): void {
  try {
    port.postMessage(msg);
  } catch {
    // The other side went away; its onDisconnect cleans up.
  }
}

function toPanels(tabId: number, msg: BackgroundToPanel): void {
  for (const p of panels.get(tabId) ?? []) post(p, msg);
}

/** The tabs each armed fault was sent to, so disarming reaches the same tabs. */
const armedFaults = new Map<string, number[]>();

function toRelays(tabId: number, cmd: CommandToHook): void {
  for (const r of relays.get(tabId) ?? []) post(r.port, cmd);
}

function topOrigin(tabId: number): string | null {
  for (const r of relays.get(tabId) ?? []) if (r.isTop) return r.origin;
  return null;
}

/** Tabs opened by a running test: recorded with no panel attached. */
const testTabs = new Set<number>();
/** The test running against each tab (one at a time per tab). */
const runningTests = new Map<number, { runId: string; cancelled: boolean }>();
/** Stop presses a driver reports for a tab's running second-tab-cancel test. */
const stopReports = new Map<number, (stop: { found: boolean; enabled: boolean; label: string }) => void>();

function waitForStopReport(tabId: number, timeoutMs: number): Promise<{ found: boolean; enabled: boolean; label: string }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stopReports.delete(tabId);
      resolve({ found: false, enabled: false, label: '' });
    }, timeoutMs);
    stopReports.set(tabId, (stop) => {
      clearTimeout(timer);
      stopReports.delete(tabId);
      resolve(stop);
    });
  });
}

async function isRecording(tabId: number, origin: string | null): Promise<boolean> {
  if ((panels.get(tabId)?.size ?? 0) > 0 || testTabs.has(tabId)) return true;
  await watched.ready;
  if (watched.remembered(tabId)) return true;
  return origin !== null && (await settings.recordsOnLoad(origin));
}

/** Tells every hook of the tab whether to record, and the tab's panels what is going on. */
async function updateRecording(tabId: number): Promise<void> {
  for (const r of relays.get(tabId) ?? []) {
    post(r.port, message<HookSetRecording>({ type: 'set-recording', recording: await isRecording(tabId, r.origin) }));
  }
  await sendCaptureState(tabId);
}

async function sendCaptureState(tabId: number): Promise<void> {
  const origin = topOrigin(tabId);
  toPanels(tabId, message<BackgroundCaptureState>({
    type: 'capture-state',
    tabId,
    recording: await isRecording(tabId, origin),
    recordOnLoad: origin !== null && (await settings.recordsOnLoad(origin)),
    origin,
    storage: (await ready).persister.status(),
    linkedTabs: (await ready).capture.links(tabId),
  }));
}

function originOf(sender: Runtime.MessageSender | undefined): string | null {
  try {
    return new URL(sender?.url ?? '').origin;
  } catch {
    return null;
  }
}

function handleRelay(port: Runtime.Port): void {
  const tabId = port.sender?.tab?.id;
  if (tabId === undefined || tabId < 0) {
    port.disconnect();
    return;
  }
  const relay: Relay = { port, origin: originOf(port.sender), isTop: (port.sender?.frameId ?? 0) === 0 };
  let set = relays.get(tabId);
  if (!set) relays.set(tabId, (set = new Set()));
  set.add(relay);
  let docId: string | null = null;
  port.onDisconnect.addListener(() => relays.get(tabId)?.delete(relay));
  port.onMessage.addListener(async (m: unknown) => {
    if (!isRelayToBackground(m)) return;
    const { capture } = await ready;
    if (m.type === 'hello') {
      docId = m.docId;
      const url = port.sender?.url ?? m.url;
      if (await capture.hello(tabId, m.docId, url, relay.isTop, m.firstConnect)) {
        const { sessionId } = await capture.snapshot(tabId);
        toPanels(tabId, message<BackgroundTabReset>({ type: 'reset', tabId, sessionId, reason: 'navigated' }));
      }
      // Batches this document sent that storage does not have (the worker died before writing
      // them) come again from the relay's buffer.
      // Always answered: the relay holds new batches until it knows where storage stands.
      post(port, message<RelayResend>({ type: 'resend', after: await capture.lastSeq(tabId, m.docId) }));
      post(port, message<HookSetRecording>({ type: 'set-recording', recording: await isRecording(tabId, relay.origin) }));
      if (relay.isTop) await sendCaptureState(tabId);
      return;
    }
    // A hook only sends while told to record; anything else is a page posting on our channel.
    if (!docId || !(await isRecording(tabId, relay.origin))) return;
    if (m.type === 'view') {
      const samples = sanitizeViewSamples(m.samples, docId);
      await capture.addView(tabId, samples);
      // A sample racing a subscribe may reach the panel in its snapshot and again here: the
      // analysis reads blocks' longest and latest texts, so a repeated sample changes nothing.
      if (samples.length > 0) toPanels(tabId, message<BackgroundView>({ type: 'view', tabId, samples }));
      return;
    }
    const accepted = await capture.apply(tabId, docId, m.records, m.seq);
    // A new connection may carry the ids that link this tab to another: tell watching panels.
    if (accepted.some((r) => r.type === 'open')) for (const watchedTab of panels.keys()) void sendCaptureState(watchedTab);
    if (accepted.length > 0) toPanels(tabId, message<BackgroundRecords>({ type: 'records', tabId, docId, records: accepted }));
  });
}

function isExtensionPage(port: Runtime.Port): boolean {
  return (port.sender?.url ?? '').startsWith(browser.runtime.getURL(''));
}

async function handlePanelMessage(port: Runtime.Port, m: PanelToBackground, subscribe: (tabId: number) => void): Promise<void> {
  const { capture, store } = await ready;
  switch (m.type) {
    case 'subscribe': {
      subscribe(m.tabId);
      const { sessionId, snapshot } = await capture.snapshot(m.tabId);
      post(port, message<BackgroundSnapshot>({ type: 'snapshot', tabId: m.tabId, sessionId, snapshot }));
      await updateRecording(m.tabId);
      return;
    }
    case 'clear': {
      const sessionId = await capture.clear(m.tabId);
      toPanels(m.tabId, message<BackgroundTabReset>({ type: 'reset', tabId: m.tabId, sessionId, reason: 'cleared' }));
      return;
    }
    case 'set-record-on-load': {
      const origin = topOrigin(m.tabId);
      if (origin) await settings.setRecordOnLoad(origin, m.enabled);
      await updateRecording(m.tabId);
      return;
    }
    case 'list-sessions':
      post(port, message<BackgroundSessions>({ type: 'sessions', tabId: m.tabId, sessions: await store.list() }));
      return;
    case 'arm-fault': {
      const parsed = parseFaultSpec(m.fault);
      if (!parsed.ok) return;
      const fault = parsed.spec;
      const tabs = fault.scope.kind === 'session' ? [m.tabId, ...capture.linkedTabs(m.tabId)] : [m.tabId];
      armedFaults.set(fault.id, tabs);
      for (const t of tabs) toRelays(t, message<HookArmFault>({ type: 'arm-fault', fault }));
      return;
    }
    case 'disarm-fault':
    case 'release-fault': {
      const cmd = m.type === 'disarm-fault' ? message<HookDisarmFault>({ type: 'disarm-fault', faultId: m.faultId }) : message<HookReleaseFault>({ type: 'release-fault', faultId: m.faultId, deliver: m.deliver });
      for (const t of armedFaults.get(m.faultId) ?? [m.tabId]) toRelays(t, cmd);
      if (m.type === 'disarm-fault') armedFaults.delete(m.faultId);
      return;
    }
    case 'run-test':
      void startTest(m.tabId, m.test, parseRunTestOptions(m.options));
      return;
    case 'replay': {
      const parsed = parseRecording(m.recording);
      if (parsed.ok) toRelays(m.tabId, message<HookArmReplay>({ type: 'arm-replay', recording: parsed.recording, scale: m.scale }));
      return;
    }
    case 'stop-pressed':
      stopReports.get(m.tabId)?.({ found: m.found, enabled: m.enabled, label: m.label });
      return;
    case 'cancel-test': {
      const run = runningTests.get(m.tabId);
      if (run) run.cancelled = true;
      return;
    }
    case 'load-session': {
      const loaded = await store.load(m.sessionId);
      if (loaded) post(port, message<BackgroundStoredSession>({ type: 'stored-session', tabId: m.tabId, session: loaded.session, snapshot: loaded.snapshot }));
      return;
    }
  }
}

async function startTest(tabId: number, test: TestId, options: Partial<RunTestOptions>): Promise<void> {
  if (runningTests.has(tabId)) return;
  const { capture } = await ready;
  const runId = crypto.randomUUID();
  const state = { runId, cancelled: false };
  runningTests.set(tabId, state);
  const startedAt = Date.now();
  const ctx = createBrowserTestContext(tabId, test, options, {
    capture,
    testTabs,
    armFault: (t, fault) => toRelays(t, message<HookArmFault>({ type: 'arm-fault', fault })),
    disarmFault: (t, faultId) => toRelays(t, message<HookDisarmFault>({ type: 'disarm-fault', faultId })),
    onProgress: (step) => toPanels(tabId, message<BackgroundTestProgress>({ type: 'test-progress', tabId, runId, test, step, elapsedMs: Date.now() - startedAt })),
    aborted: () => state.cancelled,
    stopReported: (timeoutMs) => waitForStopReport(tabId, timeoutMs),
  });
  try {
    const verdict = await runTest(ctx);
    const run = { id: runId, test, startedAt, endedAt: Date.now(), verdict };
    await capture.addTestRun(tabId, run);
    toPanels(tabId, message<BackgroundTestResult>({ type: 'test-result', tabId, run }));
  } finally {
    runningTests.delete(tabId);
  }
}

function handlePanel(port: Runtime.Port): void {
  // Only our own pages may read captures: a content script (or a page through it) may not.
  if (!isExtensionPage(port)) {
    port.disconnect();
    return;
  }
  let subscribed: number | null = null;
  const subscribe = (tabId: number) => {
    if (subscribed !== null) panels.get(subscribed)?.delete(port);
    subscribed = tabId;
    let set = panels.get(tabId);
    if (!set) panels.set(tabId, (set = new Set()));
    set.add(port);
    watched.set(tabId, true);
  };
  port.onMessage.addListener((m: unknown) => {
    if (isPanelToBackground(m)) void handlePanelMessage(port, m, subscribe);
  });
  port.onDisconnect.addListener(() => {
    if (subscribed === null) return;
    panels.get(subscribed)?.delete(port);
    if ((panels.get(subscribed)?.size ?? 0) === 0) watched.set(subscribed, false);
    // The last panel of a tab closed: its hooks go dormant unless the origin records on load.
    void updateRecording(subscribed);
  });
}

// Firefox only (an event page there, a service worker in Chrome): stay loaded while a panel
// watches a tab or a test runs, or Firefox unloads us mid-session (see keepalive.firefox.ts).
startEventPageKeepAlive({
  isEventPage: isEventPage(),
  needed: () => runningTests.size > 0 || [...panels.values()].some((set) => set.size > 0),
  ping: () => browser.runtime.getPlatformInfo(),
  setInterval: (fn, ms) => setInterval(fn, ms),
});

browser.runtime.onConnect.addListener((port) => {
  if (port.name === RELAY_PORT) handleRelay(port);
  else if (port.name === PANEL_PORT) handlePanel(port);
  else port.disconnect();
});

browser.tabs.onRemoved.addListener((tabId) => {
  void ready.then(({ capture }) => capture.forgetTab(tabId));
  relays.delete(tabId);
  panels.delete(tabId);
});
