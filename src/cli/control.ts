/**
 * Drives the extension from Node the way the panel does: an extension page (the standalone
 * panel for the tab) opens a port to the background, and messages flow through a Playwright
 * binding. The check runner and the e2e tests use it, so they exercise the same background
 * code paths as a user clicking in the panel, with no second implementation.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { PANEL_PORT, PROTOCOL_VERSION, SOURCE, isBackgroundToPanel, type BackgroundToPanel, type RunTestOptions } from '../messages';
import type { TabSnapshot } from '../core/trace/model';
import type { TestId } from '../core/analysis/types';
import type { SessionInfo, TestRunRecord } from '../core/trace/session';
import type { FaultSpec } from '../core/faults/spec';
import type { ReplayRecording } from '../core/replay/recording';

export interface Control {
  page: Page;
  readonly tabId: number;
  /** Points the control at a tab (and starts recording it, as an open panel does). */
  attach(tabId: number): Promise<void>;
  snapshot(): Promise<TabSnapshot>;
  /** The snapshot with the id of the session (page load) it belongs to. */
  session(): Promise<{ sessionId: string | null; snapshot: TabSnapshot }>;
  /** The stored sessions of this browser profile (also from before a browser restart). */
  sessions(): Promise<SessionInfo[]>;
  /** One stored session, read back from storage as the panel's session picker opens it. */
  loadSession(sessionId: string): Promise<{ session: SessionInfo; snapshot: TabSnapshot }>;
  runTest(test: TestId, options: Partial<RunTestOptions>, onProgress?: (step: string, elapsedMs: number) => void): Promise<TestRunRecord>;
  armFault(fault: FaultSpec): Promise<void>;
  /** Arms a replay: the tab's next matching request is answered from the recording. */
  replay(recording: ReplayRecording, scale?: number): Promise<void>;
  disarmFault(faultId: string): Promise<void>;
  /** Tells a running second-tab-cancel test what the driver's stop press did. */
  reportStop(stop: { found: boolean; enabled: boolean; label: string }): Promise<void>;
  close(): Promise<void>;
}

/** The page side of the control: a panel port that reconnects and re-subscribes, as the panel's does. */
const PORT_SCRIPT = `(() => {
  const name = __NAME__, source = __SOURCE__, v = __V__;
  let port = null;
  window.__dsiTab = -1;
  function open() {
    if (port) return port;
    const p = chrome.runtime.connect({ name });
    p.onMessage.addListener((m) => window.__dsiReceive(m));
    p.onDisconnect.addListener(() => {
      port = null;
      setTimeout(() => { if (chrome.runtime && chrome.runtime.id) open(); }, 50);
    });
    port = p;
    if (window.__dsiTab >= 0) p.postMessage({ source, v, type: 'subscribe', tabId: window.__dsiTab });
    return p;
  }
  window.__dsiSend = (m) => {
    if (m.type === 'subscribe') window.__dsiTab = m.tabId;
    try {
      open().postMessage({ source, v, ...m });
    } catch {
      port = null;
      open().postMessage({ source, v, ...m });
    }
  };
  open();
})()`;

type Waiter = { match(m: BackgroundToPanel): boolean; resolve(m: BackgroundToPanel): void };

/** Finds the browser tab id of a page: the page must show a URL no other tab shows. */
export async function tabIdOf(extensionPage: Page, url: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const id = (await extensionPage.evaluate(`chrome.tabs.query({}).then((tabs) => tabs.find((t) => t.url === ${JSON.stringify(url)})?.id ?? null)`)) as number | null;
    if (id !== null) return id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no browser tab shows ${url}`);
}

export async function openControl(context: BrowserContext, extensionId: string, initialTabId: number | null = null): Promise<Control> {
  let tabId = initialTabId ?? -1;
  const page = await context.newPage();
  const waiters: Waiter[] = [];
  const progress = new Set<(m: BackgroundToPanel) => void>();
  await page.exposeBinding('__dsiReceive', (_source, m: unknown) => {
    if (!isBackgroundToPanel(m)) return;
    for (const p of progress) p(m);
    for (const w of [...waiters]) {
      if (w.match(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  // The panel page without ?tabId renders only a notice: this page is a quiet host for the port.
  await page.goto(`chrome-extension://${extensionId}/panel/index.html`);
  // Like the panel's own port, this one reconnects after the service worker restarts, and
  // subscribes again. A string, not a function: a function would be serialized as the Node
  // side compiled it, and tsx (the CLI's runner) adds helpers the page does not have.
  await page.evaluate(PORT_SCRIPT.replace('__NAME__', JSON.stringify(PANEL_PORT)).replace('__SOURCE__', JSON.stringify(SOURCE)).replace('__V__', String(PROTOCOL_VERSION)));
  const send = (m: object) => page.evaluate(`window.__dsiSend(${JSON.stringify(m)})`);
  if (tabId >= 0) await send({ type: 'subscribe', tabId });
  const next = <T extends BackgroundToPanel>(match: (m: BackgroundToPanel) => m is T, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} from the extension within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m as T)) });
    });

  const control: Control = {
    page,
    get tabId() {
      return tabId;
    },
    async attach(id) {
      tabId = id;
      const reply = next((m): m is Extract<BackgroundToPanel, { type: 'snapshot' }> => m.type === 'snapshot' && m.tabId === id, 10_000, 'snapshot');
      await send({ type: 'subscribe', tabId: id });
      await reply;
    },
    async snapshot() {
      return (await control.session()).snapshot;
    },
    async session() {
      const reply = next((m): m is Extract<BackgroundToPanel, { type: 'snapshot' }> => m.type === 'snapshot' && m.tabId === tabId, 10_000, 'snapshot');
      await send({ type: 'subscribe', tabId });
      const { sessionId, snapshot } = await reply;
      return { sessionId, snapshot };
    },
    async sessions() {
      const reply = next((m): m is Extract<BackgroundToPanel, { type: 'sessions' }> => m.type === 'sessions' && m.tabId === tabId, 10_000, 'session list');
      await send({ type: 'list-sessions', tabId });
      return (await reply).sessions;
    },
    async loadSession(sessionId) {
      const reply = next((m): m is Extract<BackgroundToPanel, { type: 'stored-session' }> => m.type === 'stored-session' && m.tabId === tabId && m.session.id === sessionId, 10_000, `stored session ${sessionId}`);
      await send({ type: 'load-session', tabId, sessionId });
      const { session, snapshot } = await reply;
      return { session, snapshot };
    },
    async runTest(test, options, onProgress) {
      const listener = (m: BackgroundToPanel) => {
        if (m.type === 'test-progress' && m.tabId === tabId && m.test === test) onProgress?.(m.step, m.elapsedMs);
      };
      progress.add(listener);
      try {
        const limit = (options.waitForGenerationMs ?? 30_000) + (options.timeoutMs ?? 15_000) + 30_000;
        const result = next((m): m is Extract<BackgroundToPanel, { type: 'test-result' }> => m.type === 'test-result' && m.tabId === tabId && m.run.test === test, limit, `${test} result`);
        await send({ type: 'run-test', tabId, test, options });
        return (await result).run;
      } finally {
        progress.delete(listener);
      }
    },
    async replay(recording, scale = 1) {
      await send({ type: 'replay', tabId, recording, scale });
    },
    async armFault(fault) {
      await send({ type: 'arm-fault', tabId, fault });
    },
    async disarmFault(faultId) {
      await send({ type: 'disarm-fault', tabId, faultId });
    },
    async reportStop(stop) {
      await send({ type: 'stop-pressed', tabId, ...stop });
    },
    async close() {
      await page.close();
    },
  };
  return control;
}
