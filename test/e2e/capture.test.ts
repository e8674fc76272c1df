/**
 * Capture of every transport in a real browser, and its durability: small test pages and the
 * demo app stream over fetch (NDJSON, SSE, a `text/plain` body, a `Request` with a streaming
 * upload, a cloned response), XMLHttpRequest, WebSocket (binary frames both ways) and
 * EventSource (named events with ids). Each stream must appear in the standalone panel with
 * the right Kind and event count, and its captured events must join to exactly what the server
 * sent. Then the capture must survive the panel closing and reopening, and a browser restart
 * on the same profile (stored sessions, listed and loaded, also from the panel's picker).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from '../../src/cli/chromium';
import { openControl, tabIdOf, type Control } from '../../src/cli/control';
import type { PanelHandle } from '../../src/cli/devtools-panel';
import type { ConnectionCapture, TabSnapshot } from '../../src/core/trace/model';
import { startDemoServer, type DemoServer } from '../../demo/server';
import { assistantText, startControlSession, waitForCapture, type ControlSession } from '../harness/control-session';
import { sendPrompt, waitForPageState } from '../harness/session';
import { clickButton, clickLabelled, connectionRows, pageAsPanel, waitForConnection } from '../harness/panel';
import {
  NDJSON_BODY,
  PLAIN_BODY,
  SSE_EVENTS,
  UPLOAD_BODY,
  WS_CLIENT_FRAMES,
  WS_GREETING,
  XHR_BODY,
  startCaptureServer,
  wsReply,
  type CaptureServer,
} from './capture/server';

// ── helpers ─────────────────────────────────────────────────────────────────────────────

/** The text a connection received, events joined in order. */
const received = (c: ConnectionCapture) => c.events.filter((e) => e.dir === 'in').map((e) => e.text ?? '').join('');
const base64s = (c: ConnectionCapture, dir: 'in' | 'out') => c.events.filter((e) => e.dir === dir).map((e) => e.base64);

/** The one ended connection whose URL contains `part`. */
function ended(control: Control, part: string): Promise<ConnectionCapture> {
  return waitForCapture(control, `${part} ended`, (snap) => snap.connections.find((c) => c.summary.url.includes(part) && c.summary.state === 'ended'));
}

