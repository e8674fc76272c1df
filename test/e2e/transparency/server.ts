/**
 * The transparency suite's own server: plain `http` + `ws` on a free 127.0.0.1 port. It serves
 * the scenario pages (`/s/<name>` runs `scenarios.js`), streaming bodies with awkward chunkings,
 * echo endpoints, error endpoints and WebSocket / EventSource endpoints. Both arms talk to the
 * same server, so every URL a page logs is the same in both arms.
 *
 * Chunkings are randomized on purpose (a fresh seed per request): the suite compares only what
 * must not depend on them (the bytes and their concatenation), so a hook that only works for
 * "nice" chunk boundaries fails some run.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';

const SCENARIOS_JS = resolve(import.meta.dirname, 'scenarios.js');

/** Deterministic large body: several MB of NDJSON lines with multi-byte characters. */
function largeBody(): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < 4 * 1024 * 1024; i++) {
    const line = `{"i":${i},"t":"tök€n 🚀 ${'x'.repeat(i % 97)}"}\n`;
    lines.push(line);
    size += Buffer.byteLength(line);
  }
  return lines.join('');
}

/** The bodies `/stream` serves, by name. Exported so the test can check the bytes the app got. */
export const BODIES: Record<string, { type: string; body: Buffer }> = {
  // SSE with CRLF line ends, multi-byte UTF-8 (2-, 3- and 4-byte sequences), ids and named events.
  sse: {
    type: 'text/event-stream; charset=utf-8',
    body: Buffer.from(
      ': comment\r\n\r\nid: 1\r\ndata: héllo wörld\r\n\r\nevent: delta\r\nid: 2\r\ndata: {"t":"€ 中文 🚀"}\r\n\r\n' +
        'data: line one\r\ndata: line two\r\n\r\nretry: 1000\r\ndata: [DONE]\r\n\r\n',
    ),
  },
  ndjson: {
    type: 'application/x-ndjson',
    body: Buffer.from('{"a":1,"s":"ä"}\n{"b":"€€"}\r\n{"c":"🚀🚀","d":[1,2,3]}\n{"e":null}\n'),
  },
  plain: { type: 'text/plain; charset=utf-8', body: Buffer.from('plain text ✓ with ünïcödé\r\nand a second line 🎉\r\n') },
  json: { type: 'application/json', body: Buffer.from('{"ok":true,"items":["α","β","γ"],"emoji":"🙂","n":12345}') },
  large: { type: 'application/x-ndjson', body: Buffer.from(largeBody()) },
  largesse: { type: 'text/event-stream', body: Buffer.from(largeBody().split('\n').filter(Boolean).map((l) => `data: ${l}\n\n`).join('')) },
};

/** Splits `body` into write sizes for a chunking mode. */
function chunking(body: Buffer, mode: string, rnd: () => number): Buffer[] {
  const out: Buffer[] = [];
  if (mode === 'one') {
    for (let i = 0; i < body.length; i++) out.push(body.subarray(i, i + 1));
    return out;
  }
  if (mode === 'whole') return [body];
  if (mode === 'utf8' || mode === 'crlf') {
    // Cut right after every lead byte of a multi-byte sequence (utf8) or between every \r and \n
    // (crlf); random cuts elsewhere.
    let start = 0;
    for (let i = 0; i < body.length; i++) {
      const b = body[i]!;
      const cut = mode === 'utf8' ? b >= 0xc0 : b === 0x0d && body[i + 1] === 0x0a;
      if (cut || rnd() < 0.05) {
        out.push(body.subarray(start, i + 1));
        start = i + 1;
      }
    }
    if (start < body.length) out.push(body.subarray(start));
    return out;
  }
  // random: sizes from 1 byte to 64 KiB, biased small.
  let i = 0;
  while (i < body.length) {
    const n = Math.max(1, Math.floor(Math.pow(rnd(), 3) * (body.length > 100_000 ? 65_536 : 40)));
    out.push(body.subarray(i, i + n));
    i += n;
  }
  return out;
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function writeChunks(res: ServerResponse, chunks: Buffer[], opts: { yieldEvery: number }): Promise<boolean> {
  for (let i = 0; i < chunks.length; i++) {
    if (res.destroyed) return false;
    if (!res.write(chunks[i])) await new Promise((r) => res.once('drain', r));
    // Give the network a chance to deliver writes separately (headless Chromium still merges).
    if (i % opts.yieldEvery === opts.yieldEvery - 1) await sleep(1);
  }
  return true;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => ok(Buffer.concat(parts)));
    req.on('error', fail);
  });
}

