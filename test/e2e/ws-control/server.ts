/**
 * A real `ws` server for the WebSocket control tests: it greets each socket with one real
 * message (whose `origin` the app logs, the reference for injected ones), pushes what a test
 * asks for, and logs what it receives and how each socket closed (the oracle for sends).
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';

/** What the app page (app.js) logs of each event its socket gives it, as the tests read it. */
export interface AppLogEntry {
  via?: string;
  type: string;
  isMessageEvent?: boolean;
  origin?: string;
  dataType?: string;
  text?: string | null;
  hex?: string | null;
  code?: number;
  reason?: string;
  wasClean?: boolean;
  readyState?: number;
}

export interface Received {
  text: string | null;
  hex: string | null;
}

export interface WsControlServer {
  url: string;
  /** What each socket received, by order of connection. */
  received: Received[][];
  closes: Array<{ code: number; reason: string } | null>;
  /** Sends one text frame on the latest socket. */
  push(text: string): Promise<void>;
  close(): Promise<void>;
}

export async function startWsControlServer(): Promise<WsControlServer> {
  const script = readFileSync(new URL('./app.js', import.meta.url), 'utf8');
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>ws control</title><script>${script}</script>`);
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  const sockets: WsSocket[] = [];
  const received: Received[][] = [];
  const closes: WsControlServer['closes'] = [];
  wss.on('connection', (ws) => {
    const i = sockets.length;
    sockets.push(ws);
    received.push([]);
    closes.push(null);
    ws.on('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      received[i]!.push(isBinary ? { text: null, hex: buf.toString('hex') } : { text: buf.toString('utf8'), hex: null });
    });
    ws.on('close', (code, reason) => (closes[i] = { code, reason: reason.toString('utf8') }));
    ws.send('hello');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    closes,
    push: (text) => new Promise((resolve, reject) => sockets.at(-1)!.send(text, (e) => (e ? reject(e) : resolve()))),
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Waits until `check` holds (polling, bounded), e.g. for the server's log to show a frame. */
export async function until<T>(what: string, check: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
