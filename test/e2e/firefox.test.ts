/**
 * Firefox parity, in real Firefox (Debian's firefox-esr, headless, WebDriver BiDi) with the
 * built `dist/firefox` installed: the demo app's fetch-SSE, EventSource and WebSocket generations
 * are captured and shown in the real DevTools panel and in the standalone panel page; injected
 * drops look to the app like real ones *in Firefox* (its own error texts); and the event-page
 * background stays loaded while a panel watches, and restores a capture after Firefox unloaded it.
 *
 * Nothing here is skipped: without Firefox (or a build) the file fails with what to do.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { startDemoServer, type DemoServer } from '../../demo/server';
import { generateTokens } from '../../demo/model';
import { panelSide } from '../../src/protocol/panel';
import type { FaultSpec } from '../../src/core/faults/spec';
import { assertFirefoxReady, launchFirefox, waitForRow, waitInPanel, type FirefoxSession, type PanelView } from '../harness/firefox';
import { ES_PROBE, FETCH_PROBE, WS_PROBE } from '../harness/drop-probes';

assertFirefoxReady();

const TOKENS = 40;
/**
 * Firefox unloads an idle event page after 30 s; this session does so after 8 s, so the whole
 * suite runs under frequent unloading (the background's keep-alive pings every 5 s). It is set at
 * launch: Firefox's idle timer picks up a changed value only after its current period ends.
 */
const IDLE_MS = 8000;
let demo: DemoServer;
let ff: FirefoxSession;

beforeAll(async () => {
  demo = await startDemoServer({ port: 0, tokensPerSecond: 80, tokens: TOKENS });
  ff = await launchFirefox({ prefs: { 'extensions.background.idle.timeout': IDLE_MS } });
});
afterAll(async () => {
  await ff?.close();
  await demo?.close();
});

const expected = (prompt: string, tokens = TOKENS) => generateTokens(prompt, 1, tokens).join('');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one generation in a demo mode as a user would; returns the final status and answer.
 * `beforeSend` runs on the loaded page (faults are armed per page load).
 */
async function generate(page: Page, path: string, prompt: string, beforeSend?: () => Promise<void>): Promise<{ state: string; text: string }> {
  await page.goto(`${demo.url}${path}`);
  await beforeSend?.();
  await page.type('textarea[aria-label="Prompt"]', prompt);
  await page.click('#send');
  await page.waitForFunction(() => ['done', 'stopped', 'error'].includes(document.body.dataset.state ?? ''), { timeout: 30_000 });
  return page.evaluate(() => ({
    state: document.querySelector('#status')?.textContent ?? '',
    text: [...document.querySelectorAll('.message.assistant')].at(-1)?.textContent ?? '',
  }));
}

/** The three transports, each checked in the panel as the user reads it. */
async function captureAllTransports(page: Page, panel: PanelView, label: string): Promise<void> {
  const sse = await generate(page, '/trapped-sse/', `${label} sse`);
  expect(sse).toEqual({ state: 'done', text: expected(`${label} sse`) });
  const chat = await waitForRow(panel, 'the fetch-SSE chat stream', (r) => r.url === 'POST /trapped-sse/api/chat' && r.status === '200 ended');
  expect(chat).toMatchObject({ kind: 'fetch-SSE', end: 'clean' });
  expect(chat.events).toBeGreaterThan(0);

  const es = await generate(page, '/eventsource/', `${label} es`);
  expect(es).toEqual({ state: 'done', text: expected(`${label} es`) });
  const source = await waitForRow(panel, 'the EventSource', (r) => r.kind === 'EventSource' && r.status.startsWith('closed by app'));
  expect(source.url).toContain('/eventsource/api/runs/');
  expect(source.events).toBe(TOKENS + 1);

  const ws = await generate(page, '/trapped-ws/', `${label} ws`);
  expect(ws).toEqual({ state: 'done', text: expected(`${label} ws`) });
  const socket = await waitForRow(panel, 'the WebSocket', (r) => r.kind === 'WebSocket' && r.status.startsWith('closed by app'));
  expect(socket.url).toContain('/trapped-ws/ws');
  // One frame up (the prompt), one per token and "done" down: frames are never merged.
  expect(socket.events).toBe(1 + TOKENS + 1);
}

