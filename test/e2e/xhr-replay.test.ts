/**
 * XMLHttpRequest replay and mocks in real Chromium. The oracle is a native XHR: the same probe
 * (xhr-replay/probe.js) runs in a Chromium without the extension against a real server, and
 * the served XHR must give the app the same events in the same order, with the same readyState,
 * status and progress fields at each, and the same response for each responseType — while the
 * server's own request count shows it was never contacted. Then the real library: sse.js
 * streams an answer from the server, which is recorded from the capture and replayed; a mock
 * that drops, and a drop fault on a replay, make sse.js report what a real connection reset
 * gives it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startControlSession, waitForCapture, type ControlSession } from './../harness/control-session';
import { launchBrowser, type LaunchedBrowser } from '../../src/cli/chromium';
import { bundleClient } from '../zoo/bundle';
import { startXhrServer, SSE_TOKENS, type XhrServer } from './xhr-replay/server';
import { eventShape, textsGrow, type ProbeOptions, type ProbeResult } from './xhr-replay/compare';
import { recordingOf, type ReplayRecording } from '../../src/core/replay/recording';
import { compileMock, type Mock } from '../../src/core/mock';
import { SERVED_DETAIL } from '../../src/core/replay/served';

let server: XhrServer;
let s: ControlSession;
let plain: LaunchedBrowser;
let plainPage: Page;

beforeAll(async () => {
  const probe = readFileSync(new URL('./xhr-replay/probe.js', import.meta.url), 'utf8');
  const app = await bundleClient(new URL('./xhr-replay/app.js', import.meta.url).pathname);
  server = await startXhrServer(`<!doctype html><title>xhr replay</title><pre id="out"></pre><script>${probe}</script><script type="module">${app}</script>`);
  s = await startControlSession();
  plain = await launchBrowser({ extension: false });
  plainPage = await plain.context.newPage();
}, 60_000);
afterAll(async () => {
  await plain?.close();
  await s?.close();
  await server?.close();
});

const runId = () => Math.random().toString(36).slice(2);

/** Opens a fresh app page (armed replays belong to the document they were armed in). */
async function fresh(page: Page): Promise<void> {
  await page.goto(`${server.url}/?page=${runId()}`);
  await page.waitForFunction(() => typeof (window as unknown as { __sse?: unknown }).__sse === 'function');
}

async function probe(page: Page, opts: ProbeOptions, arm: () => Promise<unknown> = async () => undefined): Promise<ProbeResult> {
  await fresh(page);
  await arm();
  return page.evaluate((o) => (window as unknown as { __xhrProbe(o: ProbeOptions): Promise<ProbeResult> }).__xhrProbe(o), opts);
}

/** Runs the probe live in the extension's browser and returns the capture's recording of it. */
async function record(opts: ProbeOptions): Promise<{ live: ProbeResult; recording: ReplayRecording }> {
  const url = `${opts.url}?run=${runId()}`;
  const live = await probe(s.page, { ...opts, url });
  const conn = await waitForCapture(s.control, `the captured XHR ${url}`, (snap) => snap.connections.find((c) => c.summary.kind === 'xhr' && c.summary.url === `${server.url}${url}` && c.summary.state === 'ended'));
  return { live, recording: recordingOf(conn) };
}

/** Everything the app can read at the end but the headers' dates (two runs differ there). */
const undated = (headers: string) => headers.replace(/^date: .*\r\n/m, '');

