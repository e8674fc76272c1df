/**
 * Real Firefox for the e2e tests: Debian's `firefox-esr`, headless, driven by puppeteer-core over
 * WebDriver BiDi, with the unpacked `dist/firefox` installed as a temporary add-on.
 *
 * Puppeteer cannot open `moz-extension://` pages or DevTools, and a web page must not be able to
 * (so the extension has no hook for it). Firefox's own automation can: started with
 * `--remote-allow-system-access` and `remote.experimental.enabled`, its BiDi server lists the
 * browser window itself (`browsingContext.getTree` with `moz:scope: "chrome"`), where privileged
 * script runs. That is how a test opens the standalone panel page in a tab and the real
 * DevTools toolbox with our panel, and reads the panel inside DevTools (through a frame script,
 * as Firefox's own DevTools tests do). It reaches into Firefox internals that may change in a
 * future release: it is all kept in this file.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { BRIDGE_GLOBAL, DELIVER_BINDING } from '../../src/protocol/adapters/page-bridge';
import { panelSide, type PanelEvents, type PanelRequests, type PANEL_REPLIES } from '../../src/protocol/panel';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const DIST_FIREFOX = resolve(import.meta.dirname, '../../dist/firefox');
/** Fixed through `extensions.webextensions.uuids`, so the extension's pages have a known origin. */
const EXTENSION_UUID = '5e55a0d2-9c1b-4f6e-8d7a-2b3c4d5e6f70';

/** Fails loudly (never skips) when Firefox or the build is missing. */
export function assertFirefoxReady(): void {
  try {
    accessSync(FIREFOX_PATH, constants.X_OK);
  } catch {
    throw new Error(`Firefox is missing at ${FIREFOX_PATH}: run 'bash scripts/ensure-firefox.sh' (Debian's firefox-esr) or set FIREFOX_PATH.`);
  }
  try {
    accessSync(resolve(DIST_FIREFOX, 'manifest.json'));
  } catch {
    throw new Error(`${DIST_FIREFOX}/manifest.json is missing: run 'npm run build' first.`);
  }
}

/** What a test reads the panel through: the standalone page or the panel inside DevTools. */
export interface PanelView {
  /** Evaluates a JS expression (it may be a promise) with `document` being the panel's. */
  evaluate<T>(expression: string): Promise<T>;
}

export interface FirefoxSession {
  browser: Browser;
  extensionId: string;
  /** `moz-extension://<uuid>` */
  extensionOrigin: string;
  /** Evaluates privileged JS in the browser window (`gBrowser`, `Services`…); JSON results. */
  chrome<T>(expression: string): Promise<T>;
  /** The WebExtension tab id of the tab showing `page`. */
  tabIdOf(page: Page): Promise<number>;
  /** The standalone panel page (`panel/index.html?tabId=N`) in a new background tab. */
  openStandalonePanel(tabId: number): Promise<Page & PanelView>;
  /** Posts a message built by the protocol kit to the background, through the panel page's bridge. */
  sendToBackground(msg: object): Promise<void>;
  /** The panel page without a tab whose bridge `sendToBackground` posts through (opened on first use). */
  controlPage(): Promise<Page>;
  /** Opens DevTools on `page`'s tab and shows the Durable Sessions panel in it. */
  openDevToolsPanel(page: Page): Promise<PanelView>;
  closeDevTools(page: Page): Promise<void>;
  /** The background's state as Firefox tracks it: 'running', 'stopped', 'starting'… */
  backgroundState(): Promise<string>;
  /** Starts counting the times Firefox suspends (unloads) the background; returns a reader. */
  countBackgroundSuspends(): Promise<() => Promise<number>>;
  close(): Promise<void>;
}

interface BidiConnection {
  send(method: string, params: object): Promise<{ result: Record<string, unknown> }>;
}

