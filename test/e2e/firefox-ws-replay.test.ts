/**
 * WebSocket and EventSource replay in real Firefox (firefox-esr, WebDriver BiDi) with the built
 * `dist/firefox`, driven with the panel's own requests: a real session with a real server is
 * recorded, then replayed with the server's counters as the oracle that it was never contacted,
 * and the page's rendered text — including the exceptions Firefox's own socket threw for the
 * app's early calls — as the oracle that the app ended in the same state.
 *
 * Nothing here is skipped: without Firefox (or a build) the file fails with what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { assertFirefoxReady, launchFirefox, recordAndRequest, type FirefoxSession, type PanelRequest } from '../harness/firefox';
import { until } from './ws-control/server';
import { startReplayServer, type ReplayServer } from './ws-replay/server';
import type { ConnectionCapture } from '../../src/core/trace/model';
import { socketRecordingOf, type EsRecording, type WsRecording } from '../../src/core/replay/socket-recording';

assertFirefoxReady();

let ff: FirefoxSession;
let server: ReplayServer;
let page: Page;
let tabId: number;
let request: PanelRequest;

beforeAll(async () => {
  server = await startReplayServer();
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


const connection = (what: string, pick: (c: ConnectionCapture) => boolean) =>
  until(what, async () => (await request('subscribe', { tabId })).snapshot.connections.find(pick), 15_000);

/** Runs one of the app's streams to its end in a fresh page (after `arm`) and returns what the page rendered. */
async function run(which: 'ws' | 'es', arm: () => Promise<unknown> = async () => undefined): Promise<string> {
  await page.goto(`${server.url}/?run=${Math.random().toString(36).slice(2)}`);
  await arm();
  await page.evaluate(`window.__${which}()`);
  return page.evaluate(`document.getElementById(${JSON.stringify(which)}).textContent`) as Promise<string>;
}

describe('WebSocket replay (Firefox)', () => {
  let recorded: string;
  let recording: WsRecording;

  it('records a real session', async () => {
    recorded = await run('ws');
    expect(server.ws.connections).toBe(1);
    expect(recorded).toContain('open: readyState 1, protocol "chat.v1"');
    expect(recorded).toContain('close: true 4001 "done" clean true, readyState 3');
    recording = socketRecordingOf(await connection('the ended socket', (c) => c.summary.kind === 'websocket' && c.summary.state === 'ended')) as WsRecording;
  });

  it('replays it without contacting the server: the page ends in the same state', async () => {
    const replayed = await run('ws', () => request('replay', { tabId, recording, scale: 1 }));
    expect(replayed).toBe(recorded);
    expect(server.ws.connections).toBe(1);
    const conn = await connection('the replayed socket', (c) => c.summary.kind === 'websocket' && c.summary.detail?.startsWith('replayed') === true && c.summary.state === 'ended');
    expect(conn.events.filter((e) => e.dir === 'out').map((e) => e.text)).toEqual(['start', 'late']);
  });
});

describe('EventSource replay (Firefox)', () => {
  let recorded: string;
  let recording: EsRecording;

  it('records a real session across a reconnect', async () => {
    recorded = await run('es');
    expect(server.sse.requests).toEqual([null, '2']);
    expect(recorded).toContain('error: readyState 0');
    recording = socketRecordingOf(await connection('the closed EventSource', (c) => c.summary.kind === 'eventsource' && c.summary.state === 'ended')) as EsRecording;
  });

  it('replays it without contacting the server: the same messages, ids, reconnect and close', async () => {
    const replayed = await run('es', () => request('replay', { tabId, recording, scale: 1 }));
    expect(replayed).toBe(recorded);
    expect(server.sse.requests).toEqual([null, '2']);
  });
});