describe('the Durable Sessions panel inside Firefox DevTools', () => {
  let page: Page;
  let panel: PanelView;

  beforeAll(async () => {
    page = (await ff.browser.pages())[0]!;
    await page.goto(`${demo.url}/`);
    panel = await ff.openDevToolsPanel(page);
    await waitInPanel(panel, `document.body.innerText.includes('Recording')`, 'the recording state');
  });
  afterAll(async () => {
    await ff.closeDevTools(page);
  });

  it('is added to the toolbox and follows the inspected tab', async () => {
    expect(await panel.evaluate<string>(`document.title`)).toBe('Durable Sessions');
    expect(await panel.evaluate<string>(`document.body.innerText`)).toContain('Start a generation in the page');
  });

  it('shows fetch-SSE, EventSource and WebSocket generations', async () => {
    await captureAllTransports(page, panel, 'devtools');
  });

  it('follows the DevTools theme (devtools.panels.onThemeChanged)', async () => {
    expect(await panel.evaluate<string>(`document.documentElement.dataset.theme`)).toBe('light');
    await ff.chrome(`Services.prefs.setCharPref('devtools.theme', 'dark')`);
    await waitInPanel(panel, `document.documentElement.dataset.theme === 'dark'`, 'the dark theme');
    await ff.chrome(`Services.prefs.setCharPref('devtools.theme', 'light')`);
    await waitInPanel(panel, `document.documentElement.dataset.theme === 'light'`, 'the light theme again');
  });
});

