/**
 * The tRPC routers of the two variants. Both have the same procedures (`chat.send`, `chat.get`,
 * `chat.stream`, and in the tracked one `chat.cancel`); they differ in who owns the generation:
 *
 * - tracked: `chat.send` starts the generation on the server, keyed by chat id, and the
 *   subscription only follows it, yielding `tracked(String(index), token)`. The browser's
 *   EventSource resends the last id as `Last-Event-ID` when it reconnects, tRPC hands it to the
 *   procedure as `input.lastEventId` (node_modules/@trpc/server/src/unstable-core-do-not-import/
 *   http/contentType.ts, getLastEventId), and the subscription continues right after it.
 * - untracked: the subscription itself runs the model and yields bare tokens, so the
 *   generation lives exactly as long as one SSE response: a reconnect runs a new one.
 */
import { EventEmitter, on } from 'node:events';
import { randomUUID } from 'node:crypto';
import { initTRPC, tracked, TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { ZooCounters } from '../types';
import { TOKENS, delayMs, sleep } from './model';

export type ChatEvent = { type: 'token'; text: string } | { type: 'done' } | { type: 'cancelled' };

export interface Chat {
  id: string;
  prompt: string;
  /** Tokens generated so far (tracked variant: the server-side buffer every subscriber reads). */
  tokens: string[];
  state: 'streaming' | 'done' | 'cancelled';
  /** The stored answer once the generation ended: what a reloaded page shows as history. */
  answer: string | null;
  stop: AbortController;
  changed: EventEmitter;
}

export class ChatStore {
  readonly chats = new Map<string, Chat>();
  readonly counters: ZooCounters = { started: 0, finished: 0, cancelled: 0, aborted: 0 };

  create(prompt: string): Chat {
    const chat: Chat = { id: randomUUID().slice(0, 8), prompt, tokens: [], state: 'streaming', answer: null, stop: new AbortController(), changed: new EventEmitter() };
    this.chats.set(chat.id, chat);
    return chat;
  }

  get(id: string): Chat {
    const chat = this.chats.get(id);
    if (!chat) throw new TRPCError({ code: 'NOT_FOUND', message: `no chat ${id}` });
    return chat;
  }
}

// Pings keep idle proxies from cutting the response; the client recreates the EventSource
// (with lastEventId in the input) if it hears nothing for 6 s, e.g. on a silently dead socket.
const t = initTRPC.create({ sse: { ping: { enabled: true, intervalMs: 2000 }, client: { reconnectAfterInactivityMs: 6000 } } });

const chatId = z.object({ chatId: z.string() });
// `lastEventId` is filled in by tRPC from the Last-Event-ID header (or the link on a recreate).
const streamInput = z.object({ chatId: z.string(), lastEventId: z.string().nullish() });

/** Runs the model for a chat on the server, independent of any connection. */
async function generate(chat: Chat, store: ChatStore): Promise<void> {
  store.counters.started++;
  try {
    for (let i = 0; i < TOKENS.length; i++) {
      await sleep(delayMs(i), chat.stop.signal);
      chat.tokens.push(TOKENS[i]!);
      chat.changed.emit('change');
    }
    chat.state = 'done';
    store.counters.finished++;
  } catch {
    // Only chat.cancel aborts this signal, and it counts the cancel itself.
    chat.state = 'cancelled';
  }
  chat.answer = chat.tokens.join('');
  chat.changed.emit('change');
}

function common(store: ChatStore) {
  return {
    get: t.procedure.input(chatId).query(({ input }) => {
      const chat = store.get(input.chatId);
      return { prompt: chat.prompt, state: chat.state, answer: chat.answer };
    }),
  };
}

export function createTrackedRouter(store: ChatStore) {
  return t.router({
    chat: t.router({
      ...common(store),
      send: t.procedure.input(z.object({ prompt: z.string() })).mutation(({ input }) => {
        const chat = store.create(input.prompt);
        void generate(chat, store);
        return { chatId: chat.id };
      }),
      cancel: t.procedure.input(chatId).mutation(({ input }) => {
        const chat = store.get(input.chatId);
        if (chat.state !== 'streaming') return { cancelled: false };
        store.counters.cancelled++;
        chat.stop.abort(new Error('cancelled by chat.cancel'));
        return { cancelled: true };
      }),
      stream: t.procedure.input(streamInput).subscription(async function* ({ input, signal }) {
        const chat = store.get(input.chatId);
        // Listen before reading the buffer, so a token pushed in between is not missed.
        const changes = on(chat.changed, 'change', { signal });
        let next = input.lastEventId == null ? 0 : Number(input.lastEventId) + 1;
        try {
          for (;;) {
            for (; next < chat.tokens.length; next++) {
              yield tracked(String(next), { type: 'token', text: chat.tokens[next]! } as ChatEvent);
            }
            if (chat.state !== 'streaming') {
              // The end marker's id is the token count; a client that already has it gets nothing more.
              if (next === chat.tokens.length) yield tracked(String(next), { type: chat.state } as ChatEvent);
              return;
            }
            await changes.next();
          }
        } finally {
          await changes.return?.();
        }
      }),
    }),
  });
}

export function createUntrackedRouter(store: ChatStore) {
  return t.router({
    chat: t.router({
      ...common(store),
      // Only records the user's message: the model runs inside the subscription below.
      send: t.procedure.input(z.object({ prompt: z.string() })).mutation(({ input }) => ({ chatId: store.create(input.prompt).id })),
      stream: t.procedure.input(streamInput).subscription(async function* ({ input, signal }) {
        const chat = store.get(input.chatId);
        const text: string[] = [];
        let ended = false;
        store.counters.started++;
        try {
          for (let i = 0; i < TOKENS.length; i++) {
            // tRPC aborts `signal` when the SSE response's connection closes.
            await sleep(delayMs(i), signal ?? new AbortController().signal);
            text.push(TOKENS[i]!);
            yield { type: 'token', text: TOKENS[i]! } as ChatEvent;
          }
          ended = true;
          store.counters.finished++;
          chat.state = 'done';
          chat.answer = text.join('');
          yield { type: 'done' } as ChatEvent;
        } finally {
          // Reached without `ended` only when tRPC stopped the generator: the client went away.
          if (!ended) store.counters.aborted++;
        }
      }),
    }),
  });
}

export type TrackedRouter = ReturnType<typeof createTrackedRouter>;
