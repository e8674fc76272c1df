/**
 * Fault injection in real Chromium against the demo app. An injected fault must look to the
 * app exactly like the real event in the same browser: each drop is compared with a real one
 * (the demo server destroying the connection), by what the app's own code observes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlSession, assistantText, waitForCapture, type ControlSession } from '../harness/control-session';
import { generateTokens } from '../../demo/model';
import type { FaultSpec } from '../../src/core/faults/spec';
import { ES_PROBE, FETCH_PROBE, WS_PROBE } from '../harness/drop-probes';

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

describe('each fault on each transport, as the app sees it', () => {
  const expected = (prompt: string, tokens = 60) => generateTokens(prompt, 1, tokens).join('');
  const spec = (kind: FaultSpec['kind'], extra: Partial<FaultSpec> = {}): FaultSpec => ({ id: `${kind}-${++n}`, kind, trigger: { kind: 'after-events', count: 5 }, scope: { kind: 'tab' }, probability: 1, once: true, ...extra });

  async function run(path: string, prompt: string, fault: FaultSpec): Promise<{ state: string; text: string; ms: number }> {
    await s.page.goto(`${s.demo.url}${path}`);
    await s.control.armFault(fault);
    const t0 = Date.now();
    await s.page.getByLabel('Prompt').fill(prompt);
    await s.page.getByRole('button', { name: 'Send' }).click();
    await s.page.waitForFunction(() => ['done', 'stopped', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 30_000 });
    return { state: (await s.page.textContent('#status')) ?? '', text: await assistantText(s.page), ms: Date.now() - t0 };
  }

  it('stall then deliver: WebSocket and EventSource streams are held, then complete', async () => {
    for (const path of ['/trapped-ws/', '/eventsource/']) {
      const r = await run(path, `stall ${path}`, spec('stall', { stallMs: 1500, stallThen: 'deliver' }));
      expect(r.state, path).toBe('done');
      expect(r.text, path).toBe(expected(`stall ${path}`));
      // Held for the stall's length: the server kept sending, the app got it all at release.
      expect(r.ms, path).toBeGreaterThan(1500);
    }
  });

  it('stall then drop: a fetch stream held and then cut fails like a drop', async () => {
    const r = await run('/trapped-sse/', 'stall and drop', spec('stall', { stallMs: 500, stallThen: 'drop' }));
    expect(r.state).toBe('error: network error');
  });

  it('latency delays every WebSocket frame and fetch chunk, losing nothing', async () => {
    for (const path of ['/trapped-ws/', '/trapped-sse/']) {
      const r = await run(path, `slow ${path}`, spec('latency', { latencyMs: 40, trigger: { kind: 'now' }, once: false }));
      expect(r, path).toMatchObject({ state: 'done', text: expected(`slow ${path}`) });
    }
  });

  it('bandwidth throttles a fetch stream, losing nothing', async () => {
    const r = await run('/trapped-sse/', 'narrow pipe', spec('bandwidth', { bytesPerSecond: 20_000, trigger: { kind: 'now' }, once: false }));
    expect(r).toMatchObject({ state: 'done', text: expected('narrow pipe') });
  });

  it('truncate: a clean end before the final event — trapped clients error, durable ones resume', async () => {
    expect((await run('/trapped-sse/', 'cut short', spec('truncate'))).state).toMatch(/^error: /);
    expect((await run('/trapped-ws/', 'cut short ws', spec('truncate'))).state).toBe('error: connection closed (code 1000)');
    const durable = await run('/durable-sse/', 'cut short durable', spec('truncate'));
    expect(durable).toMatchObject({ state: 'done', text: expected('cut short durable') });
  });

  it('fires on the first event matching a pattern', async () => {
    const r = await run('/durable-sse/', 'match me', spec('drop', { trigger: { kind: 'match', pattern: '"seq":12\\b' } }));
    expect(r).toMatchObject({ state: 'done', text: expected('match me') });
    const stream = await waitForCapture(s.control, 'the matched drop', (snap) => snap.connections.find((c) => c.summary.faults.some((f) => f.kind === 'drop')));
    const dropped = stream.events.map((e) => e.text ?? '').join('');
    expect(dropped).toContain('"seq":12');
    expect(dropped).not.toContain('"seq":13,');
  });

  it('with probability 0 never fires; with 1 always does', async () => {
    const never = await run('/trapped-sse/', 'lucky', spec('drop', { probability: 0 }));
    expect(never).toMatchObject({ state: 'done', text: expected('lucky') });
    const always = await run('/trapped-sse/', 'unlucky', spec('drop', { probability: 1 }));
    expect(always.state).toBe('error: network error');
  });

  it('during an offline window new requests and sockets fail as they do offline', async () => {
    await s.page.goto(`${s.demo.url}/trapped-sse/`);
    await s.control.armFault({ id: `offline-now-${++n}`, kind: 'offline', offlineMs: 2000, trigger: { kind: 'now' }, scope: { kind: 'tab' }, probability: 1, once: true });
    await s.page.waitForFunction(() => navigator.onLine === false);
    const seen = await s.page.evaluate(async () => {
      const out: unknown[] = [];
      try {
        await fetch('/');
        out.push('fetch answered');
      } catch (e) {
        out.push([(e as Error).name, (e as Error).message]);
      }
      out.push(await new Promise((resolve) => {
        const ws = new WebSocket(location.origin.replace('http', 'ws') + '/trapped-ws/ws');
        ws.onclose = (e) => resolve(['close', e.code, e.wasClean, ws.readyState]);
      }));
      return out;
    });
    expect(seen).toEqual([['TypeError', 'Failed to fetch'], ['close', 1006, false, 3]]);
    await s.page.waitForFunction(() => navigator.onLine === true, null, { timeout: 5000 });
  });
});
