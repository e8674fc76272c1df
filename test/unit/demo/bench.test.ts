import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../../demo/server.js';
import { WsClient, readSse, wsUrl } from './helpers.js';

let s: DemoServer;
beforeAll(async () => {
  s = await startDemoServer({ port: 0 });
});
afterAll(() => s.close());

describe('bench', () => {
  it('sse: n events with ids and ~size-byte payloads, then done', async () => {
    const { events } = await readSse(await fetch(`${s.url}/bench/sse?n=5000&size=100`));
    expect(events).toHaveLength(5001);
    expect(events[0]!.id).toBe('1');
    expect(events[4999]!.id).toBe('5000');
    expect(events[10]!.data.length).toBe(100);
    expect(JSON.parse(events[10]!.data).i).toBe(11);
    expect(events.at(-1)).toEqual({ event: 'done', data: '{"n":5000}' });
  });

  it('ndjson: n lines', async () => {
    const text = await (await fetch(`${s.url}/bench/ndjson?n=3000&size=50`)).text();
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(3000);
    expect(lines[0]!.length).toBe(50);
    expect(JSON.parse(lines[2999]!).i).toBe(3000);
    expect((await fetch(`${s.url}/bench/ndjson?n=-1`)).status).toBe(400);
  });

  it('ws: n text frames then close 1000', async () => {
    const c = new WsClient(wsUrl(s.url, '/bench/ws?n=2000&size=80'));
    const { code } = await c.closed;
    expect(code).toBe(1000);
    expect(c.messages).toHaveLength(2000);
    expect(c.messages[1999]!['i']).toBe(2000);
  });

  it('a client that leaves mid-stream does not break the server', async () => {
    const abort = new AbortController();
    const res = await fetch(`${s.url}/bench/sse?n=1000000&size=200`, { signal: abort.signal });
    await readSse(res, { until: (_e, all) => all.length > 1000, abort });
    const { events } = await readSse(await fetch(`${s.url}/bench/sse?n=10`));
    expect(events).toHaveLength(11);
  });
});