/** Opens the standalone panel page for a tab, as a user opening it in a normal tab would. */
async function openPanelPage(browser: LaunchedBrowser, tabId: number): Promise<{ page: Page; panel: PanelHandle }> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/panel/index.html?tabId=${tabId}`);
  return { page, panel: pageAsPanel(page) };
}

/** The text of OpenAI-style SSE chunks (what the demo's trapped-sse page shows). */
function sseContent(raw: string): string {
  return raw
    .split(/\n\n/)
    .flatMap((block) => block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)))
    .filter((d) => d !== '[DONE]')
    .map((d) => (JSON.parse(d) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
    .join('');
}

const chatConn = (snap: TabSnapshot) => snap.connections.find((c) => c.summary.url.includes('/trapped-sse/api/chat'));

// ── 1. every transport from small test pages ────────────────────────────────────────────

describe('each transport from small test pages', () => {
  let srv: CaptureServer;
  let browser: LaunchedBrowser;
  let app: Page;
  let control: Control;
  let panel: PanelHandle;

  /** Loads `/p/<scenario>` in the app tab and returns what the page's own code received. */
  async function run<T>(scenario: string, origin = srv.url): Promise<T> {
    await app.goto(`${origin}/p/${scenario}`);
    await app.waitForFunction(() => document.body.dataset.state !== 'loading', undefined, { timeout: 15_000 });
    const error = await app.evaluate(() => (window as unknown as { __error?: string }).__error);
    if (error) throw new Error(`page ${scenario} failed: ${error}`);
    return app.evaluate(() => (window as unknown as { __result: T }).__result);
  }

  beforeAll(async () => {
    srv = await startCaptureServer();
    browser = await launchBrowser();
    // The HTTP/2 origin's certificate is self-signed for this run.
    await browser.cdp.send('Security.setIgnoreCertificateErrors', { ignore: true });
    app = browser.context.pages()[0] ?? (await browser.context.newPage());
    const marker = `${srv.url}/p/idle?tab=${Math.random().toString(36).slice(2)}`;
    await app.goto(marker);
    control = await openControl(browser.context, browser.extensionId!);
    await control.attach(await tabIdOf(control, marker));
    panel = (await openPanelPage(browser, control.tabId)).panel;
    await app.bringToFront();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('fetch NDJSON: a fetch-NDJSON row whose events join to the body', async () => {
    const page = await run<{ text: string }>('ndjson');
    expect(page.text).toBe(NDJSON_BODY);
    const c = await ended(control, '/ndjson');
    expect(c.summary).toMatchObject({ kind: 'fetch', method: 'GET', status: 200, streaming: true, end: 'clean', contentType: 'application/x-ndjson' });
    expect(received(c)).toBe(NDJSON_BODY);
    expect(c.events.every((e) => e.dir === 'in' && e.base64 === null)).toBe(true);
    await waitForConnection(panel, 'the NDJSON stream', (r) => r.url.includes('/ndjson') && r.kind === 'fetch-NDJSON' && r.events === c.events.length && r.status === '200 ended');
  });

  it('a capture read while the page is busy still holds what the page did before it was asked', async () => {
    const told = srv.told('busy-after-read');
    const loaded = app.goto(`${srv.url}/p/busy-after-read`);
    // The page has sent its request and is now busy: the hook still holds that request's record.
    await told;
    const snap = await control.snapshot();
    expect(snap.connections.map((c) => new URL(c.summary.url).pathname)).toEqual(expect.arrayContaining(['/ndjson', '/told']));
    expect(received(snap.connections.find((c) => c.summary.url.includes('/ndjson'))!)).toBe(NDJSON_BODY);
    await loaded;
  });

  it('fetch text/plain in one piece: captured as a maybe-stream, listed under "All requests" until it streams', async () => {
    const page = await run<{ text: string }>('plain');
    expect(page.text).toBe(PLAIN_BODY);
    const c = await ended(control, '/plain');
    // streamDecision: a JSON or text body is teed ('maybe') and becomes a stream from its second chunk.
    expect(c.summary).toMatchObject({ kind: 'fetch', status: 200, streaming: false, end: 'clean', contentType: 'text/plain; charset=utf-8' });
    expect(received(c)).toBe(PLAIN_BODY);
    await clickLabelled(panel, 'All requests');
    await waitForConnection(panel, 'the plain request under All requests', (r) => r.url.includes('/plain') && r.kind === 'fetch' && r.events === c.events.length);
    await clickLabelled(panel, 'All requests');
    await panel.waitFor(`!document.querySelector('table[aria-label="Streaming connections"]')?.innerText.includes('/plain')`, 'the plain request hidden again');
  });

  it('XMLHttpRequest read on progress: an XHR row whose events are the text increments', async () => {
    const page = await run<{ text: string; progressReads: number }>('xhr');
    expect(page.text).toBe(XHR_BODY);
    expect(page.progressReads).toBeGreaterThanOrEqual(2);
    const c = await ended(control, '/xhr');
    expect(c.summary).toMatchObject({ kind: 'xhr', method: 'GET', status: 200, streaming: true, end: 'clean' });
    expect(c.events.length).toBeGreaterThanOrEqual(2);
    expect(c.events.every((e) => e.dir === 'in' && (e.text ?? '').length > 0)).toBe(true);
    expect(received(c)).toBe(XHR_BODY);
    await waitForConnection(panel, 'the XHR stream', (r) => r.url.includes('/xhr') && r.kind === 'XHR' && r.events === c.events.length);
  });

  it('fetch(Request) with a ReadableStream body: the upload reaches the server and the echo is captured', async () => {
    // Chromium streams request bodies only over HTTP/2: this page is on the HTTPS origin.
    const page = await run<{ text: string }>('upload', srv.secureUrl);
    expect(srv.uploads.get('upload')?.toString('utf8')).toBe(UPLOAD_BODY);
    expect(page.text).toBe(UPLOAD_BODY);
    const c = await ended(control, '/echo?key=upload');
    expect(c.summary).toMatchObject({ kind: 'fetch', method: 'POST', status: 200, streaming: true, end: 'clean' });
    expect(c.summary.requestHeaders).toContainEqual(['content-type', 'application/x-ndjson']);
    // A stream body is never measured (that would consume it): no size, no preview.
    expect(c.summary.requestBodySize).toBeNull();
    expect(c.summary.requestBodyPreview).toBeNull();
    expect(received(c)).toBe(UPLOAD_BODY);
    await waitForConnection(panel, 'the echo stream', (r) => r.url.includes('/echo') && r.kind === 'fetch-NDJSON' && r.events === c.events.length);
  });

  it('response.clone() read by the app: the capture is the body once, not twice', async () => {
    const page = await run<{ text: string; original: string }>('clone');
    expect(page.text).toBe(NDJSON_BODY);
    expect(page.original).toBe(NDJSON_BODY);
    const c = await ended(control, '/ndjson');
    expect((await control.snapshot()).connections.filter((x) => x.summary.url.includes('/ndjson'))).toHaveLength(1);
    expect(received(c)).toBe(NDJSON_BODY);
    await waitForConnection(panel, 'the cloned stream', (r) => r.url.includes('/ndjson') && r.kind === 'fetch-NDJSON' && r.events === c.events.length);
  });

  it('WebSocket binary frames both ways: base64 events equal to the bytes on the wire', async () => {
    const before = srv.wsFrames.length;
    const page = await run<{ received: string[]; code: number }>('ws');
    const replies = WS_CLIENT_FRAMES.map((b) => wsReply(b).toString('base64'));
    expect(page.received).toEqual([WS_GREETING.toString('base64'), ...replies]);
    expect(srv.wsFrames.slice(before).map((b) => b.toString('base64'))).toEqual(WS_CLIENT_FRAMES.map((b) => b.toString('base64')));
    const c = await waitForCapture(control, 'all WebSocket frames', (snap) => snap.connections.find((x) => x.summary.kind === 'websocket' && x.summary.state === 'ended' && x.events.length === 2 * WS_CLIENT_FRAMES.length + 1));
    expect(c.summary.url).toBe(`${srv.url.replace('http', 'ws')}/ws`);
    expect(base64s(c, 'out')).toEqual(WS_CLIENT_FRAMES.map((b) => b.toString('base64')));
    expect(base64s(c, 'in')).toEqual(page.received);
    expect(c.events.every((e) => e.text === null)).toBe(true);
    expect(c.events.filter((e) => e.dir === 'out').map((e) => e.size)).toEqual(WS_CLIENT_FRAMES.map((b) => b.byteLength));
    await waitForConnection(panel, 'the WebSocket', (r) => r.url.includes('/ws') && r.kind === 'WebSocket' && r.events === c.events.length);
  });

  it('EventSource named events with ids: event, id and data of each', async () => {
    const page = await run<{ received: { event: string; id: string; data: string }[] }>('sse');
    expect(page.received).toEqual(SSE_EVENTS);
    const c = await waitForCapture(control, 'every EventSource event', (snap) => snap.connections.find((x) => x.summary.kind === 'eventsource' && x.events.length === SSE_EVENTS.length));
    expect(c.summary.url).toBe(`${srv.url}/sse`);
    expect(c.events.map((e) => ({ event: e.event, id: e.id, data: e.text }))).toEqual(SSE_EVENTS);
    await waitForConnection(panel, 'the EventSource', (r) => r.url.includes('/sse') && r.kind === 'EventSource' && r.events === SSE_EVENTS.length);
  });

  it('a page with a dedicated Worker and a SharedWorker: worker signals and the panel says worker streams are not captured', async () => {
    const page = await run<{ worker: number; shared: number }>('workers');
    // Both workers streamed NDJSON themselves…
    expect(page).toEqual({ worker: NDJSON_BODY.length, shared: NDJSON_BODY.length });
    const snap = await waitForCapture(control, 'two worker signals', (s) => (s.signals.filter((x) => x.signal === 'worker').length >= 2 ? s : null));
    expect(snap.signals.filter((x) => x.signal === 'worker').map((x) => x.detail).sort()).toEqual([`SharedWorker ${srv.url}/shared-worker.js`, `Worker ${srv.url}/worker.js`]);
    // …which the page hook cannot see, and says so.
    expect(snap.connections.filter((c) => c.summary.url.includes('/ndjson'))).toEqual([]);
    await panel.waitFor(`document.querySelector('[aria-label="Workers"]')?.innerText.includes('This page started 2 workers: streams inside workers are not captured.')`, 'the workers notice');
  });
});

// ── 2. the demo app, and the panel closed and reopened ──────────────────────────────────

describe('the demo app, and a panel closed and reopened', () => {
  let s: ControlSession;
  let panelPage: Page;
  let panel: PanelHandle;

  beforeAll(async () => {
    s = await startControlSession({ tokens: 30, tokensPerSecond: 100 });
    ({ page: panelPage, panel } = await openPanelPage(s.browser, s.control.tabId));
    await s.page.bringToFront();
  });
  afterAll(async () => {
    await s?.close();
  });

  async function generate(mode: string): Promise<string> {
    await s.page.goto(`${s.demo.url}/${mode}/`);
    await sendPrompt(s.page, `capture ${mode}`);
    await waitForPageState(s.page, 'done');
    const shown = await assistantText(s.page);
    expect(shown.length).toBeGreaterThan(0);
    return shown;
  }

  it('fetch-SSE (trapped-sse): the captured chunks carry the text the page shows', async () => {
    const shown = await generate('trapped-sse');
    const c = await ended(s.control, '/trapped-sse/api/chat');
    expect(c.summary).toMatchObject({ kind: 'fetch', method: 'POST', streaming: true, end: 'clean' });
    expect(sseContent(received(c))).toBe(shown);
    await waitForConnection(panel, 'the chat stream', (r) => r.url.includes('/trapped-sse/api/chat') && r.kind === 'fetch-SSE' && r.events === c.events.length);
  });

  it('EventSource (eventsource): the delta events carry the text the page shows', async () => {
    const shown = await generate('eventsource');
    const c = await waitForCapture(s.control, 'the done event', (snap) => snap.connections.find((x) => x.summary.kind === 'eventsource' && x.events.some((e) => e.event === 'done')));
    const deltas = c.events.filter((e) => e.event === 'delta');
    expect(deltas.every((e) => e.id !== null)).toBe(true);
    expect(deltas.map((e) => (JSON.parse(e.text ?? '{}') as { delta: string }).delta).join('')).toBe(shown);
    await waitForConnection(panel, 'the EventSource', (r) => r.kind === 'EventSource' && r.events === c.events.length);
  });

  it('WebSocket (trapped-ws): the prompt goes out, the deltas come in', async () => {
    const shown = await generate('trapped-ws');
    const c = await ended(s.control, '/trapped-ws/ws');
    const out = c.events.filter((e) => e.dir === 'out').map((e) => JSON.parse(e.text ?? '{}') as { type: string; prompt: string });
    expect(out[0]).toMatchObject({ type: 'chat', prompt: 'capture trapped-ws' });
    const deltas = c.events.filter((e) => e.dir === 'in').map((e) => JSON.parse(e.text ?? '{}') as { type: string; text?: string });
    expect(deltas.filter((m) => m.type === 'delta').map((m) => m.text).join('')).toBe(shown);
    await waitForConnection(panel, 'the socket', (r) => r.url.includes('/trapped-ws/ws') && r.kind === 'WebSocket' && r.events === c.events.length);
  });

  it('keeps a completed generation when the panel is closed and opened again', async () => {
    const shown = await generate('trapped-sse');
    const before = await ended(s.control, '/trapped-sse/api/chat');
    expect(sseContent(received(before))).toBe(shown);
    // Every panel of the tab goes away (the control is what keeps the tab recording).
    await panelPage.close();
    await s.control.close();
    await new Promise((r) => setTimeout(r, 500));

    const again = await openControl(s.browser.context, s.browser.extensionId!);
    s.control = again;
    await again.attach(await tabIdOf(again, s.page.url()));
    const after = chatConn(await again.snapshot());
    expect(after?.summary.id).toBe(before.summary.id);
    expect(after?.summary.state).toBe('ended');
    expect(after?.events).toEqual(before.events);
    const reopened = await openPanelPage(s.browser, again.tabId);
    await waitForConnection(reopened.panel, 'the chat stream after reopening', (r) => r.url.includes('/trapped-sse/api/chat') && r.kind === 'fetch-SSE' && r.events === before.events.length && r.status.endsWith('ended'));
    expect(await s.page.evaluate(() => document.body.dataset.state)).toBe('done');
  });
});

// ── 3. a browser restart on the same profile ────────────────────────────────────────────

describe('a browser restart with the same profile', () => {
  let demo: DemoServer;
  let profile: string;
  let browser: LaunchedBrowser | null = null;

  beforeAll(async () => {
    demo = await startDemoServer({ port: 0, tokens: 30, tokensPerSecond: 100 });
    profile = mkdtempSync(join(tmpdir(), 'dsi-restart-'));
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('lists the stored session after the restart and loads it with its connections and events intact', async () => {
    // First run: capture a generation.
    browser = await launchBrowser({ userDataDir: profile });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const url = `${demo.url}/trapped-sse/?tab=${Math.random().toString(36).slice(2)}`;
    await page.goto(url);
    const control = await openControl(browser.context, browser.extensionId!);
    await control.attach(await tabIdOf(control, url));
    await page.bringToFront();
    await sendPrompt(page, 'survive a restart');
    await waitForPageState(page, 'done');
    const shown = await assistantText(page);
    const conn = await ended(control, '/trapped-sse/api/chat');
    expect(sseContent(received(conn))).toBe(shown);
    const { sessionId } = await control.session();
    expect(sessionId).not.toBeNull();
    // Written to storage (batched writes) before the browser goes away.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const stored = (await control.sessions()).find((x) => x.id === sessionId);
      if (stored && stored.events >= conn.events.length) break;
      if (Date.now() > deadline) throw new Error(`session ${sessionId} never stored its ${conn.events.length} events: ${JSON.stringify(stored)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await browser.close({ keepProfile: true });
    browser = null;

    // Second run, same profile.
    browser = await launchBrowser({ userDataDir: profile });
    const control2 = await openControl(browser.context, browser.extensionId!);
    const listed = (await control2.sessions()).find((x) => x.id === sessionId);
    expect(listed).toBeDefined();
    expect(listed!.url).toBe(url);
    expect(listed!.connections).toBeGreaterThanOrEqual(1);
    const loaded = await control2.loadSession(sessionId!);
    expect(loaded.session.id).toBe(sessionId);
    const stored = chatConn(loaded.snapshot);
    expect(stored?.summary).toMatchObject({ kind: 'fetch', method: 'POST', state: 'ended', end: 'clean', streaming: true, events: conn.events.length });
    expect(stored?.events).toEqual(conn.events);
    expect(sseContent(received(stored!))).toBe(shown);

    // The panel's "Sessions…" picker shows it and opens it read-only.
    const page2 = browser.context.pages().find((p) => !p.url().startsWith('chrome-extension:')) ?? (await browser.context.newPage());
    const url2 = `${demo.url}/?tab=${Math.random().toString(36).slice(2)}`;
    await page2.goto(url2);
    const { panel } = await openPanelPage(browser, await tabIdOf(control2, url2));
    await panel.waitFor(`[...document.querySelectorAll('button')].some((b) => b.innerText.trim() === 'Sessions…')`, 'the Sessions… button');
    await clickButton(panel, 'Sessions…');
    const button = `document.querySelector('.session-list button.session[data-session=${JSON.stringify(sessionId)}]')`;
    await panel.waitFor(`${button}?.innerText.includes(${JSON.stringify(url)})`, 'the stored session in the picker', 15_000);
    await panel.evaluate(`${button}.click()`);
    await panel.waitFor(`document.querySelector('[aria-label="Shown source"]')?.innerText.includes('Stored session (read-only)')`, 'the stored-session banner');
    const row = await waitForConnection(panel, 'the stored chat stream', (r) => r.url.includes('/trapped-sse/api/chat') && r.kind === 'fetch-SSE');
    expect(row.events).toBe(conn.events.length);
    expect((await connectionRows(panel)).length).toBe(loaded.snapshot.connections.filter((c) => c.summary.streaming).length);
  });
});
