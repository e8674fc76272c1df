import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../../demo/server.js';
import { generateTokens } from '../../../demo/model.js';
import { json, postJson, readSse, sleep, type SseEv } from './helpers.js';

let s: DemoServer;
beforeAll(async () => {
  s = await startDemoServer({ port: 0, tokensPerSecond: 100, tokens: 30 });
});
afterAll(() => s.close());

const api = (p: string): string => `${s.url}/eventsource/api${p}`;
const text = (evs: SseEv[]): string =>
  evs
    .filter((e) => e.event === 'delta')
    .map((e) => JSON.parse(e.data).delta as string)
    .join('');

async function startRun(body: Record<string, unknown>): Promise<string> {
  const res = await postJson(api('/runs'), body);
  expect(res.status).toBe(200);
  return (await json(res)).runId;
}

describe('eventsource', () => {
  it('sends retry: 1000 first, then id/delta events, then done', async () => {
    const runId = await startRun({ prompt: 'es', tokens: 5, tps: 1000 });
    const { events, raw } = await readSse(await fetch(api(`/runs/${runId}/events`)));
    expect(raw.startsWith('retry: 1000\n\n')).toBe(true);
    expect(events[0]).toEqual({ event: 'message', data: '', retry: 1000 });
    const rest = events.slice(1);
    expect(rest.map((e) => [e.id, e.event])).toEqual([
      ['1', 'delta'],
      ['2', 'delta'],
      ['3', 'delta'],
      ['4', 'delta'],
      ['5', 'delta'],
      ['6', 'done'],
    ]);
    expect(JSON.parse(rest[0]!.data)).toEqual({ seq: 1, delta: generateTokens('es', 1, 5)[0] });
    expect(text(rest)).toBe(generateTokens('es', 1, 5).join(''));
  });

  it('resumes after Last-Event-ID, and the run generates without any connection', async () => {
    const runId = await startRun({ prompt: 'later', tokens: 30, tps: 100 });
    const abort = new AbortController();
    const first = await readSse(await fetch(api(`/runs/${runId}/events`), { signal: abort.signal }), {
      until: (e) => e.id === '4',
      abort,
    });
    await sleep(80);
    expect(s.dropStreams()).toBe(0);
    const second = await readSse(await fetch(api(`/runs/${runId}/events`), { headers: { 'Last-Event-ID': '4' } }));
    expect(second.events[1]!.id).toBe('5');
    expect(text(first.events) + text(second.events)).toBe(generateTokens('later', 1, 30).join(''));
  });

  it('?ids=0 omits id lines, so a reconnect replays from the start (duplicated text)', async () => {
    // Long enough (2 s) that the run is still generating when the first delta has arrived.
    const runId = await startRun({ prompt: 'dup', tokens: 400, tps: 200 });
    const reader = (await fetch(api(`/runs/${runId}/events?ids=0`))).body!.getReader();
    const decoder = new TextDecoder();
    let raw = '';
    // The drop comes once the stream is live (a delta arrived), not after a guessed time.
    while (!raw.includes('event: delta')) {
      const r = await reader.read();
      if (r.done) break;
      raw += decoder.decode(r.value, { stream: true });
    }
    expect(s.dropStreams()).toBe(1);
    let error: unknown;
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        raw += decoder.decode(r.value, { stream: true });
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeTruthy();
    expect(raw).not.toMatch(/^id:/m);
    // A browser would send no Last-Event-ID; even if one is sent, ids=0 replays everything.
    const second = await readSse(await fetch(api(`/runs/${runId}/events?ids=0`), { headers: { 'Last-Event-ID': '3' } }));
    expect(second.raw).not.toMatch(/^id:/m);
    expect(second.raw.startsWith('retry: 1000\n\n')).toBe(true);
    expect(text(second.events)).toBe(generateTokens('dup', 1, 400).join(''));
    expect(second.events.at(-1)!.event).toBe('done');
  });

  it('cancel ends the stream with `cancelled`', async () => {
    const runId = await startRun({ prompt: 'c', tokens: 500, tps: 50 });
    const reading = readSse(await fetch(api(`/runs/${runId}/events`)));
    await sleep(60);
    expect(await json(await postJson(api(`/runs/${runId}/cancel`), {}))).toEqual({ runId, state: 'cancelled' });
    const { events, error } = await reading;
    expect(error).toBeUndefined();
    expect(events.at(-1)!.event).toBe('cancelled');
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ by: 'user' });
    expect((await fetch(api('/runs/nope/events'))).status).toBe(404);
  });
});
