/**
 * Fault injection in real Chromium against the demo app. An injected fault must look to the
 * app exactly like the real event in the same browser: each drop is compared with a real one
 * (the demo server destroying the connection), by what the app's own code observes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlSession, assistantText, waitForCapture, type ControlSession } from '../harness/control-session';
import { generateTokens } from '../../demo/model';
import type { FaultSpec } from '../../src/core/faults/spec';

let s: ControlSession;
let n = 0;

beforeAll(async () => {
  s = await startControlSession({ tokensPerSecond: 40, tokens: 60 });
});
afterAll(async () => {
  await s?.close();
});

const drop = (after: number, extra: Partial<FaultSpec> = {}): FaultSpec => ({ id: `drop-${++n}`, kind: 'drop', trigger: { kind: 'after-events', count: after }, scope: { kind: 'tab' }, probability: 1, once: true, ...extra });

/** Runs `probe` in the page twice: once with a real drop (server side), once with an injected one. */
async function realVersusInjected<T>(path: string, probe: string): Promise<{ real: T; injected: T }> {
  await s.page.goto(`${s.demo.url}${path}`);
  const realRun = s.page.evaluate(probe) as Promise<T>;
  await s.page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true);
  expect(s.demo.dropStreams()).toBeGreaterThan(0);
  const real = await realRun;

  await s.page.goto(`${s.demo.url}${path}`);
  await s.control.armFault(drop(5));
  const injected = (await s.page.evaluate(probe)) as T;
  return { real, injected };
}

const FETCH_PROBE = `(async () => {
  const res = await fetch('/trapped-sse/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'drop me', tps: 40, tokens: 200 }) });
  const reader = res.body.getReader();
  const log = [];
  let reads = 0;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) { log.push('done'); break; }
      if (++reads === 5) window.__ready = true;
    }
  } catch (e) {
    log.push({ name: e.name, message: e.message, isTypeError: e instanceof TypeError, proto: Object.getPrototypeOf(e) === TypeError.prototype });
    try { await reader.read(); } catch (again) { log.push({ again: again === e ? 'same error' : again.name + ': ' + again.message }); }
  }
  return log;
})()`;

const WS_PROBE = `new Promise((resolve) => {
  const ws = new WebSocket(location.origin.replace('http', 'ws') + '/trapped-ws/ws');
  const log = [];
  let frames = 0;
  ws.onopen = () => { log.push(['open', ws.readyState]); ws.send(JSON.stringify({ type: 'chat', prompt: 'drop me', tps: 40, tokens: 200 })); };
  ws.onmessage = () => { if (++frames === 5) window.__ready = true; };
  ws.onerror = (e) => log.push(['error', ws.readyState, e.constructor.name]);
  ws.onclose = (e) => { log.push(['close', e.code, e.wasClean, e.reason, ws.readyState, e.constructor.name]); resolve(log); };
})`;

const ES_PROBE = `(async () => {
  const { runId } = await (await fetch('/eventsource/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'drop me', tps: 40, tokens: 40 }) })).json();
  return await new Promise((resolve) => {
    const es = new EventSource('/eventsource/api/runs/' + runId + '/events');
    const log = [];
    let text = '';
    let deltas = 0;
    es.onopen = () => log.push(['open', es.readyState]);
    es.onerror = () => log.push(['error', es.readyState]);
    es.addEventListener('delta', (e) => { text += JSON.parse(e.data).delta; if (++deltas === 5) window.__ready = true; });
    es.addEventListener('done', (e) => { log.push(['done', e.lastEventId !== '']); es.close(); resolve({ log, text, readyState: es.readyState }); });
  });
})()`;

describe('an injected drop looks to the app like a real one', () => {
  it('fetch: the reader rejects with the same TypeError', async () => {
    const { real, injected } = await realVersusInjected<unknown[]>('/trapped-sse/', FETCH_PROBE);
    expect(real).toEqual([{ name: 'TypeError', message: 'network error', isTypeError: true, proto: true }, { again: 'same error' }]);
    expect(injected).toEqual(real);
  });

  // Chromium fires no `error` when an open socket's connection is lost, only `close` 1006.
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
});

