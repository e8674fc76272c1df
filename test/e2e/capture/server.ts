/**
 * The capture suite's own server: plain `http` + `ws` on a free 127.0.0.1 port, serving small
 * test pages (`/p/<scenario>` runs that scenario of `pages.js`) and the streams they read. The
 * bodies are fixed and exported, so a test compares what the extension captured with exactly
 * what the server sent (and, for uploads and WebSocket frames, what the server received).
 *
 * Streaming request bodies (`fetch` with a `ReadableStream` body) need HTTP/2 in Chromium, so
 * the same handler is also served over HTTPS + HTTP/2 with a throwaway self-signed certificate
 * (the test tells the browser to accept it).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';

const PAGES_JS = resolve(import.meta.dirname, 'pages.js');

/** NDJSON lines, written one write each with a pause between (multi-byte characters on purpose). */
export const NDJSON_LINES = ['{"n":1,"t":"héllo"}\n', '{"n":2,"t":"wörld €"}\n', '{"n":3,"t":"中文"}\n', '{"n":4,"t":"🚀"}\n', '{"n":5,"done":true}\n'];
export const NDJSON_BODY = NDJSON_LINES.join('');

/** A `text/plain` response: not a streaming content type for fetch. */
export const PLAIN_BODY = 'plain text ✓, not a stream\n';

/** What the XHR endpoint writes, in pieces far enough apart for separate `progress` events. */
export const XHR_PIECES = ['first piece; ', 'second piece — ü; ', 'third piece 🎉; ', 'last piece.'];
export const XHR_BODY = XHR_PIECES.join('');

/** The lines a page uploads as a ReadableStream request body (and the server echoes back). */
export const UPLOAD_LINES = ['{"up":1,"s":"ä"}\n', '{"up":2,"s":"€€"}\n', '{"up":3,"s":"🙂"}\n'];
export const UPLOAD_BODY = UPLOAD_LINES.join('');

/** The EventSource stream: named events with ids, a multi-line data field, then `done`. */
export const SSE_EVENTS = [
  { event: 'tick', id: 'e-1', data: 'one ü' },
  { event: 'tick', id: 'e-2', data: 'two\nlines' },
  { event: 'note', id: 'e-3', data: '{"x":"€"}' },
  { event: 'done', id: 'e-4', data: 'bye' },
];

/** WebSocket: the server's first frame; every client frame is answered with its bytes reversed. */
export const WS_GREETING = Buffer.from([0, 1, 2, 0xfe, 0xff]);
export const WS_CLIENT_FRAMES = [Buffer.from([10, 20, 30, 0, 255]), Buffer.from('bïnary ☃', 'utf8'), Buffer.from([7, 7, 7, 7, 7, 7, 7, 7, 1])];
export const wsReply = (b: Buffer): Buffer => Buffer.from([...b].reverse());

export interface CaptureServer {
  url: string;
  /** The HTTPS + HTTP/2 origin (same handler), for streaming uploads. */
  secureUrl: string;
  /** Request bodies the echo endpoint received, by `?key=`. */
  uploads: Map<string, Buffer>;
  /** Binary frames the WebSocket endpoint received, in order. */
  wsFrames: Buffer[];
  /** Resolves when a page posts `/told?key=` (the page's word that its app has read a stream). */
  told(key: string): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;
/** What the handler uses of either response (their `write` overloads do not unify). */
interface Out {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: string): unknown;
  end(body?: string | Buffer): unknown;
}

/** What the pages send, handed to them in the page (one source of truth). */
const PAGE_DATA = { uploadLines: UPLOAD_LINES, wsClientFrames: WS_CLIENT_FRAMES.map((b) => b.toString('base64')), sseTypes: [...new Set(SSE_EVENTS.map((e) => e.event))] };

function page(scenario: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>capture ${scenario}</title></head>
<body data-state="loading"><h1>${scenario}</h1><pre id="out"></pre>
<script type="application/json" id="data">${JSON.stringify(PAGE_DATA).replace(/</g, '\\u003c')}</script>
<script type="module" src="/pages.js" data-scenario="${scenario}"></script></body></html>`;
}

const WORKER_JS = `fetch('/ndjson').then((r) => r.text()).then((t) => postMessage(t.length));`;
const SHARED_WORKER_JS = `onconnect = (e) => { const port = e.ports[0]; fetch('/ndjson').then((r) => r.text()).then((t) => port.postMessage(t.length)); };`;

/** Self-signed certificate for 127.0.0.1, made with openssl for this run only. */
function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'dsi-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const uploads = new Map<string, Buffer>();
  const wsFrames: Buffer[] = [];
  const sockets = new Set<Socket>();
  const toldKeys = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const toldOf = (key: string) => {
    let t = toldKeys.get(key);
    if (!t) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      toldKeys.set(key, (t = { promise, resolve }));
    }
    return t;
  };

  const handle = async (req: Req, res: Out): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path.startsWith('/p/')) return send(200, 'text/html; charset=utf-8', page(path.slice(3)));
    if (path === '/pages.js') return send(200, 'text/javascript; charset=utf-8', readFileSync(PAGES_JS));
    if (path === '/worker.js') return send(200, 'text/javascript', WORKER_JS);
    if (path === '/shared-worker.js') return send(200, 'text/javascript', SHARED_WORKER_JS);
    if (path === '/told') {
      toldOf(url.searchParams.get('key') ?? '').resolve();
      return send(204, 'text/plain', '');
    }
    if (path === '/plain') return send(200, 'text/plain; charset=utf-8', PLAIN_BODY);
    if (path === '/ndjson') {
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
      for (const line of NDJSON_LINES) {
        res.write(line);
        await sleep(25);
      }
      res.end();
      return;
    }
    if (path === '/xhr') {
      // nosniff: otherwise Chromium holds back the first 512 bytes of text/plain to sniff them.
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      for (const piece of XHR_PIECES) {
        res.write(piece);
        await sleep(120);
      }
      res.end();
      return;
    }
    if (path === '/echo' && req.method === 'POST') {
      // Reads the whole upload, then streams it back line by line as NDJSON.
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      uploads.set(url.searchParams.get('key') ?? '', body);
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
      for (const line of body.toString('utf8').split(/(?<=\n)/)) {
        res.write(line);
        await sleep(20);
      }
      res.end();
      return;
    }
    if (path === '/sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': hello\n\n');
      for (const e of SSE_EVENTS) {
        await sleep(30);
        res.write(`event: ${e.event}\nid: ${e.id}\n${e.data.split('\n').map((l) => `data: ${l}`).join('\n')}\n\n`);
      }
      // The page closes the EventSource on `done`; ending here too would make it reconnect.
      return;
    }
    send(404, 'text/plain', 'not found');
  };
  const onRequest = (req: Req, res: Res) => {
    handle(req, res as unknown as Out).catch(() => res.destroy());
  };

  const server = createServer(onRequest);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/ws') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(WS_GREETING);
      ws.on('message', (data, isBinary) => {
        if (!isBinary) return;
        const b = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
        wsFrames.push(b);
        ws.send(wsReply(b));
      });
    });
  });

  const { key, cert } = selfSigned();
  const secure = createSecureServer({ key, cert, allowHTTP1: true }, onRequest);
  secure.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secureUrl: `https://127.0.0.1:${(secure.address() as AddressInfo).port}`,
    uploads,
    wsFrames,
    told: (key) => toldOf(key).promise,
    async close() {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => secure.close(r)), new Promise((r) => wss.close(r))]);
    },
  };
}
