/**
 * XMLHttpRequest replay and mocks in real Firefox (firefox-esr, the built dist/firefox), with a
 * native XHR in a Firefox without the extension as the oracle: the probe's events, state and
 * response must match it — including what Firefox, unlike Chromium, still answers after a
 * connection reset (responseURL and getResponseHeader) — and sse.js must render the same answer
 * from a replay as from the real server, which the replay never contacts.
 *
 * Nothing here is skipped: without Firefox (or a build) the file fails with what to do.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { assertFirefoxReady, launchFirefox, recordAndRequest, type FirefoxSession, type PanelRequest } from '../harness/firefox';
import { until } from './ws-control/server';
import { bundleClient } from '../zoo/bundle';
import { startXhrServer, SSE_TOKENS, type XhrServer } from './xhr-replay/server';
import { eventShape, textsGrow, type ProbeOptions, type ProbeResult } from './xhr-replay/compare';
import type { ConnectionCapture } from '../../src/core/trace/model';
import { recordingOf, type ReplayRecording } from '../../src/core/replay/recording';
import { compileMock } from '../../src/core/mock';

assertFirefoxReady();

let server: XhrServer;
let ff: FirefoxSession;
let plain: FirefoxSession;
let page: Page;
let plainPage: Page;
let tabId: number;
let request: PanelRequest;

beforeAll(async () => {
  const probe = readFileSync(new URL('./xhr-replay/probe.js', import.meta.url), 'utf8');
  const app = await bundleClient(new URL('./xhr-replay/app.js', import.meta.url).pathname);
  server = await startXhrServer(`<!doctype html><title>xhr replay</title><pre id="out"></pre><script>${probe}</script><script type="module">${app}</script>`);
  ff = await launchFirefox();
  plain = await launchFirefox({ extension: false });
  plainPage = await plain.browser.newPage();
  page = await ff.browser.newPage();
  await page.goto(`${server.url}/?firefox=${Math.random().toString(36).slice(2)}`);
  tabId = await ff.tabIdOf(page);
  ({ request } = await recordAndRequest(ff, tabId));
}, 60_000);
afterAll(async () => {
  await plain?.close();
  await ff?.close();
  await server?.close();
});


const connection = (what: string, pick: (c: ConnectionCapture) => boolean) =>
  until(what, async () => (await request('subscribe', { tabId })).snapshot.connections.find(pick), 15_000);

const runId = () => Math.random().toString(36).slice(2);

async function fresh(p: Page): Promise<void> {
  await p.goto(`${server.url}/?page=${runId()}`);
  await p.waitForFunction('typeof window.__sse === "function"');
}

async function probe(p: Page, opts: ProbeOptions, arm: () => Promise<unknown> = async () => undefined): Promise<ProbeResult> {
  await fresh(p);
  await arm();
  return p.evaluate(`window.__xhrProbe(${JSON.stringify(opts)})`) as Promise<ProbeResult>;
}

const replay = (recording: ReplayRecording) => request('replay', { tabId, recording, scale: 1 });

describe('a served XHR behaves as a native one (Firefox)', () => {
  const POST = { url: '/sse', method: 'POST', body: '{"q":1}' } as const;
  let live: ProbeResult;
  let recording: ReplayRecording;

  beforeAll(async () => {
    const url = `/sse?run=${runId()}`;
    live = await probe(page, { ...POST, url });
    recording = recordingOf(await connection('the captured XHR', (c) => c.summary.kind === 'xhr' && c.summary.url === `${server.url}${url}` && c.summary.state === 'ended'));
  });

  it('replays the recorded stream without the network: same events, state and response as native', async () => {
    const native = await probe(plainPage, POST);
    const hits = server.hits['/sse'];
    const replayed = await probe(page, POST, () => replay(recording));
    expect(server.hits['/sse']).toBe(hits);
    expect(eventShape(replayed)).toEqual(eventShape(native));
    expect(textsGrow(replayed)).toBe(true);
    expect(replayed.final).toEqual({ ...native.final, statusText: recording.statusText });
    expect(replayed.response).toBe(native.response);
    expect(replayed.headers).toBe(live.headers);
    expect([replayed.url, replayed.contentType, replayed.missing]).toEqual([native.url, native.contentType, native.missing]);
    expect(replayed.facts).toEqual(native.facts);
  });

  it('a mock that drops: Firefox’s network-error sequence, with what Firefox keeps after a reset', async () => {
    const opts = { url: '/cut', method: 'POST', body: '{}' };
    const native = await probe(plainPage, opts);
    // Firefox still answers these after the reset (Chromium answers '' and null).
    expect([native.url, native.contentType, native.headers]).toEqual([`${server.url}/cut`, 'text/event-stream', '']);
    const mock = compileMock({
      name: 'cut',
      request: { method: 'POST', url: `${server.url}/cut` },
      response: { status: 200, headers: [['content-type', 'text/event-stream']] },
      steps: [...SSE_TOKENS.slice(0, 2).map((t) => ({ kind: 'event' as const, delayMs: 80, data: `data: ${JSON.stringify({ t })}\n\n` })), { kind: 'drop', delayMs: 80 }],
    });
    const hits = server.hits['/cut'];
    const replayed = await probe(page, opts, () => replay(mock));
    expect(server.hits['/cut']).toBe(hits);
    expect(eventShape(replayed)).toEqual(eventShape(native));
    expect(replayed.final).toEqual(native.final);
    expect([replayed.url, replayed.contentType, replayed.headers, replayed.response]).toEqual([native.url, native.contentType, native.headers, native.response]);
  });

  it('a drop fault on a live XHR: Firefox’s network-error sequence of a real reset, no abort seen', async () => {
    const native = await probe(plainPage, { url: '/cut', method: 'POST', body: '{}' });
    const cut = server.cutByClient.count;
    const dropped = await probe(page, POST, () => request('arm-fault', { tabId, fault: { id: 'ff-xhr-live-drop', kind: 'drop', trigger: { kind: 'after-events', count: 2 }, scope: { kind: 'tab' }, probability: 1, once: true } }));
    expect(eventShape(dropped)).toEqual(eventShape(native));
    expect(dropped.final).toEqual(native.final);
    // What Firefox keeps after a reset, kept after the injected one: this request's own URL and head.
    expect([dropped.url, dropped.contentType, dropped.headers]).toEqual([`${server.url}/sse`, native.contentType, '']);
    await until('the server to see the request cut', () => server.cutByClient.count === cut + 1);
  });

  it('sse.js renders the same answer from a replay, and the server is not contacted', async () => {
    type SseRun = { text: string; log: string[] };
    const runSse = async (arm: () => Promise<unknown> = async () => undefined) => {
      await fresh(page);
      await arm();
      return page.evaluate(`window.__sse('/sse')`) as Promise<SseRun>;
    };
    const recorded = await runSse();
    expect(recorded.text).toBe(SSE_TOKENS.join(''));
    const conn = await connection('the sse.js stream', (c) => c.summary.kind === 'xhr' && c.summary.url === `${server.url}/sse` && c.summary.detail === null && c.summary.state === 'ended' && c.summary.requestBodyPreview === '{"prompt":"say hello"}');
    const hits = server.hits['/sse'];
    const replayed = await runSse(() => replay(recordingOf(conn)));
    expect(replayed).toEqual(recorded);
    expect(server.hits['/sse']).toBe(hits);
  });
});
