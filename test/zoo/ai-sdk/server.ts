/**
 * The Vercel AI SDK zoo app's server: a plain Node http server doing what a Next.js route
 * handler of an AI SDK chat does — `streamText` on POST /api/chat answered with the SDK's own
 * UI message stream (SSE) — and, in the resumable variants, what the Vercel chatbot template
 * adds: `resumable-stream` on Redis fed by `consumeSseStream`, and GET /api/chat/:id/stream,
 * which `useChat({ resume: true })` / `resumeStream()` call to join the active stream.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { convertToModelMessages, generateId, streamText, UI_MESSAGE_STREAM_HEADERS, type UIMessage } from 'ai';
import { createClient } from 'redis';
import { createResumableStreamContext, type Publisher, type ResumableStreamContext, type Subscriber } from 'resumable-stream';
import { bundleClient } from '../bundle';
import { startRedis, type RedisServer } from '../redis';
import type { ZooApp, ZooCounters } from '../types';
import { answerFor, fakeModel } from './model';

export interface AiSdkOptions {
  name: string;
  /** resumable-stream + GET /api/chat/:id/stream + the chat id in the page URL. */
  resumable: boolean;
  /** POST /api/chat/:id/cancel aborts the generation at its source (what Stop calls). */
  cancelEndpoint: boolean;
  /**
   * Who builds the client's Chat: 'hook' lets useChat build it (the common way), 'instance'
   * passes `new Chat({ transport: new DefaultChatTransport() })` to useChat({ chat }).
   */
  chat: 'hook' | 'instance';
  composer: 'textarea' | 'input' | 'icon';
}

/** One generation: the handle to stop it and why it was stopped (read when the model ends). */
interface Generation {
  streamId: string;
  stop: AbortController;
  why: 'cancel' | 'disconnect' | null;
}

interface ChatRecord {
  messages: UIMessage[];
  /** The generation still running, if any (what the cancel endpoint stops). */
  active: Generation | null;
  /** The latest generation's stream: resumable-stream itself says whether it is still live. */
  lastStreamId: string | null;
}

const CLIENT_ENTRY = resolve(import.meta.dirname, 'client.tsx');

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (s += d));
    req.on('end', () => done(s));
    req.on('error', fail);
  });
}

