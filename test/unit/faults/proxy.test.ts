import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { startCutProxy, type CutProxy } from '../../../src/cli/proxy';

let server: http.Server;
let proxy: CutProxy;

async function startStreamingServer(): Promise<number> {
  server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/event-stream');
    let i = 0;
    const t = setInterval(() => res.write(`data: ${i++}\n\n`), 20);
    res.on('close', () => clearInterval(t));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

afterEach(async () => {
  await proxy?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

describe('cut proxy (server-side faults)', () => {
  it('forwards a stream, then cut() fails it for the client like a real network drop', async () => {
    proxy = await startCutProxy({ target: { host: '127.0.0.1', port: await startStreamingServer() } });
    const res = await fetch(`http://127.0.0.1:${proxy.port}/`);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('data: 0');
    expect(proxy.live()).toBe(1);
    expect(proxy.cut()).toBe(1);
    const err = await (async () => {
      for (;;) {
        try {
          if ((await reader.read()).done) return null;
        } catch (e) {
          return e as Error;
        }
      }
    })();
    expect(err).toBeInstanceOf(TypeError);
  });

  it('stall() holds bytes without closing, and un-stalling delivers them', async () => {
    proxy = await startCutProxy({ target: { host: '127.0.0.1', port: await startStreamingServer() } });
    const res = await fetch(`http://127.0.0.1:${proxy.port}/`);
    const reader = res.body!.getReader();
    await reader.read();
    proxy.stall(true);
    // Drain what was already in flight, then nothing more arrives while stalled.
    const racer = () => Promise.race([reader.read().then(() => 'data'), new Promise((r) => setTimeout(() => r('silence'), 300))]);
    let outcome = await racer();
    while (outcome === 'data') outcome = await racer();
    expect(outcome).toBe('silence');
    proxy.stall(false);
    expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/data: \d+/);
  });
});
