/**
 * Socket mocks served to real pages in Chromium, with no Socket.IO server running: the real
 * socket.io-client renders the Socket.IO template's answer; a WebSocket mock that drops makes
 * a page that reconnects on a lost connection reconnect (to the real server behind it); an
 * EventSource mock (an SSE template) that drops makes the EventSource reconnect by itself with
 * the mock's last id. The server counts upgrades and SSE requests: a mocked one never reaches it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlSession, waitForCapture, type ControlSession } from '../harness/control-session';
import { startSocketMockServer, type SocketMockServer } from './socket-mock/server';
import { compileAnyMock, insertStep, keepSteps, templateMock } from '../../src/core/mock';
import { SERVED_DETAIL } from '../../src/core/replay/served';

let s: ControlSession;
let server: SocketMockServer;

beforeAll(async () => {
  server = await startSocketMockServer();
  s = await startControlSession();
});
afterAll(async () => {
  await s?.close();
  await server?.close();
});

function ok<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('socket mocks (Chromium)', () => {
  it('a Socket.IO template answers the real socket.io-client, with no Socket.IO server', async () => {
    const answer = 'Hello from a mocked Socket.IO server, été.';
    const mock = ok(templateMock('socketio', answer, { url: `${server.url.replace('http', 'ws')}/socket.io/`, paceMs: 10 }));
    await s.page.goto(`${server.url}/socketio`);
    await s.control.replay(compileAnyMock(mock), 1);
    await s.page.evaluate('window.__connect()');
    await s.page.waitForFunction(() => document.body.dataset.state !== undefined, null, { timeout: 15_000 });
    expect(await s.page.evaluate(() => document.body.dataset.state)).toBe('done');
    // socket.io-client took the template's namespace connect: it reports the mocked socket id.
    expect(await s.page.evaluate(() => document.body.dataset.connected)).toBe('mockSocketSid0000000');
    expect(await s.page.textContent('#answer')).toBe(answer);
    expect(server.upgrades['/socket.io/']).toBeUndefined();
    // The capture marks it as served from a mock, with the client's own namespace connect.
    const conn = await waitForCapture(s.control, 'the mocked Socket.IO socket', (sn) => sn.connections.find((c) => c.summary.kind === 'websocket' && c.summary.url.includes('/socket.io/') && c.summary.state === 'ended'));
    expect(conn.summary.detail).toBe(SERVED_DETAIL.mock);
    expect(conn.events.filter((e) => e.dir === 'out').map((e) => e.text)).toContain('40');
  });

  it('a WebSocket mock that drops: the page sees a lost connection (1006, not clean) and reconnects to the real server', async () => {
    const full = ok(templateMock('json-websocket', 'one two three', { url: `${server.url.replace('http', 'ws')}/live`, paceMs: 10 }));
    const mock = insertStep(keepSteps(full, 3), 3, { kind: 'drop', delayMs: 20 });
    await s.page.goto(`${server.url}/reconnect`);
    await s.control.replay(compileAnyMock(mock), 1);
    await s.page.evaluate('window.__connect()');
    await s.page.waitForFunction(() => document.body.dataset.state !== undefined, null, { timeout: 15_000 });
    const log = await s.page.evaluate(() => [...document.querySelectorAll('#log li')].map((li) => li.textContent));
    const mocked = full.steps.slice(0, 3).map((st) => `1 message ${st.kind === 'event' ? st.data : ''}`);
    expect(log).toEqual(['1 open', ...mocked, '1 error', '1 close 1006 clean false', '2 open', '2 message from the server', '2 close 1000 clean true']);
    expect(await s.page.evaluate(() => document.body.dataset.state)).toBe('closed 2');
    // Only the reconnect reached the server.
    expect(server.upgrades['/live']).toBe(1);
    const sockets = await waitForCapture(s.control, 'both sockets ended', (sn) => {
      const list = sn.connections.filter((c) => c.summary.kind === 'websocket' && c.summary.url.endsWith('/live'));
      return list.length === 2 && list.every((c) => c.summary.state === 'ended') ? list : null;
    });
    expect(sockets.map((c) => c.summary.detail)).toEqual([SERVED_DETAIL.mock, null]);
    expect(sockets.map((c) => c.summary.end)).toEqual(['network-error', 'server-close']);
  });

  it('an EventSource mock from an SSE template that drops: the EventSource reconnects with the mock\'s last id to the real server', async () => {
    const full = ok(templateMock('durable-sse', 'one two three', { url: `${server.url}/events`, transport: 'eventsource', paceMs: 10 }));
    // A short reconnection time first (a block with only `retry:`), two events, then the drop.
    const mock = insertStep(insertStep(keepSteps(full, 2), 0, { kind: 'event', delayMs: 0, data: 'retry: 50\n\n' }), 3, { kind: 'drop', delayMs: 10 });
    await s.page.goto(`${server.url}/eventsource`);
    await s.control.replay(compileAnyMock(mock), 1);
    await s.page.evaluate('window.__connect()');
    await s.page.waitForFunction(() => document.body.dataset.state === 'closed', null, { timeout: 15_000 });
    const log = await s.page.evaluate(() => [...document.querySelectorAll('#log li')].map((li) => li.textContent));
    expect(log).toEqual(['delta 1 {"delta":"one","seq":1}', 'delta 2 {"delta":" two","seq":2}', 'error, readyState 0', 'delta 3 from the server']);
    // The mock answered the first connection; the browser's own reconnect reached the server with Last-Event-ID 2.
    expect(server.events).toEqual(['2']);
    const conn = await waitForCapture(s.control, 'the mocked EventSource', (sn) => sn.connections.find((c) => c.summary.kind === 'eventsource' && c.summary.state === 'ended'));
    expect(conn.summary.detail).toBe(SERVED_DETAIL.mock);
  });
});