type EvalResult = { type: 'success'; result: { type: string; value?: unknown } } | { type: 'exception'; exceptionDetails: { text: string } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `extension: false` launches the same Firefox without the add-on: the arm a transparency test compares with. */
export async function launchFirefox(opts: { prefs?: Record<string, string | number | boolean>; extension?: boolean } = {}): Promise<FirefoxSession> {
  assertFirefoxReady();
  const manifest = JSON.parse(readFileSync(resolve(DIST_FIREFOX, 'manifest.json'), 'utf8')) as { browser_specific_settings: { gecko: { id: string } } };
  const extensionId = manifest.browser_specific_settings.gecko.id;
  const extensionOrigin = `moz-extension://${EXTENSION_UUID}`;
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    dumpio: process.env.FIREFOX_DUMPIO === '1',
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'remote.experimental.enabled': true,
      'extensions.webextensions.uuids': JSON.stringify({ [extensionId]: EXTENSION_UUID }),
      // With FIREFOX_DUMPIO=1, pages' and the extension's console messages go to stdout.
      'devtools.console.stdout.content': true,
      'devtools.console.stdout.chrome': true,
      ...opts.prefs,
    },
  });
  try {
    if (opts.extension !== false) await browser.installExtension(DIST_FIREFOX);
  } catch (err) {
    await browser.close();
    throw err;
  }
  // Puppeteer's BiDi browser keeps its connection on a property its public types leave out.
  const connection = (browser as unknown as { connection: BidiConnection }).connection;
  const tree = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
  const windows = tree.result.contexts as { context: string; url: string }[];
  const chromeContext = windows.find((c) => c.url === 'chrome://browser/content/browser.xhtml')?.context;
  if (!chromeContext) throw new Error(`no Firefox browser window among ${JSON.stringify(windows)}`);

  const chrome = async <T>(expression: string): Promise<T> => {
    const r = await connection.send('script.evaluate', {
      expression: `(async () => JSON.stringify(await (${expression})))()`,
      target: { context: chromeContext },
      awaitPromise: true,
      resultOwnership: 'none',
    });
    const res = r.result as unknown as EvalResult;
    if (res.type === 'exception') throw new Error(`in the Firefox window: ${res.exceptionDetails.text}`);
    const json = res.result.value;
    return (json === undefined ? undefined : JSON.parse(String(json))) as T;
  };

  const tabIdOf = async (page: Page): Promise<number> => {
    const url = page.url();
    const id = await chrome<number | null>(`(() => {
      const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
      const tabs = gBrowser.tabs.filter((t) => t.linkedBrowser.currentURI.spec === ${JSON.stringify(url)});
      return tabs.length === 1 ? ExtensionParent.apiManager.global.tabTracker.getId(tabs[0]) : null;
    })()`);
    if (id === null) throw new Error(`not exactly one tab shows ${url}`);
    return id;
  };

  const tabOf = (page: Page) => `gBrowser.tabs.find((t) => t.linkedBrowser.currentURI.spec === ${JSON.stringify(page.url())})`;

  /** Opens one of the extension's pages in a tab and waits until `ready` holds in it. */
  const openExtensionPage = async (url: string, ready: string): Promise<Page> => {
    // Opened by the browser window with the system principal: the way a user's click would.
    await chrome(`void gBrowser.addTab(${JSON.stringify(url)}, { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal(), inBackground: true })`);
    // Puppeteer lists the tab but keeps reporting about:blank for moz-extension pages: ask each.
    for (let i = 0; i < 100; i++) {
      for (const p of await browser.pages()) {
        const href = await p.evaluate('location.href').catch(() => null);
        if (href === url) {
          await p.waitForFunction(ready, { timeout: 10_000 });
          return p;
        }
      }
      await sleep(100);
    }
    throw new Error(`the extension page ${url} never opened`);
  };
  let controlPage: Page | null = null;
  // The panel page opened without a tab bridges the panel's port (src/protocol/adapters/page-bridge.ts).
  const openControlPage = async (): Promise<Page> => (controlPage ??= await openExtensionPage(`${extensionOrigin}/panel/index.html`, `typeof window.${BRIDGE_GLOBAL} === 'object'`));

  return {
    browser,
    extensionId,
    extensionOrigin,
    chrome,
    tabIdOf,

    async openStandalonePanel(tabId) {
      return (await openExtensionPage(`${extensionOrigin}/panel/index.html?tabId=${tabId}`, `document.querySelector('#app')?.childElementCount > 0`)) as Page & PanelView;
    },

    async sendToBackground(msg) {
      await (await openControlPage()).evaluate(`window.${BRIDGE_GLOBAL}.post(${JSON.stringify(msg)})`);
    },

    controlPage: openControlPage,

    async openDevToolsPanel(page) {
      await chrome(`(async () => {
        const tab = ${tabOf(page)};
        gBrowser.selectedTab = tab;
        const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
        const { gDevTools } = require('devtools/client/framework/devtools');
        const toolbox = await gDevTools.showToolboxForTab(tab, { toolId: 'webconsole' });
        // The extension's devtools_page registers the panel a moment after the toolbox opens.
        const deadline = Date.now() + 15000;
        let tool;
        while (!(tool = toolbox.getAdditionalTools().find((t) => t.label === 'Durable Sessions'))) {
          if (Date.now() > deadline) throw new Error('the Durable Sessions panel was never added to DevTools');
          await new Promise((r) => setTimeout(r, 100));
        }
        await toolbox.selectTool(tool.id);
        return tool.id;
      })()`);
      const panel: PanelView = {
        async evaluate<T>(expression: string): Promise<T> {
          // The panel is a remote <browser> (extension process) inside the toolbox's panel
          // iframe: a frame script runs the expression next to its document and answers.
          return JSON.parse(await chrome<string>(`(async () => {
            const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
            const { gDevTools } = require('devtools/client/framework/devtools');
            const toolbox = gDevTools.getToolboxForTab(${tabOf(page)});
            const frame = toolbox.doc.getElementById('toolbox-panel-iframe-' + toolbox.currentToolId);
            const b = frame?.contentDocument.querySelector('browser');
            if (!b) throw new Error('the Durable Sessions panel is not shown');
            const mm = b.messageManager;
            const name = 'dsi-eval-' + Math.random();
            return await new Promise((resolve, reject) => {
              const timer = setTimeout(() => reject(new Error('the panel did not answer')), 10000);
              mm.addMessageListener(name, function answer(m) {
                mm.removeMessageListener(name, answer);
                clearTimeout(timer);
                if (m.data.error) reject(new Error(m.data.error)); else resolve(m.data.json);
              });
              const script = '(async (window, document) => ' + ${JSON.stringify(`(${expression})`)} + ')(content, content.document)'
                + '.then((v) => sendAsyncMessage(' + JSON.stringify(name) + ', { json: JSON.stringify(v === undefined ? null : v) }),'
                + ' (e) => sendAsyncMessage(' + JSON.stringify(name) + ', { error: String(e) }))';
              mm.loadFrameScript('data:,' + encodeURIComponent(script), false);
            });
          })()`)) as T;
        },
      };
      return panel;
    },

    async closeDevTools(page) {
      await chrome(`(async () => {
        const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
        const { gDevTools } = require('devtools/client/framework/devtools');
        await gDevTools.closeToolboxForTab(${tabOf(page)});
      })()`);
    },

    backgroundState() {
      return chrome<string>(`(() => {
        const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
        return ExtensionParent.GlobalManager.getExtension(${JSON.stringify(extensionId)}).backgroundState;
      })()`);
    },

    async countBackgroundSuspends() {
      const key = `__dsiSuspends${Math.random().toString(36).slice(2)}`;
      await chrome(`(() => {
        const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
        window.${key} = 0;
        ExtensionParent.GlobalManager.getExtension(${JSON.stringify(extensionId)}).on('background-script-suspend', () => (window.${key} += 1));
      })()`);
      return () => chrome<number>(`window.${key}`);
    },

    async close() {
      await browser.close();
    },
  };
}

