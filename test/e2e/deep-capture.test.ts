/**
 * Deep capture in a real Chromium: a page's dedicated worker opens a fetch SSE stream, an
 * EventSource and a WebSocket to a real local server. With deep capture off the panel lists none
 * of them and keeps its workers notice; turned on in the panel (the deep-capture build, which
 * holds the debugger permission: Chrome cannot grant it at run time), a new worker's streams
 * appear with their events and text, marked as from the worker; turned off, the next worker's
 * do not. The oracle is the server's own script of what it sends (worker-app.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, packageRoot, type LaunchedBrowser } from '../../src/cli/chromium';
import type { Control } from '../../src/cli/control';
import type { PanelHandle } from '../../src/cli/devtools-panel';
import { connectionRows, selectConnection, waitForConnection, watchTabInPanel } from '../harness/panel';
import { waitForCapture } from '../harness/control-session';
import { SSE_EVENTS, startWorkerApp, type WorkerApp } from '../fixtures/cdp/worker-app';

const SENT_SSE = SSE_EVENTS.map((t) => `data: ${JSON.stringify({ delta: t })}\n\n`).join('');

describe('deep capture of a worker\'s streams (Chromium debugger)', () => {
  let app: WorkerApp;
  let browser: LaunchedBrowser;
  let page: Page;
  let control: Control;
  let panelPage: Page;
  let panel: PanelHandle;

  beforeAll(async () => {
    app = await startWorkerApp();
    browser = await launchBrowser({ extensionDir: join(packageRoot(), 'dist/chrome-deep') });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const marker = `${app.url}?tab=${Math.random().toString(36).slice(2)}`;
    await page.goto(marker);
    ({ control, panelPage, panel } = await watchTabInPanel(browser, marker));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const note = () => panelPage.getByRole('note', { name: 'Deep capture note' }).innerText();
  const workerRows = async () => (await connectionRows(panel)).filter((r) => /\/(sse|es|ws)\b/.test(r.url));

  it('off by default: the worker\'s streams are not listed, the workers notice stays', async () => {
    expect(await panelPage.getByRole('checkbox', { name: 'Deep capture' }).isChecked()).toBe(false);
    expect(await note()).toContain('started debugging this browser');
    // The page tries to turn it on itself: a panel request forged on the window (where the relay
    // listens), and the extension's panel port, which pages cannot open.
    const pageTried = await page.evaluate(() => {
      window.postMessage({ source: 'durable-sessions-inspector', v: 1, type: 'set-deep-capture', id: 'forged', tabId: 0, enabled: true }, '*');
      return typeof (window as unknown as { chrome?: { runtime?: { connect?: unknown } } }).chrome?.runtime?.connect;
    });
    expect(pageTried).toBe('undefined');
    const said = await page.evaluate(() => (window as unknown as { startWorker(): Promise<string[]> }).startWorker());
    expect(said).toContain(`fetch done ${SENT_SSE.length}`);
    expect((await control.snapshot()).connections.filter((c) => c.summary.deep)).toEqual([]);
    expect(await panelPage.getByRole('checkbox', { name: 'Deep capture' }).isChecked()).toBe(false);
    await panelPage.getByRole('note', { name: 'Workers' }).waitFor();
    expect(await panelPage.getByRole('note', { name: 'Workers' }).innerText()).toContain('streams inside workers are not captured');
    expect(await workerRows()).toEqual([]);
  }, 30_000);

  it('on: the worker\'s fetch SSE, EventSource and WebSocket appear with their events, text and worker badge', async () => {
    await panelPage.getByRole('checkbox', { name: 'Deep capture' }).click();
    await panelPage.getByRole('note', { name: 'Deep capture note' }).filter({ hasText: 'Reading' }).waitFor();
    expect(await panelPage.getByRole('checkbox', { name: 'Deep capture' }).isChecked()).toBe(true);
    await page.evaluate(() => (window as unknown as { startWorker(): Promise<string[]> }).startWorker());

    const sse = await waitForConnection(panel, 'the worker\'s fetch SSE', (r) => r.url.includes('/sse') && r.events === SSE_EVENTS.length && r.kind === 'fetch-SSE');
    expect(sse.url).toContain('dedicated worker · deep');
    const ws = await waitForConnection(panel, 'the worker\'s WebSocket', (r) => r.url.includes('/ws') && r.events === 4);
    expect(ws.kind).toBe('WebSocket');
    expect(ws.url).toContain('dedicated worker · deep');
    const es = await waitForConnection(panel, 'the worker\'s EventSource', (r) => r.url.includes('/es') && r.events === SSE_EVENTS.length + 1);
    expect(es.kind).toBe('EventSource');

    // The capture holds what the server sent, byte for byte, and says which worker opened it.
    const snap = await waitForCapture(control, 'the worker\'s streams', (s) => (s.connections.filter((c) => c.summary.deep).length >= 3 ? s : null));
    const fetchConn = snap.connections.find((c) => c.summary.deep && c.summary.url.endsWith('/sse'))!;
    expect(fetchConn.events.map((e) => e.text).join('')).toBe(SENT_SSE);
    expect(fetchConn.summary.deep).toEqual({ via: 'deep-capture', workerType: 'worker', workerUrl: `${app.url}worker.js` });
    const wsConn = snap.connections.find((c) => c.summary.deep && c.summary.kind === 'websocket')!;
    expect(wsConn.events.map((e) => `${e.dir} ${e.text}`)).toEqual(['out ping 1', 'out ping 2', 'in echo ping 1', 'in echo ping 2']);
    // The page's own target is never read through the debugger: nothing is listed twice.
    expect(snap.connections.filter((c) => c.summary.url.endsWith('/sse'))).toHaveLength(1);

    await selectConnection(panel, '/sse');
    await panelPage.getByRole('note', { name: 'From a worker' }).waitFor();
    expect(await panelPage.getByRole('note', { name: 'From a worker' }).innerText()).toBe(`Opened by a dedicated worker (${app.url}worker.js), read via deep capture`);
  }, 60_000);

  it('off again: the next worker\'s streams are not read', async () => {
    await panelPage.getByRole('checkbox', { name: 'Deep capture' }).click();
    await panelPage.getByRole('note', { name: 'Deep capture note' }).filter({ hasNotText: 'Reading' }).waitFor();
    const before = (await workerRows()).length;
    const said = await page.evaluate(() => (window as unknown as { startWorker(): Promise<string[]> }).startWorker());
    expect(said).toContain(`fetch done ${SENT_SSE.length}`);
    // The worker is done (it said so) and the control's snapshot has every record of the tab so far.
    const snap = await control.snapshot();
    expect(snap.connections.filter((c) => c.summary.deep)).toHaveLength(3);
    expect((await workerRows()).length).toBe(before);
  }, 30_000);
});
