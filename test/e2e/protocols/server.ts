/**
 * The protocol suite's server: plain `http` + `ws` on a free 127.0.0.1 port that speaks every
 * protocol the inspector recognizes, from the wire fixtures in test/fixtures/protocols. Each
 * fixture is served at a URL shaped like the real API, with the content type and headers its
 * `meta.json` records, in several writes with small delays (cut at byte positions, so a write
 * may end inside a multi-byte character, as a network may). WebSocket fixtures are replayed
 * frame by frame: the server sends the `in` frames and waits for each `out` frame from the
 * page, which sends them in the fixture's order (see PAGE_JS).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { readWire, type Meta, type WireFrame } from '../../unit/core/fixture';

export type Header = [string, string];

interface CaseBase {
  /** Label of the test. */
  name: string;
  /** Fixture directory and file under test/fixtures/protocols. */
  protocol: string;
  file: string;
  /** The recognizer the inspector must pick. */
  expectId: string;
  /** Whether that recognizer only guesses (generic fallbacks). */
  guess: boolean;
  /** A literal the reassembled answer must contain (so the test never compares garbage with garbage). */
  literal: string;
  /** Path (and query) on this server, shaped like the real API. */
  path: string;
}

export interface FetchCase extends CaseBase {
  kind: 'fetch';
  method: 'GET' | 'POST';
  requestHeaders: Header[];
  requestBody: string | null;
}

export interface WsCase extends CaseBase {
  kind: 'websocket';
}

export type ProtocolCase = FetchCase | WsCase;

