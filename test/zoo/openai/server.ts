/**
 * The openai family's app server: serves the chat page, its bundled client (the official
 * `openai` npm client, in the browser) and a fake of the OpenAI API under /v1 in the official
 * wire format: Chat Completions streaming (`data: <chunk>` … `data: [DONE]`) and the Responses
 * API with background mode (`event: <type>` + `data: <event>` with sequence numbers).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { bundleClient } from '../bundle';
import type { ZooApp, ZooCounters } from '../types';
import { BackgroundResponse } from './background';
import { MODEL, TOKEN_MS, answerOf, tokensOf } from './model';
import { pageHtml, type Mode } from './page';

const SSE = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };

async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
}

const send = (res: ServerResponse, status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${randomBytes(8).toString('hex')}` }).end(JSON.stringify(body));
const notFound = (res: ServerResponse, what: string): void => send(res, 404, { error: { message: `No response found with id '${what}'.`, type: 'invalid_request_error', param: null, code: null } });

/** The prompt is the last user message's text (chat: messages; responses: a string input or input items). */
function promptOf(body: Record<string, unknown>): string {
  const last = (list: unknown) => (Array.isArray(list) ? (list as Array<{ role?: string; content?: unknown }>).filter((m) => m.role === 'user').at(-1)?.content : undefined);
  const c = typeof body.input === 'string' ? body.input : last(body.messages ?? body.input);
  return typeof c === 'string' ? c : Array.isArray(c) ? c.map((p: { text?: string }) => p.text ?? '').join('') : '';
}

export async function startOpenAiApp(opts: { name: string; mode: Mode }): Promise<ZooApp> {
  const counters: ZooCounters = { started: 0, finished: 0, cancelled: 0, aborted: 0 };
  const responses = new Map<string, BackgroundResponse>();
  const client = await bundleClient(resolve(import.meta.dirname, 'client.ts'));

  /** POST /v1/chat/completions with stream: true. The generation lives as long as the HTTP response: when the client goes away it stops. */
  function chatCompletion(body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): void {
    const tokens = tokensOf(promptOf(body));
    const base = { id: `chatcmpl-${randomBytes(12).toString('hex')}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: MODEL, system_fingerprint: null };
    const chunk = (delta: Record<string, unknown>, finish: string | null) => `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    counters.started++;
    res.writeHead(200, SSE);
    res.write(chunk({ role: 'assistant', content: '', refusal: null }, null));
    let i = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = () => {
      res.write(chunk({ content: tokens[i++] }, null));
      if (i < tokens.length) {
        timer = setTimeout(step, TOKEN_MS);
        return;
      }
      counters.finished++;
      res.end(chunk({}, 'stop') + 'data: [DONE]\n\n');
    };
    timer = setTimeout(step, TOKEN_MS);
    // The only signal a chat completion server gets when the user presses Stop or the network drops: the connection closed.
    res.on('close', () => {
      if (res.writableFinished) return;
      clearTimeout(timer);
      counters.aborted++;
    });
    req.on('error', () => {});
  }

  /** Streams a background response's events after `startingAfter`; closing this stream does not touch the generation. */
  async function streamEvents(r: BackgroundResponse, startingAfter: number | undefined, res: ServerResponse): Promise<void> {
    res.writeHead(200, SSE);
    let closed = false;
    res.on('close', () => {
      closed = true;
      r.notify();
    });
    for await (const ev of r.eventsAfter(startingAfter, () => closed)) res.write(`event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`);
    res.end();
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/^\/v1/, '');
    const [, , id, sub] = path.split('/');
    if (req.method === 'POST' && path === '/chat/completions') {
      const body = await json(req);
      if (body.stream !== true) return send(res, 400, { error: { message: 'This fake only streams.', type: 'invalid_request_error' } });
      return chatCompletion(body, req, res);
    }
    if (req.method === 'POST' && path === '/responses') {
      const body = await json(req);
      if (body.background !== true || body.stream !== true) return send(res, 400, { error: { message: 'This fake serves background streaming responses only.', type: 'invalid_request_error' } });
      const r = new BackgroundResponse(promptOf(body), counters);
      responses.set(r.id, r);
      return streamEvents(r, undefined, res);
    }
    const r = id ? responses.get(id) : undefined;
    if (path.startsWith('/responses/') && !r) return notFound(res, id ?? '');
    if (r && req.method === 'GET' && sub === undefined) {
      if (url.searchParams.get('stream') !== 'true') return send(res, 200, r.object());
      const after = url.searchParams.get('starting_after');
      return streamEvents(r, after === null ? undefined : Number(after), res);
    }
    if (r && req.method === 'GET' && sub === 'input_items') return send(res, 200, r.inputItems());
    if (r && req.method === 'POST' && sub === 'cancel') {
      await json(req);
      r.cancel();
      return send(res, 200, r.object());
    }
    send(res, 404, { error: { message: `Unknown request URL: ${req.method} ${url.pathname}`, type: 'invalid_request_error' } });
  }

  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/v1/')) {
      api(req, res, url).catch((e: unknown) => (res.headersSent ? res.destroy() : send(res, 500, { error: { message: String(e), type: 'server_error' } })));
    } else if (url.pathname === '/client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(client);
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
    } else if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageHtml(opts.mode));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    name: opts.name,
    origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    path: '/',
    answer: answerOf,
    counters: () => ({ ...counters }),
    ui: opts.mode === 'chat'
      ? { input: 'input[name=prompt]', send: 'button[type=submit]', answer: '[data-role=assistant] .content', stop: 'button#stop' }
      : { input: 'textarea[name=prompt]', send: 'button[aria-label="Send message"]', answer: '[data-role=assistant] .content', stop: 'button[aria-label="Stop generating"]' },
    async close() {
      for (const r of responses.values()) r.dispose();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