/** The rows of the panel's connection table, keyed by the column headers a user reads. */
export interface PanelRow {
  url: string;
  kind: string;
  status: string;
  events: number;
  end: string;
}

export const ROWS_EXPRESSION = `(() => {
  const table = document.querySelector('table[aria-label="Streaming connections"]');
  if (!table) return [];
  const headers = Array.from(table.querySelectorAll('thead th'), (th) => th.innerText.trim());
  return Array.from(table.querySelectorAll('tbody tr'), (tr) => {
    const cells = Array.from(tr.cells, (td) => td.innerText.trim());
    const get = (h) => cells[headers.indexOf(h)] ?? '';
    return { url: get('URL'), kind: get('Kind'), status: get('Status'), events: Number(get('Events') || 0), end: get('End') };
  });
})()`;

/** Waits until the panel shows a row that matches, and returns it. */
export async function waitForRow(panel: PanelView, what: string, match: (r: PanelRow) => boolean, timeoutMs = 20_000): Promise<PanelRow> {
  const deadline = Date.now() + timeoutMs;
  let last: PanelRow[] = [];
  while (Date.now() < deadline) {
    last = await panel.evaluate<PanelRow[]>(ROWS_EXPRESSION);
    const hit = last.find(match);
    if (hit) return hit;
    await sleep(150);
  }
  throw new Error(`no connection row for ${what}; the panel shows ${JSON.stringify(last)}`);
}

