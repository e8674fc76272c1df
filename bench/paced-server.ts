/**
 * A tiny paced stream server for the latency benchmark (the demo's bench endpoints stream as
 * fast as backpressure allows; latency needs a steady rate):
 *   GET /                                   a blank page to host the consumer
 *   GET /paced/sse?rate=&n=&size=&delay=    n SSE events `id: i` + `data: {"i":i,"p":"xx…"}` at `rate`
 *                                           per second after `delay` ms, then `event: done`
 * Events are sent on a wall-clock schedule (event i is due at delay + i/rate), so a slow tick
 * sends what is due at once instead of drifting.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PacedServer {
  url: string;
  close(): Promise<void>;
}

function payload(i: number, size: number): string {
  const base = `{"i":${i},"p":""}`;
  return `{"i":${i},"p":"${'x'.repeat(Math.max(0, size - base.length))}"}`;
}

export async function startPacedServer(): Promise<PacedServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end('<!doctype html><title>paced</title><p>latency bench</p>');
      return;
    }
    if (url.pathname !== '/paced/sse') {
      res.writeHead(404).end();
      return;
    }
    const num = (k: string, d: number) => {
      const v = Number(url.searchParams.get(k) ?? d);
      return Number.isFinite(v) && v >= 0 ? v : d;
    };
    const rate = Math.max(1, num('rate', 100));
    const n = Math.min(1_000_000, num('n', 500));
    const size = Math.min(100_000, num('size', 100));
    const delay = Math.min(60_000, num('delay', 0));
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    const start = performance.now() + delay;
    let sent = 0;
    let closed = false;
    res.on('close', () => (closed = true));
    const tick = () => {
      if (closed) return;
      const due = Math.min(n, Math.floor(((performance.now() - start) * rate) / 1000));
      let out = '';
      while (sent < due) {
        sent += 1;
        out += `id: ${sent}\ndata: ${payload(sent, size)}\n\n`;
      }
      if (out) res.write(out);
      if (sent >= n) {
        res.end(`event: done\ndata: {"n":${n}}\n\n`);
        return;
      }
      setTimeout(tick, 1);
    };
    setTimeout(tick, delay);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