describe('a served XHR behaves as a native one (Chromium)', () => {
  let sse: { live: ProbeResult; recording: ReplayRecording };
  const POST = { url: '/sse', method: 'POST', body: '{"q":1}' } as const;

  beforeAll(async () => {
    sse = await record(POST);
  });

  it('the capture sees the native sequence unchanged (control)', async () => {
    const native = await probe(plainPage, POST);
    expect(eventShape(sse.live)).toEqual(eventShape(native));
    expect(undated(sse.live.headers)).toBe(undated(native.headers));
    expect(sse.live.final.text).toBe(SSE_TOKENS.map((t) => `data: ${JSON.stringify({ t })}\n\n`).join('') + 'data: [DONE]\n\n');
  });

  it('replays the recorded stream without the network: same events, state and response as native', async () => {
    const native = await probe(plainPage, POST);
    const hits = server.hits['/sse'];
    const started = Date.now();
    const replayed = await probe(s.page, POST, () => s.control.replay(sse.recording, 1));
    expect(server.hits['/sse']).toBe(hits);
    expect(eventShape(replayed)).toEqual(eventShape(native));
    expect(textsGrow(replayed)).toBe(true);
    // Four chunks 80 ms apart, played at the recorded times, not in one burst.
    expect(replayed.log.filter((e) => e.type === 'progress').length).toBeGreaterThanOrEqual(3);
    expect(Date.now() - started).toBeGreaterThan(200);
    expect(replayed.final).toEqual({ ...native.final, statusText: sse.recording.statusText });
    expect(replayed.response).toBe(native.response);
    // The head as recorded: lower-cased names, sorted, CRLF lines, as the live run read it.
    expect(replayed.headers).toBe(sse.live.headers);
    expect(replayed.contentType).toBe('text/event-stream');
    expect(replayed.missing).toBeNull();
    expect(replayed.url).toBe(`${server.url}/sse`);
    // The object itself: no own properties, the same brand and class.
    expect(replayed.facts).toEqual(native.facts);
    const conn = await waitForCapture(s.control, 'the served XHR', (snap) => snap.connections.find((c) => c.summary.kind === 'xhr' && c.summary.detail === SERVED_DETAIL.recording && c.summary.state === 'ended'));
    expect(conn.summary.end).toBe('clean');
    expect(conn.events.filter((e) => e.dir === 'in').map((e) => e.text).join('')).toBe(native.final.text);
  });

  for (const [label, opts] of [
    ['text with a Content-Length (lengthComputable progress)', { url: '/text' }],
    ["responseType 'json'", { url: '/json', responseType: 'json' }],
    ["responseType 'arraybuffer'", { url: '/text', responseType: 'arraybuffer' }],
    ["responseType 'blob'", { url: '/text', responseType: 'blob' }],
  ] as Array<[string, ProbeOptions]>) {
    it(`${label}: as native`, async () => {
      // Recorded as text (the capture reads text bodies), replayed with the probe's responseType.
      const { recording } = await record({ url: opts.url });
      const native = await probe(plainPage, opts);
      const hits = server.hits[opts.url];
      const replayed = await probe(s.page, opts, () => s.control.replay(recording, 1));
      expect(server.hits[opts.url]).toBe(hits);
      expect(eventShape(replayed)).toEqual(eventShape(native));
      expect(replayed.response).toBe(native.response);
      expect({ ...replayed.final, statusText: '' }).toEqual({ ...native.final, statusText: '' });
    });
  }

  it('abort() mid-stream: the native abort sequence, then UNSENT', async () => {
    const native = await probe(plainPage, { ...POST, abortOnProgress: true });
    const replayed = await probe(s.page, { ...POST, abortOnProgress: true }, () => s.control.replay(sse.recording, 1));
    expect(eventShape(replayed)).toEqual(eventShape(native));
    expect(replayed.log.find((e) => e.type === 'after-abort')).toEqual(native.log.find((e) => e.type === 'after-abort'));
    expect(replayed.final).toEqual(native.final);
    expect([replayed.url, replayed.headers, replayed.contentType]).toEqual([native.url, native.headers, native.contentType]);
    const conn = await waitForCapture(s.control, 'the aborted served XHR', (snap) => snap.connections.find((c) => c.summary.detail === SERVED_DETAIL.recording && c.summary.end === 'client-abort'));
    expect(conn.summary.kind).toBe('xhr');
  });

  it('a second send() or a header after the send throws what the native throws; open() again resets it as the native does', async () => {
    const opts = { ...POST, misuse: true, reopen: true };
    const native = await probe(plainPage, opts);
    const replayed = await probe(s.page, opts, () => s.control.replay(sse.recording, 1));
    const misuse = (r: ProbeResult) => r.log.filter((e) => e.type === 'send again' || e.type === 'header after send' || e.type === 'after-reopen');
    expect(misuse(native)[0]).toMatchObject({ error: expect.stringContaining('InvalidStateError') });
    expect(misuse(replayed)).toEqual(misuse(native));
    expect(eventShape(replayed)).toEqual(eventShape(native));
  });

  for (const [label, opts] of [
    ['set before the send', { timeout: 150 }],
    ['set while the request is in flight', { timeoutAfterSend: 150 }],
  ] as Array<[string, ProbeOptions]>) {
    it(`timeout ${label}: honoured mid-stream, the native timeout sequence`, async () => {
      const native = await probe(plainPage, { ...POST, ...opts });
      const replayed = await probe(s.page, { ...POST, ...opts }, () => s.control.replay(sse.recording, 1));
      expect(native.log.some((e) => e.type === 'timeout')).toBe(true);
      expect(eventShape(replayed)).toEqual(eventShape(native));
      expect(replayed.final).toEqual(native.final);
      // Counted from the send: it fired before the whole answer (four chunks 80 ms apart) came.
      const at = (r: ProbeResult) => r.log.find((e) => e.type === 'timeout')!.at!;
      expect(Math.abs(at(replayed) - at(native))).toBeLessThan(100);
    });
  }

  it('a stall fault holds a served XHR’s progress, then delivers the rest', async () => {
    const native = await probe(plainPage, POST);
    const stalled = await probe(s.page, POST, async () => {
      await s.control.replay(sse.recording, 1);
      await s.control.armFault({ id: 'xhr-replay-stall', kind: 'stall', stallMs: 600, stallThen: 'deliver', trigger: { kind: 'after-events', count: 1 }, scope: { kind: 'tab' }, probability: 1, once: true });
    });
    expect(eventShape(stalled)).toEqual(eventShape(native));
    expect(stalled.final.text).toBe(native.final.text);
    // Nothing reached the app for the stall's length (the recording's chunks are 80 ms apart).
    const times = stalled.log.filter((e) => e.type === 'progress').map((e) => e.at!);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(550);
  });

  it('a drop fault on a live XHR: the network-error sequence of a real reset, and the server sees the request cut', async () => {
    const native = await probe(plainPage, { url: '/cut', method: 'POST', body: '{}' });
    const cut = server.cutByClient.count;
    const dropped = await probe(s.page, POST, () => s.control.armFault({ id: 'xhr-live-drop', kind: 'drop', trigger: { kind: 'after-events', count: 2 }, scope: { kind: 'tab' }, probability: 1, once: true }));
    expect(eventShape(dropped)).toEqual(eventShape(native));
    // No `abort` reached the app: the native abort underneath is hidden.
    expect(dropped.log.some((e) => e.type === 'abort')).toBe(false);
    expect(dropped.final).toEqual(native.final);
    expect([dropped.url, dropped.headers, dropped.contentType, dropped.response]).toEqual([native.url, native.headers, native.contentType, native.response]);
    await expect.poll(() => server.cutByClient.count).toBe(cut + 1);
    const conn = await waitForCapture(s.control, 'the dropped live XHR', (snap) => snap.connections.find((c) => c.summary.kind === 'xhr' && c.summary.detail === null && c.summary.end === 'network-error'));
    expect(conn.summary.faults.map((f) => f.kind)).toEqual(['drop']);
  });

  it('a mock that drops: the network-error sequence a real connection reset gives', async () => {
    const native = await probe(plainPage, { url: '/cut', method: 'POST', body: '{}' });
    expect(native.log.some((e) => e.type === 'error')).toBe(true);
    const hits = server.hits['/cut'];
    const replayed = await probe(s.page, { url: '/cut', method: 'POST', body: '{}' }, () => s.control.replay(compileMock(cutMock()), 1));
    expect(server.hits['/cut']).toBe(hits);
    expect(eventShape(replayed)).toEqual(eventShape(native));
    expect(replayed.final).toEqual(native.final);
    expect([replayed.url, replayed.headers, replayed.contentType, replayed.response]).toEqual([native.url, native.headers, native.contentType, native.response]);
  });
});

