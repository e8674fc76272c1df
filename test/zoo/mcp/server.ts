/**
 * The MCP family's app server: one Node http server on port 0 that serves the chat page, its
 * bundled client (the SDK's Client + StreamableHTTPClientTransport) and /mcp, where each MCP
 * session gets its own McpServer and StreamableHTTPServerTransport, exactly as the SDK's
 * examples/server/simpleStreamableHttp.js wires them (stateful sessions keyed by Mcp-Session-Id).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { bundleClient } from '../bundle';
import type { ZooApp, ZooCounters } from '../types';
import { OrderedEventStore } from './event-store';
import { Generation, answerOf, tokensOf } from './model';
import { pageHtml, type Composer } from './page';

export interface McpAppOptions {
  name: string;
  /** Give each session's transport an event store, so a dropped SSE stream can resume with Last-Event-ID. */
  eventStore: boolean;
  /** Keep generations server-side by a chat id in the page URL, so another tab can follow (watch) and stop them. */
  shared: boolean;
  composer: Composer;
}

type Extra = { signal: AbortSignal; _meta?: { progressToken?: string | number }; sendNotification: (n: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; total: number; message: string } }) => Promise<void> };

export async function startMcpApp(opts: McpAppOptions): Promise<ZooApp> {
  const counters: ZooCounters = { started: 0, finished: 0, cancelled: 0, aborted: 0 };
  const chats = new Map<string, Generation>();
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const client = await bundleClient(resolve(import.meta.dirname, 'client.ts'));

  /** Sends the generation's tokens from `from` on as progress notifications of this tool call (when the caller asked for progress). */
  const streamAsProgress = (gen: Generation, extra: Extra, from = 0) => {
    const token = extra._meta?.progressToken;
    const total = tokensOf(gen.prompt).length;
    return gen.follow(from, async (message, i) => {
      if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i + 1, total, message } });
    });
  };
  const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

  function mcpServer(): McpServer {
    const server = new McpServer({ name: 'zoo-chat', version: '1.0.0' });
    server.registerTool('chat', { description: 'Answers a chat message; streams the answer token by token as progress messages.', inputSchema: { prompt: z.string(), chatId: z.string().optional() } }, async ({ prompt, chatId }, extra) => {
      const gen = new Generation(prompt, counters);
      if (opts.shared && chatId) chats.set(chatId, gen);
      extra.signal.addEventListener('abort', () => {
        // The SDK aborts a handler's signal for two reasons (shared/protocol.js): notifications/cancelled
        // from the client, whose reason is the string the client sent, or the transport closing, with no
        // reason (an AbortError). A dropped HTTP stream aborts nothing: the handler runs on.
        if (typeof extra.signal.reason === 'string') gen.stop('cancelled');
        else if (!opts.shared) gen.stop('aborted');
      });
      await streamAsProgress(gen, extra as Extra);
      return text(gen.text);
    });
    if (opts.shared) {
      // Another tab follows a chat's generation as progress of its own tool call, from the token it already shows.
      server.registerTool('watch', { description: 'Follows the generation of a chat, streaming its tokens as progress messages.', inputSchema: { chatId: z.string(), from: z.number().int().min(0).optional() } }, async ({ chatId, from }, extra) => {
        const gen = chats.get(chatId);
        if (!gen) return { ...text('no such chat'), isError: true };
        await streamAsProgress(gen, extra as Extra, from ?? 0);
        return text(gen.text);
      });
      server.registerTool('stop', { description: 'Stops the generation of a chat at its source.', inputSchema: { chatId: z.string() } }, async ({ chatId }) => {
        chats.get(chatId)?.stop('cancelled');
        return text('stopped');
      });
      server.registerResource('chat', new ResourceTemplate('chat://{chatId}', { list: undefined }), { mimeType: 'application/json' }, async (uri, { chatId }) => {
        const gen = chats.get(String(chatId));
        const state = gen ? { prompt: gen.prompt, text: gen.text, tokens: gen.tokens.length, running: !gen.end } : null;
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(state) }] };
      });
    }
    return server;
  }

  async function handleMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sid = req.headers['mcp-session-id'];
    let body: unknown;
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    }
    let transport = typeof sid === 'string' ? sessions.get(sid) : undefined;
    if (!transport) {
      if (sid !== undefined || !isInitializeRequest(body)) {
        res.writeHead(sid !== undefined ? 404 : 400, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'No valid session' }, id: null }));
        return;
      }
      const t: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        ...(opts.eventStore ? { eventStore: new OrderedEventStore() } : {}),
        onsessioninitialized: (id) => void sessions.set(id, t),
      });
      t.onclose = () => void (t.sessionId && sessions.delete(t.sessionId));
      await mcpServer().connect(t);
      transport = t;
    }
    await transport.handleRequest(req, res, body);
  }

  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/mcp') {
      handleMcp(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(e));
      });
    } else if (url.pathname === '/client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(client);
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
    } else if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageHtml(opts.composer, { shared: opts.shared }));
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
    ui: { input: '[name=prompt]', send: opts.composer === 'textarea' ? 'button[type=submit]' : 'button[aria-label="Send message"]', answer: '.msg.assistant', stop: 'button#stop' },
    async close() {
      for (const g of chats.values()) g.dispose();
      await Promise.all([...sessions.values()].map((t) => t.close()));
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
