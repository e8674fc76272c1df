/**
 * One Socket.IO chat server (the real `socket.io` package on a Node http server) whose
 * behaviour is chosen by `Features`, so the variants differ only in the library options and
 * emit targets a real app would pick. It serves the page, the bundled client (the real
 * `socket.io-client`) and the Socket.IO endpoint from one origin.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Server, type Socket } from 'socket.io';
import { bundleClient } from '../bundle';
import type { ZooApp, ZooCounters } from '../types';
import { TOKENS, TOKEN_INTERVAL_MS, answerFor } from './model';
import { renderPage, type Features } from './page';

export type { Features } from './page';

interface Message {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  status: 'streaming' | 'done' | 'stopped';
}

interface Chat {
  id: string;
  messages: Message[];
  /** The in-flight generation, if any: its timer and its message. */
  gen: { timer: NodeJS.Timeout; message: Message } | null;
}

const roomOf = (chatId: string) => `chat:${chatId}`;

export async function startSocketioApp(name: string, features: Features): Promise<ZooApp> {
  const clientJs = await bundleClient(resolve(import.meta.dirname, 'client.ts'));
  const counters: ZooCounters = { started: 0, finished: 0, cancelled: 0, aborted: 0 };
  const chats = new Map<string, Chat>();
  let seq = 0;

  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(renderPage(features));
    } else if (url.pathname === '/client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(clientJs);
    } else if (!url.pathname.startsWith('/socket.io/')) {
      // Socket.IO's own request handler answers /socket.io/*; everything else is ours.
      res.writeHead(404).end();
    }
  });

  // connectionStateRecovery makes Socket.IO use its SessionAwareAdapter: every non-volatile,
  // ack-less event (room broadcasts and, with recovery on, socket.emit too) gets an offset
  // appended and is kept for maxDisconnectionDuration; a client that reconnects with its
  // pid + last offset gets its rooms back and the missed events replayed
  // (node_modules/socket.io-adapter/dist/in-memory-adapter.js, SessionAwareAdapter).
  const io = new Server(
    http,
    features.recovery ? { connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: true } } : {},
  );

  io.on('connection', (socket: Socket) => {
    // Where this socket's generations go: the conversation room (every tab on the chat) or
    // only the socket that asked. Binding `socket` here matters without recovery: after a
    // reconnect the client is a new Socket and emits on this one fall on the floor.
    const target = (chatId: string) => (features.rooms ? io.to(roomOf(chatId)) : socket);

    socket.on('join', (chatId: unknown, ack?: (history: { messages: Message[] }) => void) => {
      if (!features.rooms || typeof chatId !== 'string') return;
      void socket.join(roomOf(chatId));
      // The ack is sent in the same tick as the join, so every token emitted to the room after
      // it reaches this socket after the snapshot: no gap and no overlap for a joining tab.
      ack?.({ messages: chats.get(chatId)?.messages ?? [] });
    });

    socket.on('ask', (p: { chatId?: unknown; prompt?: unknown }) => {
      if (typeof p?.chatId !== 'string' || typeof p.prompt !== 'string') return;
      const chatId = p.chatId;
      let chat = chats.get(chatId);
      if (!chat) chats.set(chatId, (chat = { id: chatId, messages: [], gen: null }));
      if (chat.gen) return; // one generation per conversation at a time
      if (features.rooms) void socket.join(roomOf(chatId));
      const user: Message = { id: `m${++seq}`, role: 'user', text: p.prompt, status: 'done' };
      const assistant: Message = { id: `m${++seq}`, role: 'assistant', text: '', status: 'streaming' };
      chat.messages.push(user, assistant);
      const to = target(chatId);
      to.emit('message', { chatId, message: user });
      to.emit('message', { chatId, message: { ...assistant } });
      counters.started++;
      let i = 0;
      const tick = () => {
        const token = TOKENS[i++];
        if (token === undefined) {
          assistant.status = 'done';
          chat.gen = null;
          counters.finished++;
          to.emit('done', { chatId, messageId: assistant.id, status: 'done' });
          return;
        }
        assistant.text += token;
        // With recovery on, the adapter appends the offset as the last argument; the client
        // records it (socket.io-client build/esm/socket.js, onevent) and sends it on reconnect.
        to.emit('token', { chatId, messageId: assistant.id, token });
        chat.gen = { timer: setTimeout(tick, TOKEN_INTERVAL_MS), message: assistant };
      };
      chat.gen = { timer: setTimeout(tick, TOKEN_INTERVAL_MS), message: assistant };

      if (features.stop === 'disconnect') {
        // The plain app ties a generation to the socket that asked: when that socket goes away
        // (a network drop, or the Stop button closing it) the server stops generating.
        const onGone = () => {
          if (chat.gen?.message !== assistant) return;
          clearTimeout(chat.gen.timer);
          chat.gen = null;
          assistant.status = 'stopped';
          counters.aborted++;
        };
        socket.once('disconnect', onGone);
      }
    });

    socket.on('cancel', (p: { chatId?: unknown }) => {
      if (features.stop !== 'cancel' || typeof p?.chatId !== 'string') return;
      const chat = chats.get(p.chatId);
      if (!chat?.gen) return;
      clearTimeout(chat.gen.timer);
      const message = chat.gen.message;
      chat.gen = null;
      message.status = 'stopped';
      counters.cancelled++;
      target(p.chatId).emit('done', { chatId: p.chatId, messageId: message.id, status: 'stopped' });
    });
  });

  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  const { port } = http.address() as AddressInfo;
  const composer = features.composer === 'textarea' ? 'textarea' : 'input';
  return {
    name,
    origin: `http://127.0.0.1:${port}`,
    path: '/',
    answer: answerFor,
    counters: () => ({ ...counters }),
    ui: {
      input: `#composer ${composer}`,
      send: '#composer button[type=submit]',
      answer: '#messages > .assistant:last-child .answer',
      stop: '#stop',
    },
    close: async () => {
      for (const chat of chats.values()) if (chat.gen) clearTimeout(chat.gen.timer);
      await io.close(); // also closes the http server
    },
  };
}
