/**
 * The background's wiring to the browser, and nothing else: storage, settings and the
 * scenario runner are built from the browser's APIs and handed to `createBackground`
 * (app.ts), and every port that connects is handed to it as a transport.
 */
import browser from 'webextension-polyfill';
import { PANEL_PORT } from '../protocol/panel';
import { RELAY_PORT } from '../protocol/page';
import { runtimePortTransport } from '../protocol/adapters/runtime-port';
import { openCaptureStore, DEFAULT_RETENTION } from './store';
import { createPersister } from './persist';
import { createCaptureService, type CaptureService } from './capture';
import { BUDGET_KEY, byteBudgetSetting, createRecordingSettings } from './settings';
import { browserRunId } from './browser-run';
import { createWatchedTabs } from './watched';
import { createFaultBook } from './fault-book';
import { createBrowserTestContext } from './scenarios/browser-context';
import { runTest } from './scenarios/runner';
import { isEventPage, startEventPageKeepAlive } from './keepalive.firefox';
import { createBackground, type BackgroundServices } from './app';
import { createDeepCapture, type DebuggerApi } from './deep-capture';
import { deepCaptureUnavailable } from './deep-availability';

let background: ReturnType<typeof createBackground> | null = null;

const services: Promise<BackgroundServices> = (async () => {
  const store = await openCaptureStore();
  let capture: CaptureService | null = null;
  const persister = createPersister(store, {
    flushDelayMs: 100,
    maxPendingEvents: 200_000,
    retention: DEFAULT_RETENTION,
    liveSessions: () => capture?.liveSessions() ?? new Set(),
    onStatus: () => background?.storageChanged(),
  });
  const byteBudget = (await byteBudgetSetting(browser.storage.local).catch(() => null)) ?? undefined;
  capture = createCaptureService({ store, persister, browserRun: await browserRunId(browser.storage), now: Date.now, newId: () => crypto.randomUUID(), byteBudget });
  // The budget can change while the background runs (the setting, or a test that sets it).
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && BUDGET_KEY in changes) void byteBudgetSetting(browser.storage.local).then((b) => capture?.setByteBudget(b));
  });
  return { capture, store, persister };
})();

/** chrome.debugger exists only in Chromium, and only with the permission this build may lack. */
const chromeDebugger = (globalThis as { chrome?: { debugger?: DebuggerApi } }).chrome?.debugger ?? null;
const deepCapture = createDeepCapture({
  debugger: chromeDebugger,
  unavailable: deepCaptureUnavailable(chromeDebugger !== null, browser.runtime.getManifest()),
  now: Date.now,
  onRecords: (tabId, docId, records) => background?.deepRecords(tabId, docId, records),
  onChange: (tabId) => background?.deepChanged(tabId),
  onError: (where, error) => console.error(`durable-sessions: ${where} failed`, error),
});

background = createBackground({
  deepCapture,
  services,
  settings: createRecordingSettings(browser.storage.local),
  watched: createWatchedTabs(browser.storage.session, Date.now),
  faults: createFaultBook(browser.storage.session, (error) => console.error('durable-sessions: the armed faults could not be stored', error)),
  extensionUrl: browser.runtime.getURL(''),
  now: Date.now,
  newId: () => crypto.randomUUID(),
  runScenario: (tabId, test, options, deps) => runTest(createBrowserTestContext(tabId, test, options, deps)),
});
const bg = background;

// Firefox only (an event page there, a service worker in Chrome): stay loaded while a panel
// watches a tab or a test runs, or Firefox unloads us mid-session (see keepalive.firefox.ts).
startEventPageKeepAlive({
  isEventPage: isEventPage(),
  needed: () => bg.busy(),
  ping: () => browser.runtime.getPlatformInfo(),
  setInterval: (fn, ms) => setInterval(fn, ms),
});

browser.runtime.onConnect.addListener((port) => {
  const sender = { tabId: port.sender?.tab?.id, frameId: port.sender?.frameId, url: port.sender?.url };
  if (port.name === RELAY_PORT) bg.connectRelay(runtimePortTransport(port), sender);
  else if (port.name === PANEL_PORT) bg.connectPanel(runtimePortTransport(port), sender);
  else port.disconnect();
});

browser.tabs.onRemoved.addListener((tabId) => bg.tabRemoved(tabId));
