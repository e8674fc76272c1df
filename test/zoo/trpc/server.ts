/**
 * The tRPC family's app server: one Node http server on port 0 that serves the chat page, its
 * bundled client, and the tRPC router under /trpc through the standalone adapter's
 * createHTTPHandler (queries and mutations over httpBatchLink, subscriptions over SSE).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { bundleClient } from '../bundle';
import type { ZooApp } from '../types';
import { answerFor } from './model';
import { ChatStore, createTrackedRouter, createUntrackedRouter } from './router';

export type TrpcVariant = 'tracked' | 'untracked';

const UI: Record<TrpcVariant, ZooApp['ui']> = {
  // A textarea with a visible Send button; Enter in the textarea only adds a line.
  tracked: { input: 'textarea[name="prompt"]', send: 'form button[type="submit"]', answer: '.answer', stop: 'button.stop' },
  // An input where Enter submits, and an icon-only send button.
  untracked: { input: 'input[name="message"]', send: 'button[aria-label="Send message"]', answer: '.answer', stop: 'button[aria-label="Stop generating"]' },
};

function page(variant: TrpcVariant): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tRPC chat</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 680px; margin: 2rem auto; }
  .user { font-weight: 600; margin-top: 1rem; }
  .answer { white-space: pre-wrap; }
  form { display: flex; gap: .5rem; margin-top: 1.5rem; }
  textarea, input { flex: 1; font: inherit; }
  button svg { width: 18px; height: 18px; }
</style>
</head>
<body>
<div id="root" data-variant="${variant}"></div>
<script type="module" src="/client.js"></script>
</body>
</html>`;
}

export async function startTrpcApp(name: string, variant: TrpcVariant): Promise<ZooApp> {
  const client = await bundleClient(new URL('./client.ts', import.meta.url).pathname);
  const store = new ChatStore();
  const router = variant === 'tracked' ? createTrackedRouter(store) : createUntrackedRouter(store);
  const trpc = createHTTPHandler({ router, basePath: '/trpc/' });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app');
    if (url.pathname.startsWith('/trpc/')) return void trpc(req, res);
    if (req.method === 'GET' && url.pathname === '/client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end(client);
    }
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end(page(variant));
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
    counters: () => ({ ...store.counters }),
    ui: UI[variant],
    async close() {
      // Stop server-side generations (tracked) so no timer outlives the app.
      for (const chat of store.chats.values()) chat.stop.abort(new Error('app closed'));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
