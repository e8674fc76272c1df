/**
 * A real server for the XHR replay tests, counting the requests it answered on each path (the
 * oracle that a replay or a mock never reached it). Its streams are paced 80 ms apart, wider
 * than the browsers' 50 ms progress throttle, so each chunk is its own `progress` natively.
 *
 * /sse: an SSE answer to sse.js's POST (three `data:` tokens, then `[DONE]`), no length.
 * /text: three text chunks with a Content-Length. /json: a JSON body in two chunks.
 * /slow: one chunk, then silence (for abort and timeout). /cut: the first two of /sse's
 * tokens, then the TCP connection is reset (an RST, as a dropped network gives): the native network-error sequence.
 * The page is served at any other path: the probe (probe.js) and the bundled sse.js app (app.js).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface XhrServer {
  url: string;
  /** Requests answered, by path. */
  hits: Record<string, number>;
  /** The request bodies /sse received. */
  bodies: string[];
  /** /sse responses whose connection the client closed before the end. */
  cutByClient: { count: number };
  close(): Promise<void>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STEP = 80;

export const SSE_TOKENS = ['Hello', ' from', ' the server'];

export async function startXhrServer(page: string): Promise<XhrServer> {
  const hits: Record<string, number> = {};
  const bodies: string[] = [];
  const cutByClient = { count: 0 };
  const sockets = new Set<Socket>();
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits[path] = (hits[path] ?? 0) + 1;
    const chunks = async (list: string[]) => {
      for (const c of list) {
        res.write(c);
        await pause(STEP);
      }
    };
    switch (path) {
      case '/sse': {
        let body = '';
        for await (const part of req) body += part;
        bodies.push(body);
        res.on('close', () => {
          if (!res.writableFinished) cutByClient.count += 1;
        });
        res.writeHead(200, 'OK', { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-run': 'one' });
        await chunks([...SSE_TOKENS.map((t) => `data: ${JSON.stringify({ t })}\n\n`), 'data: [DONE]\n\n']);
        res.end();
        return;
      }
      case '/text': {
        const parts = ['alpha ', 'beta ', 'gamma'];
        res.writeHead(200, 'Fine', { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(parts.join('').length), 'X-Mixed-Case': 'A' });
        await chunks(parts);
        res.end();
        return;
      }
      case '/json': {
        res.writeHead(201, 'Created', { 'content-type': 'application/json' });
        await chunks(['{"answer":', '[1,2,3]}']);
        res.end();
        return;
      }
      case '/slow': {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        req.on('close', () => res.end());
        return;
      }
      case '/cut': {
        // sse.js's POST carries a body: read it first, as /sse does.
        for await (const part of req) void part;
        res.writeHead(200, 'OK', { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        await chunks(SSE_TOKENS.slice(0, 2).map((t) => `data: ${JSON.stringify({ t })}\n\n`));
        req.socket.resetAndDestroy();
        return;
      }
      default:
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(page);
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    bodies,
    cutByClient,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