describe('the standalone panel page for a tab (moz-extension://…/panel/index.html?tabId=N)', () => {
  let page: Page;
  let panel: Page & PanelView;
  let tabId: number;
  let n = 0;

  /** Arms a fault with the panel's own request, as the panel's form does. */
  const arm = (fault: FaultSpec) => ff.sendToBackground(panelSide.out.make('arm-fault', { tabId, fault }));
  const drop = (after: number): FaultSpec => ({ id: `drop-${++n}`, kind: 'drop', trigger: { kind: 'after-events', count: after }, scope: { kind: 'tab' }, probability: 1, once: true });

  beforeAll(async () => {
    page = await ff.browser.newPage();
    await page.goto(`${demo.url}/?standalone=${Math.random().toString(36).slice(2)}`);
    tabId = await ff.tabIdOf(page);
    panel = await ff.openStandalonePanel(tabId);
    await waitInPanel(panel, `document.body.innerText.includes('Recording')`, 'the recording state');
  });

  it('shows fetch-SSE, EventSource and WebSocket generations', async () => {
    await captureAllTransports(page, panel, 'standalone');
  });

  // Firefox, like Chromium, runs both content scripts in an about:blank iframe as it is
  // inserted; the stream of its fetch, called on the top window, reaches the panel.
  it('captures a stream through a just-created about:blank iframe’s fetch', async () => {
    await page.goto(`${demo.url}/?frames=${Math.random().toString(36).slice(2)}`);
    const prompt = 'through a frame';
    const sse = await page.evaluate(async (p) => {
      const f = document.createElement('iframe');
      document.body.append(f);
      const res = await f.contentWindow!.fetch.call(window, '/trapped-sse/api/chat?via=frame', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: p }) });
      return res.text();
    }, prompt);
    const deltas = [...sse.matchAll(/"content":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string).join('');
    expect(deltas).toBe(expected(prompt));
    const row = await waitForRow(panel, 'the frame’s stream', (r) => r.url === 'POST /trapped-sse/api/chat?via=frame' && r.status === '200 ended');
    expect(row).toMatchObject({ kind: 'fetch-SSE', end: 'clean' });
    expect(row.events).toBeGreaterThan(0);
  });

  /** Runs `probe` in the page twice: with a real drop (the server kills it) and an injected one. */
  async function realVersusInjected<T>(path: string, probe: string): Promise<{ real: T; injected: T }> {
    await page.goto(`${demo.url}${path}`);
    const realRun = page.evaluate(probe) as Promise<T>;
    await page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true, { timeout: 15_000 });
    expect(demo.dropStreams()).toBeGreaterThan(0);
    const real = await realRun;
    await page.goto(`${demo.url}${path}`);
    await arm(drop(5));
    const injected = (await page.evaluate(probe)) as T;
    return { real, injected };
  }

  describe('an injected drop looks to the app like a real one in Firefox', () => {
    it('fetch: the reader rejects with Firefox\'s TypeError("Error in input stream")', async () => {
      const { real, injected } = await realVersusInjected<unknown[]>('/trapped-sse/', FETCH_PROBE);
      expect(real).toEqual([{ name: 'TypeError', message: 'Error in input stream', isTypeError: true, proto: true }, { again: 'same error' }]);
      expect(injected).toEqual(real);
    });

    // Firefox, like Chromium, fires no `error` when an open socket's connection is lost.
    it('WebSocket: close 1006 not clean, readyState CLOSED', async () => {
      const { real, injected } = await realVersusInjected<unknown[]>('/trapped-ws/', WS_PROBE);
      expect(real).toEqual([['open', 1], ['close', 1006, false, '', 3, 'CloseEvent']]);
      expect(injected).toEqual(real);
    });

    it('EventSource: error with readyState CONNECTING, then a reconnect that resumes with Last-Event-ID', async () => {
      const { real, injected } = await realVersusInjected<{ log: unknown[]; text: string }>('/eventsource/', ES_PROBE);
      expect(real.log).toEqual([['open', 1], ['error', 0], ['open', 1], ['done', true]]);
      expect(real.text).toBe(generateTokens('drop me', 1, 40).join(''));
      expect(injected).toEqual(real);
    });

    it('offline window: a new fetch fails as one to an unreachable server does', async () => {
      const closedPort = await new Promise<number>((res) => {
        const srv = createServer().listen(0, '127.0.0.1', () => {
          const { port } = srv.address() as { port: number };
          srv.close(() => res(port));
        });
      });
      await page.goto(`${demo.url}/trapped-sse/`);
      const failure = `(async (url) => { try { await fetch(url); return 'no error'; } catch (e) { return { name: e.name, message: e.message, proto: Object.getPrototypeOf(e) === TypeError.prototype }; } })`;
      const real = await page.evaluate(`${failure}('http://127.0.0.1:${closedPort}/')`);
      await arm({ id: `offline-${++n}`, kind: 'offline', offlineMs: 1500, trigger: { kind: 'now' }, scope: { kind: 'tab' }, probability: 1, once: true });
      await page.waitForFunction(() => !navigator.onLine, { timeout: 5000 });
      const injected = await page.evaluate(`${failure}('/trapped-sse/')`);
      expect(real).toEqual({ name: 'TypeError', message: 'NetworkError when attempting to fetch resource.', proto: true });
      expect(injected).toEqual(real);
      await page.waitForFunction(() => navigator.onLine, { timeout: 5000 });
    });

    it('the trapped-sse app loses the rest of its answer with Firefox\'s error, and the panel records the fault', async () => {
      const r = await generate(page, '/trapped-sse/', 'trapped in firefox', () => arm(drop(10)));
      expect(r.state).toBe('error: Error in input stream');
      expect(expected('trapped in firefox').startsWith(r.text)).toBe(true);
      expect(r.text.length).toBeLessThan(expected('trapped in firefox').length);
      const row = await waitForRow(panel, 'the dropped chat stream', (x) => x.url === 'POST /trapped-sse/api/chat' && x.status !== '200 streaming');
      expect(row.end).toBe('network error (injected)');
      expect(row.status).toContain('TypeError: Error in input stream');
    });
  });

  describe('the event-page background (Firefox unloads idle MV3 backgrounds)', () => {
    it('stays loaded while a panel watches a tab, and the panel keeps receiving', async () => {
      const suspends = await ff.countBackgroundSuspends();
      await sleep(IDLE_MS * 1.5);
      expect(await ff.backgroundState()).toBe('running');
      expect(await suspends()).toBe(0);
      await generate(page, '/trapped-ws/', 'after an idle while');
      await waitForRow(panel, 'the socket after idling', (r) => r.kind === 'WebSocket' && r.status.startsWith('closed by app'));
    });

    it('is unloaded with no panel open, and a panel opened later gets the capture back (IndexedDB, storage.session)', async () => {
      const suspends = await ff.countBackgroundSuspends();
      await panel.close();
      const deadline = Date.now() + IDLE_MS * 3;
      while ((await ff.backgroundState()) !== 'stopped') {
        if (Date.now() > deadline) throw new Error(`the background was never unloaded (state ${await ff.backgroundState()})`);
        await sleep(500);
      }
      panel = await ff.openStandalonePanel(tabId);
      const row = await waitForRow(panel, 'the stored socket', (r) => r.kind === 'WebSocket' && r.url.includes('/trapped-ws/ws'));
      expect(row.events).toBe(1 + TOKENS + 1);
      expect(await ff.backgroundState()).toBe('running');
      expect(await suspends()).toBe(1);
    });
  });
});

