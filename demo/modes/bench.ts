/**
 * bench: throughput endpoints (no page).
 *  GET /bench/sse?n=&size=     n events `id: i` (1..n) + `data: <payload>`, then `event: done`
 *  GET /bench/ndjson?n=&size=  n lines of <payload>
 *  WS  /bench/ws?n=&size=      n text frames of <payload>, then close 1000
 * payload = {"i":i,"p":"xxx…"} padded to about `size` bytes.
 */
import type { ServerResponse } from 'node:http';
import { type Mode, type ModeContext } from '../lib/context.js';
import { HttpError } from '../lib/http.js';
import { Router } from '../lib/router.js';

function intParam(url: URL, name: string, def: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new HttpError(400, `invalid ${name}: expected an integer in [0, ${max}]`);
  return n;
}

export function payload(i: number, size: number): string {
  const base = `{"i":${i},"p":""}`;
  return `{"i":${i},"p":"${'x'.repeat(Math.max(0, size - base.length))}"}`;
}

/** Writes items produced by `item(i)` for i=1..n with backpressure; false if the client left. */
async function pump(res: ServerResponse, n: number, item: (i: number) => string): Promise<boolean> {
  let closed = false;
  res.on('close', () => (closed = true));
  let batch = '';
  for (let i = 1; i <= n; i++) {
    batch += item(i);
    if (batch.length < 64 * 1024 && i < n) continue;
    if (closed || res.destroyed) return false;
    const ok = res.write(batch);
    batch = '';
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  return !(closed || res.destroyed);
}

export function bench(ctx: ModeContext): Mode {
  const router = new Router()
    .on('GET', '/sse', async (_req, res, _p, url) => {
      const n = intParam(url, 'n', 1000, 10_000_000);
      const size = intParam(url, 'size', 100, 1_000_000);
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
      ctx.trackStream(res);
      if (await pump(res, n, (i) => `id: ${i}\ndata: ${payload(i, size)}\n\n`)) {
        res.end(`event: done\ndata: {"n":${n}}\n\n`);
      }
    })
    .on('GET', '/ndjson', async (_req, res, _p, url) => {
      const n = intParam(url, 'n', 1000, 10_000_000);
      const size = intParam(url, 'size', 100, 1_000_000);
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-cache' });
      ctx.trackStream(res);
      if (await pump(res, n, (i) => payload(i, size) + '\n')) res.end();
    });

  return {
    name: 'bench',
    handle: (req, res, path, url) => router.dispatch(req, res, path, url),
    upgrade(req, socket, head, path, url) {
      if (path !== '/ws') return false;
      let n: number, size: number;
      try {
        n = intParam(url, 'n', 1000, 10_000_000);
        size = intParam(url, 'size', 100, 1_000_000);
      } catch {
        socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return true;
      }
      ctx.wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => {});
        void (async () => {
          for (let i = 1; i <= n; i++) {
            if (ws.readyState !== ws.OPEN) return;
            if (i % 256 === 0 || i === n) {
              await new Promise<void>((resolve) => ws.send(payload(i, size), () => resolve()));
            } else ws.send(payload(i, size));
          }
          if (ws.readyState === ws.OPEN) ws.close(1000, 'done');
        })();
      });
      return true;
    },
  };
}
