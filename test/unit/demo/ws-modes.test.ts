import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../../demo/server.js';
import { generateTokens } from '../../../demo/model.js';
import { WsClient, sleep, wsUrl } from './helpers.js';

let s: DemoServer;
beforeAll(async () => {
  s = await startDemoServer({ port: 0, tokensPerSecond: 100, tokens: 20 });
});
afterAll(() => s.close());

type Msg = Record<string, unknown>;
const events = (msgs: Msg[]): Msg[] => msgs.filter((m) => m['type'] === 'event');

describe('trapped-ws', () => {
  it('chat → delta per token → done', async () => {
    const c = new WsClient(wsUrl(s.url, '/trapped-ws/ws'));
    await c.open();
    c.send({ type: 'chat', prompt: 'ws', tokens: 6, tps: 1000, seed: 4 });
    await c.waitFor((m) => m.some((x) => x['type'] === 'done'));
    expect(c.messages.at(-1)).toEqual({ type: 'done' });
    const deltas = c.messages.slice(0, -1);
    expect(deltas.every((d) => d['type'] === 'delta')).toBe(true);
    expect(deltas.map((d) => d['text']).join('')).toBe(generateTokens('ws', 4, 6).join(''));
    c.close();
  });

  it('close stops generation; bad frames get an error message; dropStreams counts sockets', async () => {
    const c = new WsClient(wsUrl(s.url, '/trapped-ws/ws'));
    await c.open();
    c.send({ type: 'nope' });
    await c.waitFor((m) => m.length >= 1);
    expect(c.messages[0]).toMatchObject({ type: 'error' });
    c.ws.send('{bad');
    await c.waitFor((m) => m.length >= 2);
    expect(c.messages[1]).toMatchObject({ type: 'error', message: 'invalid JSON message' });
    c.send({ type: 'chat', prompt: 'x', tokens: 100, tps: 50 });
    await c.waitFor((m) => m.filter((x) => x['type'] === 'delta').length >= 2);
    expect(s.dropStreams()).toBe(1);
    expect((await c.closed).code).toBe(1006);
    expect(s.dropStreams()).toBe(0);
  });

  it('unknown WebSocket paths are rejected', async () => {
    const c = new WsClient(wsUrl(s.url, '/trapped-ws/nope'));
    await expect(c.open()).rejects.toThrow(/404/);
  });
});

describe('durable-ws', () => {
  const url = (): string => wsUrl(s.url, '/durable-ws/ws');

  it('start → run-started + offset events; a reconnect from the last offset has no gap and no duplicate', async () => {
    const a = new WsClient(url());
    await a.open();
    a.send({ type: 'subscribe', conversationId: 'w1', offset: -1 });
    await a.waitFor((m) => m.some((x) => x['type'] === 'subscribed'));
    expect(a.messages[0]).toEqual({ type: 'subscribed', conversationId: 'w1', offset: -1, activeRunId: null, activeMessageId: null });
    a.send({ type: 'start', conversationId: 'w1', prompt: 'dur', tokens: 30, tps: 100 });
    await a.waitFor((m) => events(m).length >= 6);
    const started = a.messages.find((x) => x['type'] === 'run-started')!;
    expect(started).toMatchObject({ conversationId: 'w1', runId: expect.any(String), messageId: expect.any(String) });
    const evs = events(a.messages);
    expect(evs[0]).toMatchObject({ kind: 'user', text: 'dur', offset: 0, runId: started['runId'] });
    expect(evs[1]).toMatchObject({ kind: 'delta', offset: 1, runId: started['runId'], messageId: started['messageId'], conversationId: 'w1' });
    a.close(); // close ≠ cancel
    await a.closed;
    const lastOffset = evs.at(-1)!['offset'] as number;
    await sleep(80);
    const b = new WsClient(url());
    await b.open();
    b.send({ type: 'subscribe', conversationId: 'w1', offset: lastOffset });
    await b.waitFor((m) => events(m).some((x) => x['kind'] === 'done'));
    const all = [...evs, ...events(b.messages)];
    expect(all.map((e) => e['offset'])).toEqual(Array.from({ length: 32 }, (_, i) => i));
    const text = all
      .filter((e) => e['kind'] === 'delta')
      .map((e) => e['text'])
      .join('');
    expect(text).toBe(generateTokens('dur', 1, 30).join(''));
    expect(all.at(-1)).toMatchObject({ kind: 'done', text: '' });
    b.close();
  });

  it('a second socket sees the run live, and its cancel reaches both', async () => {
    const a = new WsClient(url());
    const b = new WsClient(url());
    await Promise.all([a.open(), b.open()]);
    a.send({ type: 'subscribe', conversationId: 'w2', offset: -1 });
    a.send({ type: 'start', conversationId: 'w2', prompt: 'two', tokens: 500, tps: 50 });
    await a.waitFor((m) => events(m).length >= 3);
    a.send({ type: 'start', conversationId: 'w2', prompt: 'busy' });
    await a.waitFor((m) => m.some((x) => x['type'] === 'error'));
    b.send({ type: 'subscribe', conversationId: 'w2', offset: -1 });
    await b.waitFor((m) => m.some((x) => x['type'] === 'subscribed'));
    const sub = b.messages.find((x) => x['type'] === 'subscribed')!;
    const started = a.messages.find((x) => x['type'] === 'run-started')!;
    expect(sub).toMatchObject({ activeRunId: started['runId'], activeMessageId: started['messageId'] });
    const before = events(b.messages).length;
    await b.waitFor((m) => events(m).length > before + 1); // live
    b.send({ type: 'cancel', runId: started['runId'] });
    for (const c of [a, b]) await c.waitFor((m) => events(m).some((x) => x['kind'] === 'cancelled'));
    expect(events(a.messages).at(-1)).toMatchObject({ kind: 'cancelled', runId: started['runId'], messageId: started['messageId'] });
    // offsets identical on both sockets
    expect(events(b.messages).map((e) => e['offset'])).toEqual(events(a.messages).map((e) => e['offset']));
    const n = events(a.messages).length;
    await sleep(80);
    expect(events(a.messages).length).toBe(n); // really stopped
    expect(s.dropStreams()).toBe(2);
    await Promise.all([a.closed, b.closed]);
  });

  it('rejects bad conversation ids and offsets', async () => {
    const a = new WsClient(url());
    await a.open();
    a.send({ type: 'subscribe', conversationId: 'a b', offset: -1 });
    a.send({ type: 'subscribe', conversationId: 'ok', offset: 'x' });
    a.send({ type: 'cancel', runId: 'nope' });
    await a.waitFor((m) => m.length >= 3);
    expect(a.messages.map((m) => m['type'])).toEqual(['error', 'error', 'error']);
    a.close();
  });
});