/** Polls a panel expression until it is truthy. */
export async function waitInPanel(panel: PanelView, expression: string, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await panel.evaluate<boolean>(`Boolean(${expression})`)) return;
      last = await panel.evaluate<string>(`document.body.innerText.slice(0, 300)`);
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(`the panel never showed ${what}; last seen: ${String(last)}`);
}

/** A panel request to the background, answered by its reply. */
export type PanelRequest = <K extends keyof PanelRequests & string>(type: K, body: PanelRequests[K]) => Promise<PanelEvents[(typeof PANEL_REPLIES)[K]]>;

/**
 * Makes the tab record (its standalone panel open, waited for until it says so) and returns a
 * way to send panel requests to the background through the control page's bridge, as the panel
 * does: the protocol kit makes each request and parses its reply.
 */
export async function recordAndRequest(ff: FirefoxSession, tabId: number): Promise<{ panel: PanelView; request: PanelRequest }> {
  const panel = await ff.openStandalonePanel(tabId);
  await waitInPanel(panel, `document.body.innerText.includes('Recording')`, 'the recording state');
  // The bridge hands the background's replies to this page function: keep them by request id.
  await (await ff.controlPage()).evaluate(`window.${DELIVER_BINDING} = (kind, m) => {
    if (kind === 'message' && m && typeof m.replyTo === 'string') (window.__replies ??= {})[m.replyTo] = m;
  }`);
  let n = 0;
  const request: PanelRequest = async (type, body) => {
    const id = `ff-${tabId}-${++n}`;
    await ff.sendToBackground(panelSide.out.make(type, body, { id }));
    const control = await ff.controlPage();
    await control.waitForFunction(`window.__replies?.[${JSON.stringify(id)}] !== undefined`, { timeout: 10_000 });
    const reply = panelSide.in.parse(await control.evaluate(`window.__replies[${JSON.stringify(id)}]`));
    if (!reply) throw new Error(`${type}: the reply did not parse`);
    if (reply.type === 'error') throw new Error(`${type}: ${reply.message}`);
    return reply as unknown as PanelEvents[(typeof PANEL_REPLIES)[typeof type]];
  };
  return { panel, request };
}
