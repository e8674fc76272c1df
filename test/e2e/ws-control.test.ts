/**
 * WebSocket control in real Chromium against a real `ws` server, driven through the control API
 * the CLI uses (the panel's own requests): what the panel sends reaches the server (the
 * server's log is the oracle), what it injects reaches the app as a message the app cannot tell
 * from a received one (compared with a real message's `origin`), a simulated close or error is
 * what the app sees, a blocked direction holds messages until resumed (the browser's own
 * network log, through CDP, proves they had arrived), and a breakpoint delivers an edited copy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket as PwWebSocket } from 'playwright-core';
import { startControlSession, waitForCapture, type ControlSession } from '../harness/control-session';
import { startWsControlServer, until, type AppLogEntry as LogEntry, type WsControlServer } from './ws-control/server';
import type { ConnectionCapture } from '../../src/core/trace/model';
import type { WsAction } from '../../src/protocol/ws-control';
import { clickButton, pageAsPanel, selectConnection, typeInto } from '../harness/panel';

let s: ControlSession;
let server: WsControlServer;
let run = 0;

beforeAll(async () => {
  server = await startWsControlServer();
  s = await startControlSession();
});
afterAll(async () => {
  await s?.close();
  await server?.close();
});

const log = () => s.page.evaluate(() => (window as unknown as { __log: LogEntry[] }).__log);

/** Waits until the app's log has `count` entries matching `pick` (both of its message listeners count). */
async function logged(what: string, pick: (e: LogEntry) => boolean, count = 2): Promise<LogEntry[]> {
  await s.page.waitForFunction(
    ([src, n]) => (window as unknown as { __log: LogEntry[] }).__log.filter(new Function('e', `return (${src})(e)`) as (e: LogEntry) => boolean).length >= n,
    [pick.toString(), count] as const,
    { timeout: 10_000 },
  ).catch((e: unknown) => {
    throw new Error(`the app never logged ${what}: ${String(e)}`);
  });
  return (await log()).filter(pick);
}

/** Opens the app's socket; returns its connection in the capture, the real greeting and the browser's frame log. */
async function open(binaryType: 'blob' | 'arraybuffer'): Promise<{ conn: string; greeting: LogEntry; frames: string[]; socket: number }> {
  await s.page.goto(`${server.url}/?run=${++run}`);
  const frames: string[] = [];
  const seen = new Promise<void>((resolve) =>
    s.page.once('websocket', (ws: PwWebSocket) => {
      ws.on('framereceived', (f) => frames.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('hex')));
      resolve();
    }),
  );
  const socket = server.received.length;
  await s.page.evaluate((bt) => (window as unknown as { __connect: (bt: string) => Promise<void> }).__connect(bt), binaryType);
  await seen;
  const [greeting] = await logged('the greeting', (e) => e.text === 'hello');
  const c = await waitForCapture(s.control, 'the socket', (sn) => sn.connections.find((x) => x.summary.kind === 'websocket' && x.summary.state === 'open'));
  return { conn: c.summary.id, greeting: greeting!, frames, socket };
}

const connection = (conn: string, what: string, pick: (c: ConnectionCapture) => boolean) =>
  waitForCapture(s.control, what, (sn) => sn.connections.find((c) => c.summary.id === conn && pick(c)));

const act = (conn: string, action: WsAction) => s.control.wsControl(conn, action);
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

