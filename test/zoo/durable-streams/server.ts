/**
 * The Durable Streams family's app server. The reference server from @durable-streams/server
 * (DurableStreamTestServer, in-memory store) runs on its own port 0; the app's Node http server
 * on port 0 serves the page, its bundled client and the chat API, and passes /streams/* through
 * to the Durable Streams server, so the browser sees one origin (as behind a reverse proxy).
 *
 * The generation runs on the app server, independent of readers: it writes the user's prompt
 * and then each token as one JSON message to /streams/chat-<id> with the client library's
 * DurableStream (PUT to create, POST to append pre-serialized JSON, close() for EOF); readers GET the stream with
 * ?offset=…&live=long-poll|sse and continue from the Stream-Next-Offset each answer carries.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { DurableStreamTestServer } from '@durable-streams/server';
import { DurableStream } from '@durable-streams/client';
import { bundleClient } from '../bundle';
import type { ZooApp, ZooCounters } from '../types';
import { TOKENS, answerFor, delayMs, sleep } from './model';
import { page, UI, type DsVariant } from './page';

interface Generation {
  state: 'streaming' | 'done' | 'cancelled';
  stop: AbortController;
  /** Settles once the generation wrote its end marker and closed the stream. */
  ended: Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

/** Passes a browser request through to the Durable Streams server, and drops it when the browser goes. */
function passThrough(dsOrigin: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
  const upstream = http.request(
    { host: dsOrigin.hostname, port: dsOrigin.port, path: req.url, method: req.method, headers: { ...req.headers, host: dsOrigin.host } },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  // A reset browser connection ends the upstream long-poll or SSE read too.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

export async function startDurableStreamsApp(name: string, variant: DsVariant): Promise<ZooApp> {
  const client = await bundleClient(new URL('./client.ts', import.meta.url).pathname);
  const ds = new DurableStreamTestServer({ port: 0, host: '127.0.0.1' });
  const dsOrigin = new URL(await ds.start());
  const counters: ZooCounters = { started: 0, finished: 0, cancelled: 0, aborted: 0 };
  const generations = new Map<string, Generation>();

  async function generate(handle: DurableStream, gen: Generation): Promise<void> {
    counters.started++;
    try {
      for (let i = 0; i < TOKENS.length; i++) {
        await sleep(delayMs(i), gen.stop.signal);
        await handle.append(JSON.stringify({ type: 'token', text: TOKENS[i]! }));
      }
      gen.state = 'done';
      counters.finished++;
      await handle.append(JSON.stringify({ type: 'done' }));
    } catch (e) {
      // Only the cancel endpoint (or app shutdown) aborts the signal; the endpoint counts the cancel.
      if (!gen.stop.signal.aborted) throw e;
      gen.state = 'cancelled';
      await handle.append(JSON.stringify({ type: 'cancelled' }));
    }
    // EOF: readers see streamClosed and stop polling.
    await handle.close();
  }

  async function startChat(prompt: string): Promise<string> {
    const chatId = randomUUID().slice(0, 8);
    const handle = await DurableStream.create({ url: new URL(`/streams/chat-${chatId}`, dsOrigin).href, contentType: 'application/json' });
    await handle.append(JSON.stringify({ type: 'user', text: prompt }));
    const gen: Generation = { state: 'streaming', stop: new AbortController(), ended: Promise.resolve() };
    gen.ended = generate(handle, gen).catch(() => undefined);
    generations.set(chatId, gen);
    return chatId;
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app');
    const cancel = /^\/api\/chats\/([\w-]+)\/cancel$/.exec(url.pathname);
    if (url.pathname.startsWith('/streams/')) return passThrough(dsOrigin, req, res);
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end(page(variant));
    }
    if (req.method === 'GET' && url.pathname === '/client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end(client);
    }
    if (req.method === 'POST' && url.pathname === '/api/chats') {
      void readBody(req)
        .then((body) => startChat(String((JSON.parse(body) as { prompt?: unknown }).prompt ?? '')))
        .then((chatId) => json(res, 201, { chatId, stream: `/streams/chat-${chatId}` }))
        .catch((e: unknown) => json(res, 500, { error: String(e) }));
      return;
    }
    // The replay variants have no cancel endpoint: their Stop only stops reading.
    if (req.method === 'POST' && cancel && variant !== 'replay' && variant !== 'long-poll-replay') {
      const gen = generations.get(cancel[1]!);
      if (!gen) return json(res, 404, { error: 'no such chat' });
      if (gen.state !== 'streaming') return json(res, 409, { cancelled: false, state: gen.state });
      counters.cancelled++;
      gen.stop.abort(new Error('cancelled by POST /api/chats/:id/cancel'));
      void gen.ended.then(() => json(res, 200, { cancelled: true }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  return {
    name,
    origin: `http://127.0.0.1:${port}`,
    path: '/',
    answer: answerFor,
    counters: () => ({ ...counters }),
    ui: UI(variant),
    async close() {
      for (const gen of generations.values()) gen.stop.abort(new Error('app closed'));
      await Promise.all([...generations.values()].map((g) => g.ended));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await ds.stop();
    },
  };
}
