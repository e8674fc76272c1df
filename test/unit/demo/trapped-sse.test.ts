import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../../demo/server.js';
import { generateTokens } from '../../../demo/model.js';
import { json, postJson, readSse, sleep } from './helpers.js';

let s: DemoServer;
beforeAll(async () => {
  s = await startDemoServer({ port: 0, tokensPerSecond: 500, tokens: 12, seed: 3 });
});
afterAll(() => s.close());

describe('trapped-sse', () => {
  it('streams OpenAI chat.completion.chunk events then [DONE], without id lines', async () => {
    const res = await postJson(`${s.url}/trapped-sse/api/chat`, { prompt: 'hi', tokens: 10, tps: 1000, seed: 5 });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events, raw } = await readSse(res);
    expect(raw).not.toMatch(/^id:/m);
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    expect(chunks).toHaveLength(12);
    for (const c of chunks) {
      expect(c).toMatchObject({ object: 'chat.completion.chunk', model: 'demo-1', id: chunks[0].id });
      expect(c.id).toMatch(/^chatcmpl-/);
      expect(typeof c.created).toBe('number');
    }
    expect(chunks[0].choices).toEqual([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    expect(chunks.at(-1).choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    const text = chunks.slice(1, -1).map((c) => c.choices[0].delta.content).join('');
    expect(text).toBe(generateTokens('hi', 5, 10).join(''));
    expect(chunks.slice(1, -1).every((c) => c.choices[0].finish_reason === null)).toBe(true);
  });

  it('uses server defaults when the body omits tps/tokens/seed', async () => {
    const { events } = await readSse(await postJson(`${s.url}/trapped-sse/api/chat`, { prompt: 'x' }));
    const text = events
      .slice(1, -2)
      .map((e) => JSON.parse(e.data).choices[0].delta.content)
      .join('');
    expect(text).toBe(generateTokens('x', 3, 12).join(''));
  });

  it('stops generating when the client disconnects', async () => {
    const abort = new AbortController();
    const res = await fetch(`${s.url}/trapped-sse/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'a', tps: 20, tokens: 100 }),
      signal: abort.signal,
    });
    const { events } = await readSse(res, { until: (_e, all) => all.length >= 3, abort });
    expect(events).toHaveLength(3);
    await sleep(50);
    expect(s.dropStreams()).toBe(0); // the response is gone
    // the server still works
    expect((await postJson(`${s.url}/trapped-sse/api/chat`, { tokens: 1 })).status).toBe(200);
  });

  it('rejects bad JSON and bad params with 400 JSON errors; unknown routes 404; wrong method 405', async () => {
    const bad = await fetch(`${s.url}/trapped-sse/api/chat`, { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatch(/invalid JSON/);
    const badTps = await postJson(`${s.url}/trapped-sse/api/chat`, { tps: -1 });
    expect(badTps.status).toBe(400);
    expect((await json(badTps)).error).toMatch(/tps/);
    expect((await postJson(`${s.url}/trapped-sse/api/chat`, { prompt: 3 })).status).toBe(400);
    expect((await postJson(`${s.url}/trapped-sse/api/chat`, [1])).status).toBe(400);
    const nf = await fetch(`${s.url}/trapped-sse/api/nope`);
    expect(nf.status).toBe(404);
    expect((await json(nf)).error).toBeTruthy();
    expect((await fetch(`${s.url}/trapped-sse/api/chat`)).status).toBe(405);
  });
});
