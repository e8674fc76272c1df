import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../../demo/server.js';
import { generateTokens } from '../../../demo/model.js';
import { json, postJson, readSse, sleep, type SseEv } from './helpers.js';

let s: DemoServer;
beforeAll(async () => {
  s = await startDemoServer({ port: 0, tokensPerSecond: 200, tokens: 30 });
});
afterAll(() => s.close());

const api = (p: string): string => `${s.url}/durable-sse/api${p}`;
const deltas = (evs: SseEv[]): Array<{ seq: number; delta: string; runId: string; messageId: string }> =>
  evs.filter((e) => e.event === 'delta').map((e) => JSON.parse(e.data));

async function startRun(cid: string, body: Record<string, unknown>): Promise<{ runId: string; messageId: string }> {
  const res = await postJson(api(`/conversations/${cid}/runs`), body);
  expect(res.status).toBe(200);
  return json(res);
}

describe('durable-sse', () => {
  it('streams id/event/data deltas and a done event', async () => {
    const { runId, messageId } = await startRun('c1', { prompt: 'hello', tokens: 8, tps: 1000, seed: 9 });
    const res = await fetch(api(`/runs/${runId}/stream`));
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events } = await readSse(res);
    expect(events.map((e) => e.event)).toEqual([...Array(8).fill('delta'), 'done']);
    expect(events.map((e) => e.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const ds = deltas(events);
    expect(ds[0]).toMatchObject({ runId, messageId, seq: 1 });
    expect(ds.map((d) => d.delta).join('')).toBe(generateTokens('hello', 9, 8).join(''));
    expect(JSON.parse(events.at(-1)!.data)).toEqual({ runId, messageId, seq: 9, reason: 'stop' });
  });

  it('resumes with Last-Event-ID: no gap, no duplicate; the run keeps generating while disconnected', async () => {
    const { runId } = await startRun('c2', { prompt: 'resume', tokens: 40, tps: 100 });
    const abort = new AbortController();
    const first = await readSse(await fetch(api(`/runs/${runId}/stream`), { signal: abort.signal }), {
      until: (_e, all) => all.length >= 5,
      abort,
    });
    const lastSeq = first.events.at(-1)!.id!;
    await sleep(100); // disconnected while generating
    const second = await readSse(await fetch(api(`/runs/${runId}/stream`), { headers: { 'Last-Event-ID': lastSeq } }));
    const all = [...deltas(first.events), ...deltas(second.events)];
    expect(all.map((d) => d.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(all.map((d) => d.delta).join('')).toBe(generateTokens('resume', 1, 40).join(''));
    expect(second.events.at(-1)!.event).toBe('done');
  });

  it('survives dropStreams(): the stream errors, a resume completes the text', async () => {
    const { runId } = await startRun('c3', { prompt: 'drop', tokens: 30, tps: 100 });
    const res = await fetch(api(`/runs/${runId}/stream`));
    const reading = readSse(res);
    await sleep(80);
    expect(s.dropStreams()).toBe(1);
    const first = await reading;
    expect(first.error).toBeTruthy();
    expect(first.events.at(-1)?.event).toBe('delta');
    const last = first.events.at(-1)!.id!;
    const second = await readSse(await fetch(api(`/runs/${runId}/stream`), { headers: { 'Last-Event-ID': last } }));
    const text = [...deltas(first.events), ...deltas(second.events)].map((d) => d.delta).join('');
    expect(text).toBe(generateTokens('drop', 1, 30).join(''));
  });

  it('replays everything to a late subscriber without Last-Event-ID and reports the conversation', async () => {
    const { runId, messageId } = await startRun('c4', { prompt: 'tab', tokens: 50, tps: 100 });
    await sleep(100);
    const conv = await json(await fetch(api('/conversations/c4')));
    expect(conv.activeRunId).toBe(runId);
    expect(conv.messages).toHaveLength(2);
    expect(conv.messages[0]).toMatchObject({ role: 'user', text: 'tab', runId, state: 'done' });
    expect(conv.messages[1]).toMatchObject({ id: messageId, role: 'assistant', runId, state: 'streaming' });
    const second = await readSse(await fetch(api(`/runs/${runId}/stream`)));
    expect(deltas(second.events).map((d) => d.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const after = await json(await fetch(api('/conversations/c4')));
    expect(after.activeRunId).toBeNull();
    expect(after.messages[1]).toMatchObject({ state: 'done', text: generateTokens('tab', 1, 50).join('') });
    // unknown conversation → empty
    expect(await json(await fetch(api('/conversations/none')))).toMatchObject({ messages: [], activeRunId: null });
    expect((await fetch(api('/conversations/bad%20id'))).status).toBe(400);
  });

  it('cancel stops the run and every subscriber gets `cancelled` then the stream ends', async () => {
    const { runId, messageId } = await startRun('c5', { prompt: 'stop', tokens: 200, tps: 50 });
    const a = readSse(await fetch(api(`/runs/${runId}/stream`)));
    const b = readSse(await fetch(api(`/runs/${runId}/stream`)));
    const conflict = await postJson(api('/conversations/c5/runs'), { prompt: 'again' });
    expect(conflict.status).toBe(409);
    await sleep(100);
    const c = await postJson(api(`/runs/${runId}/cancel`), {});
    expect(await json(c)).toEqual({ runId, state: 'cancelled' });
    for (const r of [await a, await b]) {
      expect(r.error).toBeUndefined();
      const last = r.events.at(-1)!;
      expect(last.event).toBe('cancelled');
      expect(JSON.parse(last.data)).toMatchObject({ runId, messageId, by: 'user' });
      expect(deltas(r.events).length).toBeLessThan(200);
    }
    const conv = await json(await fetch(api('/conversations/c5')));
    expect(conv.activeRunId).toBeNull();
    expect(conv.messages[1].state).toBe('cancelled');
    // a finished run replays and ends immediately
    const replay = await readSse(await fetch(api(`/runs/${runId}/stream`)));
    expect(replay.events.at(-1)!.event).toBe('cancelled');
    expect((await postJson(api('/runs/nope/cancel'), {})).status).toBe(404);
    expect((await fetch(api('/runs/nope/stream'))).status).toBe(404);
    // the conversation accepts a new run now
    expect((await postJson(api('/conversations/c5/runs'), { prompt: 'again', tokens: 1 })).status).toBe(200);
  });
});
