/**
 * WebSocket control in real Firefox (firefox-esr, WebDriver BiDi) with the built `dist/firefox`,
 * against a real `ws` server, driven with the panel's own requests: injected messages are ones
 * the app cannot tell from received ones *in Firefox* (its `origin` measured on a real message),
 * sends reach the server (its log is the oracle), a simulated close carries the chosen code and
 * reason, a paused direction holds messages until resume, and a breakpoint edit delivers the
 * edited text.
 *
 * Nothing here is skipped: without Firefox (or a build) the file fails with what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { assertFirefoxReady, launchFirefox, recordAndRequest, type FirefoxSession, type PanelRequest } from '../harness/firefox';
import { startWsControlServer, until, type AppLogEntry as LogEntry, type WsControlServer } from './ws-control/server';
import type { ConnectionCapture, TabSnapshot } from '../../src/core/trace/model';
import type { WsAction } from '../../src/protocol/ws-control';

assertFirefoxReady();

let ff: FirefoxSession;
let server: WsControlServer;
let page: Page;
let tabId: number;
let run = 0;
let request: PanelRequest;

beforeAll(async () => {
  server = await startWsControlServer();
  ff = await launchFirefox();
  page = await ff.browser.newPage();
  await page.goto(`${server.url}/?firefox=${Math.random().toString(36).slice(2)}`);
  tabId = await ff.tabIdOf(page);
  ({ request } = await recordAndRequest(ff, tabId));
});
afterAll(async () => {
  await ff?.close();
  await server?.close();
});


const act = (conn: string, action: WsAction) => request('ws-control', { tabId, conn, action });
const snapshot = async (): Promise<TabSnapshot> => (await request('subscribe', { tabId })).snapshot;

async function connection(what: string, pick: (c: ConnectionCapture) => boolean): Promise<ConnectionCapture> {
  return until(what, async () => (await snapshot()).connections.find(pick), 15_000);
}

const log = () => page.evaluate(() => (window as unknown as { __log: LogEntry[] }).__log);

async function logged(what: string, pick: string, count = 2): Promise<LogEntry[]> {
  const filter = `(window.__log || []).filter((e) => ${pick})`;
  await page.waitForFunction(`${filter}.length >= ${count}`, { timeout: 10_000 }).catch((e: unknown) => {
    throw new Error(`the app never logged ${what}: ${String(e)}`);
  });
  return (await page.evaluate(filter)) as LogEntry[];
}

async function open(binaryType: 'blob' | 'arraybuffer'): Promise<{ conn: string; greeting: LogEntry; socket: number }> {
  await page.goto(`${server.url}/?run=${++run}`);
  const socket = server.received.length;
  await page.evaluate((bt) => (window as unknown as { __connect: (bt: string) => Promise<void> }).__connect(bt), binaryType);
  const [greeting] = await logged('the greeting', `e.text === 'hello'`);
  const c = await connection('the socket', (x) => x.summary.kind === 'websocket' && x.summary.state === 'open' && x.events.some((e) => e.text === 'hello'));
  return { conn: c.summary.id, greeting: greeting!, socket };
}

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

describe('WebSocket control (Firefox)', () => {
  it('injects text and binary messages the app cannot tell from received ones', async () => {
    const { conn, greeting } = await open('blob');
    expect(greeting).toMatchObject({ isMessageEvent: true, dataType: 'string' });
    expect(greeting.origin).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    await act(conn, { kind: 'inject', data: { binary: false, value: 'injected text' } });
    for (const e of await logged('the injected text', `e.text === 'injected text'`)) expect(e).toMatchObject({ isMessageEvent: true, origin: greeting.origin, dataType: 'string' });
    await act(conn, { kind: 'inject', data: { binary: true, value: b64('00ff10') } });
    for (const e of await logged('the injected Blob', `e.dataType === 'Blob' && e.hex === '00ff10'`)) expect(e).toMatchObject({ isMessageEvent: true, origin: greeting.origin });
    await page.evaluate(() => ((window as unknown as { __ws: WebSocket }).__ws.binaryType = 'arraybuffer'));
    await act(conn, { kind: 'inject', data: { binary: true, value: b64('cafe') } });
    for (const e of await logged('the injected ArrayBuffer', `e.dataType === 'ArrayBuffer' && e.hex === 'cafe'`)) expect(e).toMatchObject({ isMessageEvent: true, origin: greeting.origin });
    const c = await connection('three injected frames', (x) => x.summary.id === conn && x.events.filter((e) => e.mark === 'injected').length === 3);
    expect(c.events.filter((e) => e.mark === 'injected').map((e) => e.text ?? e.base64)).toEqual(['injected text', b64('00ff10'), b64('cafe')]);
  });

  it('sends to the server, and a simulated close gives the app the chosen code and reason', async () => {
    const { conn, socket } = await open('blob');
    await act(conn, { kind: 'send', data: { binary: false, value: 'from the panel' } });
    await act(conn, { kind: 'send', data: { binary: true, value: b64('0102') } });
    const got = await until('the server to receive both', () => (server.received[socket]!.length >= 2 ? server.received[socket] : null));
    expect(got).toEqual([{ text: 'from the panel', hex: null }, { text: null, hex: '0102' }]);
    await act(conn, { kind: 'close', code: 4002, reason: 'see you', wasClean: true });
    const [close] = await logged('the close', `e.type === 'close'`, 1);
    expect(close).toEqual({ type: 'close', code: 4002, reason: 'see you', wasClean: true, readyState: 3, isCloseEvent: true });
    await until('the server to see the socket close', () => server.closes[socket]);
  });

  it('pausing incoming holds messages until resume; a breakpoint edit delivers the edited text', async () => {
    const { conn } = await open('blob');
    await act(conn, { kind: 'block', dir: 'in', hold: true });
    // The breakpoint is asked before the pause: its hit proves that m1 and m2, sent before it on
    // the same TCP stream, reached the page too, and were held.
    await act(conn, { kind: 'breakpoint', dir: 'in', pattern: 'marker', regex: false });
    await server.push('m1');
    await server.push('m2');
    await server.push('the marker');
    const c = await connection('the hit', (x) => x.summary.id === conn && x.summary.controls?.some((n) => n.action === 'breakpoint-hit') === true);
    expect((await log()).map((e) => e.text)).toEqual(['hello', 'hello']);
    await act(conn, { kind: 'resume', dir: 'in' });
    await logged('m2', `e.text === 'm2'`);
    const hit = c.summary.controls!.find((n) => n.action === 'breakpoint-hit')!;
    await act(conn, { kind: 'edit', holdId: hit.holdId!, data: { binary: false, value: 'the edited marker' } });
    await logged('the edited marker', `e.text === 'the edited marker'`);
    expect((await log()).filter((e) => e.via === 'onmessage').map((e) => e.text)).toEqual(['hello', 'm1', 'm2', 'the edited marker']);
  });
});
