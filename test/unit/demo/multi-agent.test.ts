import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../../demo/server.js';
import { generateTokens } from '../../../demo/model.js';
import { json, postJson, readSse, sleep, type SseEv } from './helpers.js';

let s: DemoServer;
beforeAll(async () => {
  s = await startDemoServer({ port: 0, tokensPerSecond: 100, tokens: 10 });
});
afterAll(() => s.close());

const AGENTS = ['orchestrator', 'researcher', 'writer'];
const expected = (agent: string, i: number, prompt: string, n: number, seed = 1): string =>
  generateTokens(`${agent}: ${prompt}`, seed + i * 7919, n).join('');

describe('multi-agent-funnel', () => {
  it('carries every agent in one data-only stream, interleaved, ending with finish', async () => {
    const res = await postJson(`${s.url}/multi-agent-funnel/api/chat`, { prompt: 'team', tokens: 6, tps: 1000 });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events, raw } = await readSse(res);
    expect(raw).not.toMatch(/^(id|event):/m);
    const msgs = events.map((e) => JSON.parse(e.data));
    expect(msgs.at(-1)).toEqual({ type: 'finish' });
    expect(msgs[0]).toEqual({ agent: 'orchestrator', type: 'agent-start' });
    expect(msgs.at(-2)).toEqual({ agent: 'orchestrator', type: 'agent-end' });
    for (const [i, a] of AGENTS.entries()) {
      const mine = msgs.filter((m) => m.agent === a);
      expect(mine[0].type).toBe('agent-start');
      expect(mine.at(-1).type).toBe('agent-end');
      const text = mine.filter((m) => m.type === 'text-delta').map((m) => m.delta).join('');
      expect(text).toBe(expected(a, i, 'team', 6));
    }
    const order = msgs.filter((m) => m.type === 'text-delta').map((m) => m.agent[0]).join('');
    expect(order).toBe('ooorwrwrwrwrwrwooo');
  });

  it('client disconnect ends it (no live stream left)', async () => {
    const abort = new AbortController();
    const res = await fetch(`${s.url}/multi-agent-funnel/api/chat`, { method: 'POST', body: '{"tps":50,"tokens":100}', signal: abort.signal });
    await readSse(res, { until: (_e, all) => all.length >= 2, abort });
    await sleep(30);
    expect(s.dropStreams()).toBe(0);
  });
});

describe('multi-agent-direct', () => {
  const api = (p: string): string => `${s.url}/multi-agent-direct/api${p}`;

  it('returns one resumable stream per agent', async () => {
    const run = await json(await postJson(api('/runs'), { prompt: 'direct', tokens: 20, tps: 200 }));
    expect(run.agents).toEqual(
      AGENTS.map((name) => ({ name, stream: `/multi-agent-direct/api/runs/${run.runId}/agents/${name}/stream` })),
    );
    const results = await Promise.all(
      run.agents.map(async (a: { name: string; stream: string }, i: number) => {
        const abort = new AbortController();
        const first = await readSse(await fetch(s.url + a.stream, { signal: abort.signal }), {
          until: (_e, all) => all.length >= 2,
          abort,
        });
        const second = await readSse(await fetch(s.url + a.stream, { headers: { 'Last-Event-ID': first.events.at(-1)!.id! } }));
        const evs: SseEv[] = [...first.events, ...second.events];
        expect(evs.map((e) => Number(e.id))).toEqual(Array.from({ length: 21 }, (_, k) => k + 1));
        expect(evs.at(-1)!.event).toBe('done');
        expect(JSON.parse(evs[0]!.data)).toMatchObject({ runId: run.runId, agent: a.name, seq: 1 });
        const text = evs
          .filter((e) => e.event === 'delta')
          .map((e) => JSON.parse(e.data).delta)
          .join('');
        expect(text).toBe(expected(a.name, i, 'direct', 20));
        return a.name;
      }),
    );
    expect(results).toEqual(AGENTS);
  });

  it('cancel sends `cancelled` on every unfinished agent stream', async () => {
    const run = await json(await postJson(api('/runs'), { prompt: 'x', tokens: 300, tps: 50 }));
    const readers = run.agents.map(async (a: { stream: string }) => readSse(await fetch(s.url + a.stream)));
    await sleep(80);
    expect(await json(await postJson(api(`/runs/${run.runId}/cancel`), {}))).toEqual({ runId: run.runId, state: 'cancelled' });
    for (const r of await Promise.all(readers)) {
      expect(r.events.at(-1).event).toBe('cancelled');
      expect(JSON.parse(r.events.at(-1).data)).toMatchObject({ runId: run.runId, by: 'user' });
    }
    expect((await fetch(api(`/runs/${run.runId}/agents/nobody/stream`))).status).toBe(404);
  });
});
