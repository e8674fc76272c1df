/**
 * Demo AI chat app server: node:http + ws, static browser code from ./public,
 * one module per mode in ./modes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { Mode, ModeContext } from './lib/context.js';
import { sendError } from './lib/http.js';
import { trappedSse } from './modes/trapped-sse.js';
import { durableSse } from './modes/durable-sse.js';
import { trappedWs } from './modes/trapped-ws.js';
import { durableWs } from './modes/durable-ws.js';
import { eventSourceMode } from './modes/eventsource.js';
import { multiAgentFunnel } from './modes/multi-agent-funnel.js';
import { multiAgentDirect } from './modes/multi-agent-direct.js';
import { bench } from './modes/bench.js';

export interface DemoServerOptions {
  /** 0 = pick a free port (default 0). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 20. */
  tokensPerSecond?: number;
  /** Default 60. */
  tokens?: number;
  /** Default 1. */
  seed?: number;
}

export interface DemoServer {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Destroys the TCP sockets of all live streaming responses and WebSockets; returns how many. */
  dropStreams(): number;
}

/** Chat page modes, in index order. */
export const CHAT_MODES = [
  'trapped-sse',
  'durable-sse',
  'trapped-ws',
  'durable-ws',
  'eventsource',
  'multi-agent-funnel',
  'multi-agent-direct',
] as const;

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

async function serveStatic(req: IncomingMessage, res: ServerResponse, rel: string): Promise<void> {
  const file = normalize(join(PUBLIC_DIR, rel));
  if (!file.startsWith(PUBLIC_DIR + sep)) return sendError(res, 404, 'not found');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return sendError(res, 404, `not found: ${rel}`);
  }
  if (res.destroyed) return;
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export async function startDemoServer(opts: DemoServerOptions = {}): Promise<DemoServer> {
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const streams = new Set<ServerResponse>();
  const upgraded = new Set<Duplex>();
  const closers: Array<() => void> = [];
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });

  const ctx: ModeContext = {
    defaults: { tps: opts.tokensPerSecond ?? 20, tokens: opts.tokens ?? 60, seed: opts.seed ?? 1 },
    trackStream(res) {
      streams.add(res);
      res.on('close', () => streams.delete(res));
    },
    onClose(fn) {
      closers.push(fn);
    },
    wss,
  };
  const modes = new Map<string, Mode>(
    [
      trappedSse(ctx),
      durableSse(ctx),
      trappedWs(ctx),
      durableWs(ctx),
      eventSourceMode(ctx),
      multiAgentFunnel(ctx),
      multiAgentDirect(ctx),
      bench(ctx),
    ].map((m) => [m.name, m]),
  );

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.on('error', () => {});
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const [, first = '', ...rest] = path.split('/');
    const mode = modes.get(first);
    if (path === '/') return serveStatic(req, res, 'index.html');
    if (mode) {
      const sub = '/' + rest.join('/');
      if (rest.length === 0) {
        res.writeHead(301, { location: `/${first}/${url.search}` });
        res.end();
        return;
      }
      if (sub.startsWith('/api/') || mode.name === 'bench') {
        if (!mode.handle) return sendError(res, 404, 'not found');
        return mode.handle(req, res, sub, url);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'method not allowed');
      return serveStatic(req, res, sub === '/' ? `${first}/index.html` : `${first}${sub}`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 404, `no route ${req.method} ${path}`);
    return serveStatic(req, res, path.slice(1));
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      console.error('[demo]', err);
      sendError(res, 500, 'internal error');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => {
    socket.destroy();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, first = '', ...rest] = url.pathname.split('/');
    const mode = modes.get(first);
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    if (!mode?.upgrade || !mode.upgrade(req, socket, head, '/' + rest.join('/'), url)) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    dropStreams() {
      let n = 0;
      for (const res of [...streams]) {
        if (res.socket && !res.socket.destroyed) {
          res.socket.destroy();
          n++;
        }
        streams.delete(res);
      }
      for (const s of [...upgraded]) {
        if (!s.destroyed) {
          s.destroy();
          n++;
        }
        upgraded.delete(s);
      }
      return n;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const fn of closers) {
          try {
            fn();
          } catch (err) {
            console.error('[demo] close hook', err);
          }
        }
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        for (const s of upgraded) s.destroy();
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