function page(opts: AiSdkOptions): string {
  const config = JSON.stringify({ resumable: opts.resumable, cancelEndpoint: opts.cancelEndpoint, chat: opts.chat, composer: opts.composer });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chat</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 720px; margin: 2rem auto; padding: 0 1rem; }
  .msg { margin: .6rem 0; padding: .5rem .8rem; border-radius: 8px; white-space: pre-wrap; }
  .msg.user { background: #eef; } .msg.assistant { background: #f4f4f4; }
  form { display: flex; gap: .5rem; margin-top: 1rem; } textarea, input { flex: 1; font: inherit; padding: .4rem; }
  .error { color: #a00; }
</style></head>
<body><main id="root"></main>
<script id="chat-config" type="application/json">${config}</script>
<script type="module" src="/assets/chat.js"></script>
</body></html>`;
}

export async function startAiSdkApp(opts: AiSdkOptions): Promise<ZooApp> {
  const counters: ZooCounters = { started: 0, finished: 0, cancelled: 0, aborted: 0 };
  const chats = new Map<string, ChatRecord>();
  const chatOf = (id: string): ChatRecord => {
    let c = chats.get(id);
    if (!c) chats.set(id, (c = { messages: [], active: null, lastStreamId: null }));
    return c;
  };
  const js = await bundleClient(CLIENT_ENTRY);

  // Redis and its two clients (a pub/sub subscriber cannot publish): resumable-stream only
  // connects clients it creates itself, so ours are connected here.
  let redis: RedisServer | null = null;
  let streams: ResumableStreamContext | null = null;
  const redisClients: Array<{ quit(): Promise<unknown> }> = [];
  // resumable-stream hands every stream's "fully written to Redis" promise to waitUntil:
  // close() waits for them so no publish lands on a client that has already quit.
  const writing = new Set<Promise<unknown>>();
  if (opts.resumable) {
    redis = await startRedis();
    const publisher = createClient({ url: redis.url });
    const subscriber = createClient({ url: redis.url });
    for (const c of [publisher, subscriber]) c.on('error', () => {}); // reconnects by itself; close() quits
    redisClients.push(publisher, subscriber);
    await Promise.all([publisher.connect(), subscriber.connect()]);
    streams = createResumableStreamContext({
      waitUntil: (p) => {
        writing.add(p);
        void p.finally(() => writing.delete(p));
      },
      publisher: publisher as unknown as Publisher,
      subscriber: subscriber as unknown as Subscriber,
    });
  }

  async function chat(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = JSON.parse(await readBody(req)) as { id: string; messages: UIMessage[] };
    const record = chatOf(body.id);
    record.messages = body.messages;
    const gen: Generation = { streamId: generateId(), stop: new AbortController(), why: null };
    record.active = gen;
    record.lastStreamId = gen.streamId;
    if (!opts.resumable) {
      // The default route ties the generation to the request (`abortSignal: req.signal` in the
      // SDK's docs): when the client goes away, so does the generation.
      res.once('close', () => {
        if (res.writableFinished) return;
        gen.why = 'disconnect';
        gen.stop.abort(new Error('client disconnected'));
      });
    }
    const model = fakeModel({
      onStart: () => counters.started++,
      onEnd: (end) => {
        if (end === 'finished') counters.finished++;
        else if (gen.why === 'cancel') counters.cancelled++;
        else counters.aborted++;
        if (record.active === gen) record.active = null;
      },
    });
    const result = streamText({ model, messages: await convertToModelMessages(body.messages), abortSignal: gen.stop.signal });
    result.pipeUIMessageStreamToResponse(res, {
      originalMessages: body.messages,
      generateMessageId: generateId,
      // Persist the conversation when the answer ends, so a later page load shows it.
      onFinish: ({ messages }) => {
        record.messages = messages;
      },
      consumeSseStream: streams
        ? ({ stream }) => {
            // The SSE stream is tee'd: this branch goes to Redis and keeps being read when the
            // browser's branch is cancelled, which is what keeps the generation running.
            void streams.createNewResumableStream(gen.streamId, () => stream);
          }
        : undefined,
    });
  }

  async function resume(id: string, res: http.ServerResponse): Promise<void> {
    const streamId = chats.get(id)?.lastStreamId;
    const stream = streamId && streams ? await streams.resumeExistingStream(streamId) : null;
    if (!stream) {
      // No active stream (never started, or already done): useChat treats 204 as "nothing to resume".
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, UI_MESSAGE_STREAM_HEADERS);
    const reader = stream.getReader();
    res.once('close', () => void reader.cancel().catch(() => {}));
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (done || res.destroyed) break;
      res.write(value);
    }
    res.end();
  }

  function cancel(id: string, res: http.ServerResponse): void {
    const gen = chats.get(id)?.active;
    if (gen) {
      gen.why = 'cancel';
      gen.stop.abort(new Error('cancelled by the user'));
    }
    res.writeHead(gen ? 202 : 204).end();
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    const m = /^\/api\/chat\/([^/]+)\/(stream|cancel)$/.exec(p);
    const h = /^\/api\/chats\/([^/]+)$/.exec(p);
    const handle = async (): Promise<void> => {
      if (req.method === 'GET' && p === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(opts));
      } else if (req.method === 'GET' && p === '/assets/chat.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(js);
      } else if (req.method === 'POST' && p === '/api/chat') {
        await chat(req, res);
      } else if (req.method === 'GET' && h && opts.resumable) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages: chats.get(decodeURIComponent(h[1]!))?.messages ?? [] }));
      } else if (req.method === 'GET' && m?.[2] === 'stream' && opts.resumable) {
        await resume(decodeURIComponent(m[1]!), res);
      } else if (req.method === 'POST' && m?.[2] === 'cancel' && opts.cancelEndpoint) {
        cancel(decodeURIComponent(m[1]!), res);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    };
    handle().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    name: opts.name,
    origin,
    path: '/',
    answer: answerFor,
    counters: () => ({ ...counters }),
    ui: {
      input: opts.composer === 'textarea' ? 'form textarea' : 'form input[type="text"]',
      send: opts.composer === 'icon' ? 'button[aria-label="Send message"]' : 'form button[type="submit"]',
      answer: '[data-role="assistant"] .answer',
      // Every variant has a Stop control while it streams; what it does differs.
      stop: 'button[aria-label="Stop generating"]',
    },
    async close() {
      for (const c of chats.values()) c.active?.stop.abort(new Error('server closing'));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await Promise.race([Promise.allSettled([...writing]), new Promise((r) => setTimeout(r, 5000))]);
      await Promise.all(redisClients.map((c) => c.quit().catch(() => {})));
      await redis?.stop();
    },
  };
}