const json = (v: unknown): string => JSON.stringify(v);
const chatBody = json({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Hello' }] });

export const CASES: ProtocolCase[] = [
  {
    name: 'OpenAI Chat Completions', protocol: 'openai-chat', file: 'text.txt', expectId: 'openai-chat', guess: false, literal: 'Ça va très bien',
    kind: 'fetch', method: 'POST', path: '/v1/chat/completions', requestHeaders: [['content-type', 'application/json'], ['authorization', 'Bearer sk-test']], requestBody: chatBody,
  },
  {
    name: 'OpenAI Responses', protocol: 'openai-responses', file: 'text.txt', expectId: 'openai-responses', guess: false, literal: 'How can I help?',
    kind: 'fetch', method: 'POST', path: '/v1/responses', requestHeaders: [['content-type', 'application/json']], requestBody: json({ model: 'gpt-4.1', input: 'Hi', stream: true, background: true }),
  },
  {
    name: 'Anthropic Messages', protocol: 'anthropic', file: 'text.txt', expectId: 'anthropic', guess: false, literal: 'Wie geht’s?',
    kind: 'fetch', method: 'POST', path: '/v1/messages', requestHeaders: [['content-type', 'application/json'], ['anthropic-version', '2023-06-01']],
    requestBody: json({ model: 'claude-sonnet-4-5', max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'Servus' }] }),
  },
  {
    name: 'Gemini (SSE)', protocol: 'gemini', file: 'sse.txt', expectId: 'gemini', guess: false, literal: 'Rayleigh scattering',
    kind: 'fetch', method: 'POST', path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', requestHeaders: [['content-type', 'application/json']],
    requestBody: json({ contents: [{ role: 'user', parts: [{ text: 'Why is the sky blue?' }] }] }),
  },
  {
    name: 'Gemini (JSON array)', protocol: 'gemini', file: 'array.json', expectId: 'gemini', guess: false, literal: 'sky look blue',
    kind: 'fetch', method: 'POST', path: '/v1beta/models/gemini-2.0-flash:streamGenerateContent', requestHeaders: [['content-type', 'application/json']],
    requestBody: json({ contents: [{ role: 'user', parts: [{ text: 'Why is the sky blue?' }] }] }),
  },
  {
    name: 'Vercel AI SDK UI message stream', protocol: 'vercel-ui', file: 'text.txt', expectId: 'vercel-ui', guess: false, literal: 'in Berlin',
    kind: 'fetch', method: 'POST', path: '/api/chat', requestHeaders: [['content-type', 'application/json']],
    requestBody: json({ id: 'chat-1', messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Weather in Berlin?' }] }] }),
  },
  {
    name: 'Vercel AI SDK data stream', protocol: 'vercel-data', file: 'text.txt', expectId: 'vercel-data', guess: false, literal: 'Hello, wörld',
    kind: 'fetch', method: 'POST', path: '/legacy/api/chat', requestHeaders: [['content-type', 'application/json']],
    requestBody: json({ messages: [{ role: 'user', content: 'Hello' }] }),
  },
  {
    name: 'LangGraph', protocol: 'langgraph', file: 'messages.txt', expectId: 'langgraph', guess: false, literal: 'capital of France is Paris',
    kind: 'fetch', method: 'POST', path: '/threads/t1/runs/stream', requestHeaders: [['content-type', 'application/json']],
    requestBody: json({ assistant_id: 'agent', input: { messages: [{ role: 'user', content: 'Capital of France?' }] }, stream_mode: ['messages'] }),
  },
  {
    name: 'MCP Streamable HTTP', protocol: 'mcp', file: 'sse.txt', expectId: 'mcp', guess: false, literal: 'Found 3 matching files',
    kind: 'fetch', method: 'POST', path: '/mcp',
    requestHeaders: [['content-type', 'application/json'], ['accept', 'application/json, text/event-stream'], ['mcp-protocol-version', '2025-06-18'], ['mcp-session-id', '1868a90c-9e5e-4b8a-a3d5-6e0b32a1c2aa']],
    requestBody: json({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'search', arguments: { pattern: '*.ts' }, _meta: { progressToken: 'tok-7' } } }),
  },
  { name: 'Socket.IO over WebSocket', protocol: 'socketio', file: 'chat.json', expectId: 'socketio', guess: false, literal: 'Hello été there', kind: 'websocket', path: '/socket.io/?EIO=4&transport=websocket' },
  {
    name: 'generic NDJSON (guess)', protocol: 'generic', file: 'ndjson.txt', expectId: 'generic-ndjson', guess: true, literal: 'Streaming is fun',
    kind: 'fetch', method: 'POST', path: '/ndjson/stream', requestHeaders: [['content-type', 'application/json']], requestBody: json({ prompt: 'Is streaming fun?' }),
  },
  {
    name: 'generic SSE (guess)', protocol: 'generic', file: 'sse-text.txt', expectId: 'generic-sse', guess: true, literal: 'Hello',
    kind: 'fetch', method: 'GET', path: '/sse/stream', requestHeaders: [['accept', 'text/event-stream']], requestBody: null,
  },
  { name: 'generic JSON over WebSocket (guess)', protocol: 'generic', file: 'ws.json', expectId: 'generic-ws-json', guess: true, literal: 'One two', kind: 'websocket', path: '/v1/stream' },
];

/** The fixture's meta.json entry for `file` (its `*` defaults, overridden per file). */
export function metaOf(protocol: string, file: string): Meta {
  const all = JSON.parse(readWire(protocol, 'meta.json')) as Record<string, Meta>;
  return { ...all['*'], ...all[file] };
}

/** The frames of a WebSocket fixture. */
export function wsFrames(c: ProtocolCase): WireFrame[] {
  return (JSON.parse(readWire(c.protocol, c.file)) as { frames: WireFrame[] }).frames;
}

/** The page's client: fetch + reader for HTTP streams, a WebSocket that plays its side of a fixture. */
const PAGE_JS = `
window.streamFetch = async (c) => {
  const init = { method: c.method, headers: c.requestHeaders };
  if (c.requestBody !== null) init.body = c.requestBody;
  const res = await fetch(c.path, init);
  if (!res.ok) throw new Error(c.path + ': HTTP ' + res.status);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
};

window.streamSocket = (c, frames) => new Promise((resolve, reject) => {
  const ws = new WebSocket('ws://' + location.host + c.path);
  const inbox = [];
  const got = [];
  let wake = null;
  const next = () => new Promise((r) => { if (inbox.length) r(); else wake = r; });
  ws.onmessage = (e) => { inbox.push(e.data); const w = wake; wake = null; if (w) w(); };
  ws.onerror = () => reject(new Error(c.path + ': WebSocket error'));
  ws.onclose = () => resolve(got);
  ws.onopen = async () => {
    for (const f of frames) {
      if (f.dir === 'out') ws.send(f.text);
      else {
        await next();
        got.push(inbox.shift());
      }
    }
    ws.close(1000, 'done');
  };
});
`;

const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>Protocol test page</title><script src="/client.js"></script></head>
<body><h1>Protocol test page</h1></body></html>`;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Cuts a body into `parts` writes at byte positions (which may fall inside a UTF-8 sequence). */
export function writesOf(body: Buffer, parts = 6): Buffer[] {
  const size = Math.max(1, Math.ceil(body.length / parts));
  const out: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) out.push(body.subarray(i, i + size));
  return out;
}

export interface ProtocolServer {
  url: string;
  /** Requests the server answered from a fixture, by case name, with the request headers it saw. */
  seen: Map<string, IncomingMessage['headers']>;
  close(): Promise<void>;
}

/** `cases`: the fixtures to serve (every protocol's by default). */
export async function startProtocolServer(opts: { delayMs?: number; cases?: ProtocolCase[] } = {}): Promise<ProtocolServer> {
  const delayMs = opts.delayMs ?? 15;
  const cases = opts.cases ?? CASES;
  const seen = new Map<string, IncomingMessage['headers']>();
  const sockets = new Set<Socket>();

  async function serveFixture(c: FetchCase, req: IncomingMessage, res: ServerResponse): Promise<void> {
    seen.set(c.name, req.headers);
    for await (const _ of req) void _; // drain the request body
    const meta = metaOf(c.protocol, c.file);
    const headers: Record<string, string> = { 'cache-control': 'no-cache' };
    for (const [name, value] of meta.responseHeaders ?? []) headers[name] = value;
    res.writeHead(200, headers);
    res.flushHeaders();
    for (const part of writesOf(Buffer.from(readWire(c.protocol, c.file), 'utf8'))) {
      await sleep(delayMs);
      if (res.destroyed) return;
      res.write(part);
    }
    res.end();
  }

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE_HTML);
      return;
    }
    if (req.method === 'GET' && path === '/client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(PAGE_JS);
      return;
    }
    const c = cases.find((x): x is FetchCase => x.kind === 'fetch' && x.path === url && x.method === req.method);
    if (!c) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`no fixture at ${req.method} ${url}`);
      return;
    }
    serveFixture(c, req, res).catch(() => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const c = cases.find((x): x is WsCase => x.kind === 'websocket' && x.path === req.url);
    if (!c) {
      socket.destroy();
      return;
    }
    seen.set(c.name, req.headers);
    wss.handleUpgrade(req, socket, head, (ws) => void playServerSide(ws, wsFrames(c), delayMs));
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The server's side of a WebSocket fixture: sends `in` frames, waits for each `out` frame. */
async function playServerSide(ws: WsSocket, frames: WireFrame[], delayMs: number): Promise<void> {
  const inbox: string[] = [];
  let wake: (() => void) | null = null;
  ws.on('message', (data) => {
    inbox.push(String(data));
    const w = wake;
    wake = null;
    w?.();
  });
  const next = () => new Promise<void>((r) => (inbox.length ? r() : (wake = r)));
  for (const f of frames) {
    if (ws.readyState !== ws.OPEN) return;
    if (f.dir === 'in') {
      await sleep(delayMs);
      ws.send(f.text ?? '');
    } else {
      await next();
      const got = inbox.shift();
      if (got !== f.text) {
        ws.close(1011, `expected ${f.text ?? ''}, got ${got ?? ''}`.slice(0, 120));
        return;
      }
    }
  }
  // The page closes once it has every frame.
}