/** A mock of /cut: the first two tokens, then a drop (an http mock answers XHR as it answers fetch). */
function cutMock(): Mock {
  return {
    name: 'cut',
    request: { method: 'POST', url: `${server.url}/cut` },
    response: { status: 200, headers: [['content-type', 'text/event-stream'], ['cache-control', 'no-cache']] },
    steps: [
      ...SSE_TOKENS.slice(0, 2).map((t) => ({ kind: 'event' as const, delayMs: 80, data: `data: ${JSON.stringify({ t })}\n\n` })),
      { kind: 'drop', delayMs: 80 },
    ],
  };
}

type SseRun = { text: string; log: string[] };
async function runSse(page: Page, path: string, arm: () => Promise<unknown> = async () => undefined): Promise<SseRun> {
  await fresh(page);
  await arm();
  return page.evaluate((p) => (window as unknown as { __sse(p: string): Promise<SseRun> }).__sse(p), path);
}

describe('sse.js, an XHR-based SSE client (Chromium)', () => {
  let recorded: SseRun;
  let recording: ReplayRecording;

  it('records a streamed answer from the real server', async () => {
    const before = server.hits['/sse'] ?? 0;
    recorded = await runSse(s.page, '/sse');
    expect(recorded.text).toBe(SSE_TOKENS.join(''));
    expect(recorded.log).toContain('[DONE]');
    expect(server.hits['/sse']).toBe(before + 1);
    expect(server.bodies.at(-1)).toBe('{"prompt":"say hello"}');
    const conn = await waitForCapture(s.control, 'the sse.js stream', (snap) => snap.connections.findLast((c) => c.summary.kind === 'xhr' && c.summary.url === `${server.url}/sse` && c.summary.detail === null && c.summary.state === 'ended'));
    recording = recordingOf(conn);
    expect(recording.method).toBe('POST');
  });

  it('replayed, the page renders the same answer and the server is not contacted', async () => {
    const hits = server.hits['/sse'];
    const replayed = await runSse(s.page, '/sse', () => s.control.replay(recording, 1));
    expect(replayed).toEqual(recorded);
    expect(server.hits['/sse']).toBe(hits);
  });

  it('a mock that drops: sse.js reports the error a real connection reset gives it', async () => {
    const real = await runSse(s.page, '/cut');
    expect(real.log).toContain('error 0 ""');
    const hits = server.hits['/cut'];
    const mocked = await runSse(s.page, '/cut', () => s.control.replay(compileMock(cutMock()), 1));
    expect(mocked).toEqual(real);
    expect(server.hits['/cut']).toBe(hits);
    const conn = await waitForCapture(s.control, 'the mocked stream', (snap) => snap.connections.find((c) => c.summary.kind === 'xhr' && c.summary.detail === SERVED_DETAIL.mock && c.summary.state === 'ended'));
    expect(conn.summary.end).toBe('network-error');
  });

  it('a drop fault on a replay: sse.js gets the real reset’s error after the tokens before it', async () => {
    const real = await runSse(s.page, '/cut');
    const dropped = await runSse(s.page, '/sse', async () => {
      await s.control.replay(recording, 1);
      await s.control.armFault({ id: 'xhr-replay-drop', kind: 'drop', trigger: { kind: 'after-events', count: 2 }, scope: { kind: 'tab' }, probability: 1, once: true });
    });
    // The real cut came after two tokens too: the same text, the same error, the same states.
    expect(dropped).toEqual(real);
  });

  it('a drop fault on the live stream: sse.js reports what the real reset gives it', async () => {
    const real = await runSse(s.page, '/cut');
    const hits = server.hits['/sse'] ?? 0;
    const dropped = await runSse(s.page, '/sse', () => s.control.armFault({ id: 'xhr-live-drop-2', kind: 'drop', trigger: { kind: 'after-events', count: 2 }, scope: { kind: 'tab' }, probability: 1, once: true }));
    expect(dropped).toEqual(real);
    expect(server.hits['/sse']).toBe(hits + 1);
  });
});