export interface TransparencyServer {
  origin: string;
  port: number;
  /** A 127.0.0.1 port nothing listens on (connection refused). */
  refusedPort: number;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

export async function startTransparencyServer(): Promise<TransparencyServer> {
  /** EventSource reconnect bookkeeping per key `k`: the Last-Event-ID headers seen, in order. */
  const esSeen = new Map<string, (string | null)[]>();
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (s) => {
    s.setNoDelay(true);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    const p = url.pathname;
    if (p.startsWith('/s/')) {
      const name = p.slice(3);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(
        `<!doctype html><meta charset="utf-8"><title>${name}</title>` +
          // The earliest a page's own code can listen: an inline script, first in <head>. What it
          // sees of `message` events and of the hook's old window channel is logged by `observer`.
          `<script>window.__seen=[];addEventListener('message',function(e){__seen[__seen.length]={type:'message',keys:Object.keys(Object(e.data)),ports:e.ports.length}},true);onmessage=function(){__seen[__seen.length]={type:'onmessage'}};['__durable_sessions_capture','__durable_sessions_command'].forEach(function(t){addEventListener(t,function(){__seen[__seen.length]={type:t}},true)});</script>` +
          `<script src="/scenarios.js"></script>` +
          `<script>window.__result = window.runScenario(${JSON.stringify(name)}, ${JSON.stringify(Object.fromEntries(q))});</script>`,
      );
      return;
    }
    if (p === '/scenarios.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(readFileSync(SCENARIOS_JS));
      return;
    }
    if (p === '/stream') {
      const b = BODIES[q.get('body') ?? 'sse'];
      if (!b) return void res.writeHead(404).end();
      const rnd = mulberry32((Math.random() * 2 ** 32) >>> 0);
      res.writeHead(Number(q.get('status') ?? 200), q.get('statusText') ?? 'Fine Thanks', {
        'content-type': q.get('type') ?? b.type,
        'cache-control': 'no-store',
        'x-custom': 'Custom-Value',
        'x-multi': ['a', 'b'],
      } as Record<string, string | string[]>);
      const chunks = chunking(b.body, q.get('chunk') ?? 'random', rnd);
      await writeChunks(res, chunks, { yieldEvery: b.body.length > 100_000 ? 16 : 1 });
      res.end();
      return;
    }
    if (p === '/redirect') {
      res.writeHead(Number(q.get('code') ?? 302), { location: q.get('to') ?? '/stream' });
      res.end();
      return;
    }
    if (p === '/echo') {
      const body = await readBody(req);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(
        JSON.stringify({
          method: req.method,
          contentType: req.headers['content-type'] ?? null,
          xTest: req.headers['x-test'] ?? null,
          transferEncoding: req.headers['transfer-encoding'] ?? null,
          text: body.toString('utf8'),
          hex: body.toString('hex'),
        }),
      );
      return;
    }
    if (p === '/destroy') {
      // Headers and part of the body, then the socket dies: the reader must reject.
      res.writeHead(200, { 'content-type': q.get('type') ?? 'text/event-stream' });
      res.write('data: first\n\n');
      await sleep(50);
      res.write('data: second\n\n');
      await sleep(100);
      res.socket?.destroy();
      return;
    }
    if (p === '/slow') {
      // Part of the body, then nothing until the client goes away (abort mid-body).
      res.writeHead(200, { 'content-type': q.get('type') ?? 'text/event-stream' });
      res.write('data: first\n\n');
      const timer = setTimeout(() => res.end(), 10_000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (p === '/hang') {
      // No response at all until the client goes away (abort before the response).
      const timer = setTimeout(() => res.destroy(), 10_000);
      req.on('close', () => clearTimeout(timer));
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (p === '/es') {
      return eventSource(req, res, q);
    }
    if (p === '/es-seen') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(esSeen.get(q.get('k') ?? '') ?? []));
      return;
    }
    res.writeHead(404, 'Nope', { 'content-type': 'text/plain' });
    res.end('not found');
  }

  async function eventSource(req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
    const mode = q.get('mode') ?? 'reconnect';
    const k = q.get('k') ?? '';
    const last = (req.headers['last-event-id'] as string | undefined) ?? null;
    if (last === null) esSeen.set(k, []);
    const seen = esSeen.get(k) ?? [];
    seen.push(last);
    esSeen.set(k, seen);
    if (mode === '500') {
      res.writeHead(500, { 'content-type': 'text/event-stream' });
      res.end('data: nope\n\n');
      return;
    }
    if (mode === 'wrongtype') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('data: nope\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
    const send = async (s: string) => {
      // Split each message at random places, including inside multi-byte characters.
      for (const c of chunking(Buffer.from(s), 'utf8', Math.random)) {
        res.write(c);
        await sleep(1);
      }
    };
    if (last === null) {
      await send(`retry: ${q.get('retry') ?? '50'}\n\n`);
      await send('id: 1\ndata: first 🚀\n\n');
      await send('event: delta\nid: 2\ndata: {"t":"€"}\n\n');
      await send('event: other\nid: 3\ndata: line a\ndata: line b\n\n');
      await send('data: no id here\n\n');
      await sleep(20);
      res.end(); // the browser reconnects after `retry` with Last-Event-ID: 3
      return;
    }
    await send(`id: ${Number(last) + 1}\ndata: resumed after ${last}\n\n`);
    await send('event: done\ndata: bye\n\n');
    // Stay open: the page closes.
    const timer = setTimeout(() => res.end(), 10_000);
    res.on('close', () => clearTimeout(timer));
  }

  const wss = new WebSocketServer({
    server,
    perMessageDeflate: true,
    handleProtocols: (protocols) => (protocols.has('superchat') ? 'superchat' : protocols.values().next().value ?? false),
  });
  wss.on('connection', (ws: WsSocket, req) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const mode = url.pathname;
    if (mode === '/ws/server-close') {
      ws.send('bye soon');
      setTimeout(() => ws.close(4001, 'server says bye ✓'), 30);
      return;
    }
    if (mode === '/ws/destroy') {
      // Destroyed once the page has the message: a reset while it is still in flight loses it
      // in the browser or not depending on timing (seen without the extension on a busy machine).
      ws.send('about to die');
      ws.on('message', () => ws.terminate());
      return;
    }
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? null : data.toString();
      if (text === 'binary') return void ws.send(Buffer.from([0, 1, 2, 0xfe, 0xff, 0x80]), { binary: true });
      if (text === 'destroy') return void ws.terminate();
      if (text?.startsWith('close:')) {
        const [, code, reason] = text.split(':');
        return void ws.close(Number(code), reason);
      }
      if (text === 'burst') {
        for (let i = 0; i < 20; i++) ws.send(`burst ${i}`);
        ws.send(Buffer.from('binary burst'), { binary: true });
        return;
      }
      ws.send(data, { binary: isBinary });
    });
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const refusedPort = await freePort();
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    refusedPort,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