describe('WebSocket control (Chromium)', () => {
  it('injects text and binary messages the app cannot tell from received ones', async () => {
    const { conn, greeting } = await open('blob');
    // The real message's origin, as this browser gives it: the reference for injected ones.
    expect(greeting).toMatchObject({ isMessageEvent: true, dataType: 'string' });
    expect(greeting.origin).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);

    await act(conn, { kind: 'inject', data: { binary: false, value: 'injected text' } });
    const text = await logged('the injected text', (e) => e.text === 'injected text');
    expect(text.map((e) => e.via).sort()).toEqual(['listener', 'onmessage']);
    for (const e of text) expect(e).toMatchObject({ isMessageEvent: true, origin: greeting.origin, dataType: 'string' });

    await act(conn, { kind: 'inject', data: { binary: true, value: b64('00ff10') } });
    const blob = await logged('the injected Blob', (e) => e.dataType === 'Blob' && e.hex === '00ff10');
    for (const e of blob) expect(e).toMatchObject({ isMessageEvent: true, origin: greeting.origin });

    await s.page.evaluate(() => ((window as unknown as { __ws: WebSocket }).__ws.binaryType = 'arraybuffer'));
    await act(conn, { kind: 'inject', data: { binary: true, value: b64('cafe') } });
    const buf = await logged('the injected ArrayBuffer', (e) => e.dataType === 'ArrayBuffer' && e.hex === 'cafe');
    for (const e of buf) expect(e).toMatchObject({ isMessageEvent: true, origin: greeting.origin });

    // The capture marks them injected: the server never sent them.
    const c = await connection(conn, 'three injected frames', (x) => x.events.filter((e) => e.mark === 'injected').length === 3);
    expect(c.events.filter((e) => e.mark === 'injected').map((e) => e.text ?? e.base64)).toEqual(['injected text', b64('00ff10'), b64('cafe')]);
    expect(c.events.find((e) => e.text === 'hello')?.mark).toBeUndefined();
  });

  it('sends text and binary messages to the server, marked as the inspector’s', async () => {
    const { conn, socket } = await open('blob');
    await act(conn, { kind: 'send', data: { binary: false, value: 'from the panel' } });
    await act(conn, { kind: 'send', data: { binary: true, value: b64('0102') } });
    const got = await until('the server to receive both', () => (server.received[socket]!.length >= 2 ? server.received[socket] : null));
    expect(got).toEqual([{ text: 'from the panel', hex: null }, { text: null, hex: '0102' }]);
    const c = await connection(conn, 'two sent frames', (x) => x.events.filter((e) => e.mark === 'sent').length === 2);
    expect(c.events.filter((e) => e.dir === 'out').map((e) => [e.mark, e.text ?? e.base64])).toEqual([['sent', 'from the panel'], ['sent', b64('0102')]]);
    // The app's own messages never heard of them.
    expect((await log()).filter((e) => e.type === 'message').map((e) => e.text)).toEqual(['hello', 'hello']);
  });

  it('a simulated close gives the app the chosen code, reason and wasClean, and closes the real socket', async () => {
    const { conn, socket } = await open('blob');
    await act(conn, { kind: 'close', code: 4001, reason: 'bye now', wasClean: false });
    const [close] = await logged('the close', (e) => e.type === 'close', 1);
    expect(close).toEqual({ type: 'close', code: 4001, reason: 'bye now', wasClean: false, readyState: 3, isCloseEvent: true });
    await until('the server to see the socket close', () => server.closes[socket]);
    const c = await connection(conn, 'the end', (x) => x.summary.state === 'ended');
    // Not clean: the capture ends it as a lost connection, as it would a real one.
    expect(c.summary.end).toBe('network-error');
    expect(c.summary.controls?.map((n) => [n.action, n.detail, n.error])).toEqual([['close', '4001 bye now, not clean', null]]);
    expect((await log()).filter((e) => e.type === 'error')).toEqual([]);
  });

  it('a simulated error fires error, then close 1006 not clean', async () => {
    const { conn } = await open('blob');
    await act(conn, { kind: 'error' });
    await logged('the close', (e) => e.type === 'close', 1);
    expect((await log()).filter((e) => e.type !== 'message')).toEqual([
      { type: 'error', readyState: 3 },
      { type: 'close', code: 1006, reason: '', wasClean: false, readyState: 3, isCloseEvent: true },
    ]);
  });

  it('pausing incoming holds messages back from the app until resume, in order', async () => {
    const { conn, frames } = await open('blob');
    await act(conn, { kind: 'block', dir: 'in', hold: true });
    await connection(conn, 'the block', (x) => x.summary.controls?.some((n) => n.action === 'block') === true);
    await server.push('m1');
    await server.push('m2');
    // The browser received both (its own network log says so): the app has not.
    await until('the browser to receive m2', () => frames.includes('m2'));
    expect((await log()).map((e) => e.text)).toEqual(['hello', 'hello']);
    await act(conn, { kind: 'resume', dir: 'in' });
    await logged('m2', (e) => e.text === 'm2');
    expect((await log()).filter((e) => e.via === 'onmessage').map((e) => e.text)).toEqual(['hello', 'm1', 'm2']);
  });

  it('blocking incoming drops messages, recorded as dropped', async () => {
    const { conn, frames } = await open('blob');
    await act(conn, { kind: 'block', dir: 'in', hold: false });
    await connection(conn, 'the block', (x) => x.summary.controls?.some((n) => n.action === 'block') === true);
    await server.push('lost');
    await until('the browser to receive it', () => frames.includes('lost'));
    const c = await connection(conn, 'the dropped frame', (x) => x.events.some((e) => e.mark === 'dropped'));
    expect(c.events.filter((e) => e.mark === 'dropped').map((e) => e.text)).toEqual(['lost']);
    await act(conn, { kind: 'resume', dir: 'in' });
    // The hook has lifted the block once it records the resume; a message pushed before that is
    // rightly dropped (CI saw it: the request's reply can come first).
    await connection(conn, 'the resume', (x) => x.summary.controls?.some((n) => n.action === 'resume') === true);
    await server.push('after');
    await logged('the message after resume', (e) => e.text === 'after');
    expect((await log()).filter((e) => e.via === 'onmessage').map((e) => e.text)).toEqual(['hello', 'after']);
  });

  it('blocking outgoing swallows the app’s sends; pausing sends them on resume', async () => {
    const { conn, socket } = await open('blob');
    const send = (t: string) => s.page.evaluate((x) => (window as unknown as { __ws: WebSocket }).__ws.send(x), t);
    await act(conn, { kind: 'block', dir: 'out', hold: false });
    await connection(conn, 'the block', (x) => x.summary.controls?.length === 1);
    await send('swallowed');
    await act(conn, { kind: 'block', dir: 'out', hold: true });
    await connection(conn, 'the pause', (x) => x.summary.controls?.length === 2);
    await send('later');
    await act(conn, { kind: 'resume', dir: 'out' });
    await connection(conn, 'the resume', (x) => x.summary.controls?.length === 3);
    await send('now');
    await until('the server to receive two', () => server.received[socket]!.length >= 2);
    expect(server.received[socket]!.map((r) => r.text)).toEqual(['later', 'now']);
    const c = await connection(conn, 'three outgoing frames', (x) => x.events.filter((e) => e.dir === 'out').length === 3);
    expect(c.events.filter((e) => e.dir === 'out').map((e) => [e.text, e.mark ?? null])).toEqual([['swallowed', 'blocked'], ['later', null], ['now', null]]);
  });

  it('a breakpoint holds the next matching message; Edit delivers the edited copy', async () => {
    const { conn } = await open('blob');
    await act(conn, { kind: 'breakpoint', dir: 'in', pattern: 'secret \\d+', regex: true });
    await connection(conn, 'the breakpoint', (x) => x.summary.controls?.some((n) => n.action === 'breakpoint') === true);
    await server.push('the secret 42');
    const c = await connection(conn, 'the hit', (x) => x.summary.controls?.some((n) => n.action === 'breakpoint-hit') === true);
    const hit = c.summary.controls!.find((n) => n.action === 'breakpoint-hit')!;
    expect(hit).toMatchObject({ dir: 'in', detail: 'the secret 42', error: null });
    expect((await log()).map((e) => e.text)).toEqual(['hello', 'hello']);
    await act(conn, { kind: 'edit', holdId: hit.holdId!, data: { binary: false, value: 'the secret [redacted]' } });
    const edited = await logged('the edited copy', (e) => e.text === 'the secret [redacted]');
    for (const e of edited) expect(e).toMatchObject({ isMessageEvent: true, dataType: 'string' });
    // One hit per breakpoint: the next match passes.
    await server.push('the secret 43');
    await logged('the next match', (e) => e.text === 'the secret 43');
    expect((await log()).filter((e) => e.via === 'onmessage').map((e) => e.text)).toEqual(['hello', 'the secret [redacted]', 'the secret 43']);
    const after = await connection(conn, 'the edited frame', (x) => x.events.some((e) => e.mark === 'edited'));
    expect(after.events.filter((e) => e.dir === 'in').map((e) => [e.text, e.mark ?? null])).toEqual([['hello', null], ['the secret [redacted]', 'edited'], ['the secret 43', null]]);
  });

  it('reports what it cannot do: a held message released twice, a closed socket', async () => {
    const { conn } = await open('blob');
    await act(conn, { kind: 'continue', holdId: `${conn}#9` });
    await act(conn, { kind: 'close', code: 1000, reason: '', wasClean: true });
    await act(conn, { kind: 'send', data: { binary: false, value: 'too late' } });
    const c = await connection(conn, 'three notes', (x) => (x.summary.controls?.length ?? 0) >= 3);
    expect(c.summary.controls!.map((n) => [n.action, n.error !== null])).toEqual([['continue', true], ['close', false], ['send', true]]);
    await expect(s.control.wsControl('no-such-doc:ws-1', { kind: 'error' })).rejects.toThrow(/no document/);
  });

  it('through the real panel: Inject, Send, and a breakpoint edited in the Control tab', async () => {
    const { conn, socket } = await open('blob');
    const panelPage = await s.browser.context.newPage();
    try {
      await panelPage.setViewportSize({ width: 1400, height: 900 });
      await panelPage.goto(`chrome-extension://${s.browser.extensionId}/panel/index.html?tabId=${s.control.tabId}`);
      const panel = pageAsPanel(panelPage);
      await panel.waitFor(`document.querySelector('table[aria-label="Streaming connections"] tbody tr') !== null`, 'the socket row');
      await selectConnection(panel, '/ws');
      await clickButton(panel, 'Control', '[role=tab]');
      await panel.waitFor(`document.querySelector('[aria-label="WebSocket control"]') !== null`, 'the Control tab');

      await typeInto(panel, 'textarea[aria-label="Message to send or inject"]', 'typed in the panel');
      await clickButton(panel, 'Inject into app');
      await logged('the injected message', (e) => e.text === 'typed in the panel');
      await clickButton(panel, 'Send to server');
      await until('the server to receive it', () => server.received[socket]!.some((r) => r.text === 'typed in the panel'));

      await typeInto(panel, 'input[aria-label="Breakpoint pattern"]', 'stop here');
      await clickButton(panel, 'Set breakpoint');
      await connection(conn, 'the breakpoint', (x) => x.summary.controls?.some((n) => n.action === 'breakpoint') === true);
      await server.push('please stop here');
      await panel.waitFor(`document.querySelector('[aria-label="Held messages"] input')?.value === 'please stop here'`, 'the held message in the panel');
      await typeInto(panel, '[aria-label="Held messages"] input', 'edited in the panel');
      await clickButton(panel, 'Edit');
      await logged('the edited message', (e) => e.text === 'edited in the panel');
      await panel.waitFor(`document.querySelector('[aria-label="Held messages"] li') === null`, 'the hold to leave the list');
      expect((await log()).filter((e) => e.via === 'onmessage').map((e) => e.text)).toEqual(['hello', 'typed in the panel', 'edited in the panel']);
      // The event list says which frames the control touched.
      await clickButton(panel, 'Events', '[role=tab]');
      await panel.waitFor(`[...document.querySelectorAll('.frame-mark')].map((x) => x.innerText.trim()).join(',') === 'injected,sent,edited'`, 'the marks in the event list');
    } finally {
      await panelPage.close();
    }
  });
});