describe('durable modes recover from faults, trapped modes visibly do not', () => {
  const expected = (prompt: string, tokens = 60) => generateTokens(prompt, 1, tokens).join('');

  async function generate(path: string, prompt: string, fault: FaultSpec | null): Promise<{ state: string; text: string }> {
    await s.page.goto(`${s.demo.url}${path}`);
    if (fault) await s.control.armFault(fault);
    await s.page.getByLabel('Prompt').fill(prompt);
    await s.page.getByRole('button', { name: 'Send' }).click();
    await s.page.waitForFunction(() => ['done', 'stopped', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 30_000 });
    return { state: (await s.page.textContent('#status')) ?? '', text: await assistantText(s.page) };
  }

  it('durable-sse: a dropped stream resumes with complete, duplicate-free output', async () => {
    const r = await generate('/durable-sse/', 'resume sse', drop(10));
    expect(r).toEqual({ state: 'done', text: expected('resume sse') });
  });

  it('durable-ws: a dropped socket resumes with complete, duplicate-free output', async () => {
    const r = await generate('/durable-ws/', 'resume ws', drop(12));
    expect(r).toEqual({ state: 'done', text: expected('resume ws') });
  });

  it('durable-sse survives an offline window; navigator.onLine and online/offline follow it', async () => {
    await s.page.goto(`${s.demo.url}/durable-sse/`);
    await s.page.evaluate(() => {
      const w = window as unknown as { __net: unknown[] };
      w.__net = [];
      addEventListener('offline', () => w.__net.push(['offline', navigator.onLine]));
      addEventListener('online', () => w.__net.push(['online', navigator.onLine]));
    });
    await s.control.armFault({ id: `offline-${++n}`, kind: 'offline', offlineMs: 1500, trigger: { kind: 'after-events', count: 10 }, scope: { kind: 'tab' }, probability: 1, once: true });
    await s.page.getByLabel('Prompt').fill('offline window');
    await s.page.getByRole('button', { name: 'Send' }).click();
    await s.page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 30_000 });
    expect(await assistantText(s.page)).toBe(expected('offline window'));
    expect(await s.page.evaluate(() => (window as unknown as { __net: unknown[] }).__net)).toEqual([['offline', false], ['online', true]]);
  });

  it('trapped-sse loses the rest of the answer', async () => {
    const r = await generate('/trapped-sse/', 'trapped sse', drop(10));
    expect(r.state).toBe('error: network error');
    expect(expected('trapped sse').startsWith(r.text)).toBe(true);
    expect(r.text.length).toBeLessThan(expected('trapped sse').length);
  });

  it('trapped-ws loses the rest of the answer', async () => {
    const r = await generate('/trapped-ws/', 'trapped ws', drop(10));
    expect(r.state).toMatch(/^error: connection closed \(code 1006\)/);
    expect(r.text.length).toBeLessThan(expected('trapped ws').length);
  });

  it('a stall holds the stream, then delivers everything', async () => {
    const r = await generate('/trapped-sse/', 'stall me', { id: `stall-${++n}`, kind: 'stall', stallMs: 800, stallThen: 'deliver', trigger: { kind: 'after-events', count: 5 }, scope: { kind: 'tab' }, probability: 1, once: true });
    expect(r).toEqual({ state: 'done', text: expected('stall me') });
  });

  it('1-byte rechunking reaches the app byte by byte and its parser copes', async () => {
    const r = await generate('/trapped-sse/', 'rechunk me', { id: `rechunk-${++n}`, kind: 'rechunk', pieces: 'bytes', trigger: { kind: 'now' }, scope: { kind: 'tab' }, probability: 1, once: false });
    expect(r).toEqual({ state: 'done', text: expected('rechunk me') });
    const chat = await waitForCapture(s.control, 'the rechunked stream', (snap) => snap.connections.find((c) => c.summary.url.endsWith('/trapped-sse/api/chat') && c.summary.state === 'ended'));
    expect(chat.summary.faults.map((f) => f.kind)).toEqual(['rechunk']);
    expect(chat.events.filter((e) => e.size === 1).length).toBeGreaterThan(100);
  });

  it('records each injected fault where it fired', async () => {
    await generate('/trapped-sse/', 'record me', drop(7));
    const chat = await waitForCapture(s.control, 'the dropped chat stream', (snap) => snap.connections.find((c) => c.summary.url.endsWith('/trapped-sse/api/chat') && c.summary.state === 'ended'));
    const snap = await s.control.snapshot();
    expect(chat.summary).toMatchObject({ end: 'network-error', endInjected: true });
    expect(chat.summary.faults).toEqual([expect.objectContaining({ kind: 'drop', detail: 'dropped after 7 events' })]);
    expect(snap.faults.map((f) => f.kind)).toEqual(['drop']);
  });
});
