/**
 * durable-ws: per-conversation event log with offsets (0, 1, 2, …); sockets
 * subscribe from an offset and get replay + live events. Closing a socket
 * never cancels a run; only {"type":"cancel"} does.
 */
import type { WebSocket } from 'ws';
import { genParams, newId, type Mode, type ModeContext } from '../lib/context.js';
import { HttpError } from '../lib/http.js';
import { CID_RE } from '../lib/router.js';
import { parseFrame, wsSend } from '../lib/ws.js';
import { generateTokens, startTicker, type Ticker } from '../model.js';

type Kind = 'user' | 'delta' | 'done' | 'cancelled';
interface ConvEvent {
  type: 'event';
  conversationId: string;
  runId: string;
  messageId: string;
  offset: number;
  kind: Kind;
  text: string;
}
interface ActiveRun {
  runId: string;
  messageId: string;
  ticker: Ticker;
}
interface Conversation {
  id: string;
  events: ConvEvent[];
  subscribers: Set<WebSocket>;
  active: ActiveRun | null;
}

export function durableWs(ctx: ModeContext): Mode {
  const conversations = new Map<string, Conversation>();
  const runToConv = new Map<string, Conversation>();
  ctx.onClose(() => conversations.forEach((c) => c.active?.ticker.stop()));

  const getConv = (cid: unknown): Conversation => {
    if (typeof cid !== 'string' || !CID_RE.test(cid)) {
      throw new HttpError(400, 'invalid conversationId: use 1-64 chars of [A-Za-z0-9_-]');
    }
    let c = conversations.get(cid);
    if (!c) conversations.set(cid, (c = { id: cid, events: [], subscribers: new Set(), active: null }));
    return c;
  };

  const append = (c: Conversation, runId: string, messageId: string, kind: Kind, text: string): void => {
    const ev: ConvEvent = { type: 'event', conversationId: c.id, runId, messageId, offset: c.events.length, kind, text };
    c.events.push(ev);
    for (const ws of c.subscribers) wsSend(ws, ev);
  };

  const subscribe = (ws: WebSocket, c: Conversation, offset: number): void => {
    for (const ev of c.events) if (ev.offset > offset) wsSend(ws, ev);
    c.subscribers.add(ws);
    wsSend(ws, {
      type: 'subscribed',
      conversationId: c.id,
      offset: c.events.length - 1,
      activeRunId: c.active?.runId ?? null,
      activeMessageId: c.active?.messageId ?? null,
    });
  };

  const handle = (ws: WebSocket, msg: Record<string, unknown>): void => {
    switch (msg['type']) {
      case 'subscribe': {
        const c = getConv(msg['conversationId']);
        const off = msg['offset'] ?? -1;
        if (typeof off !== 'number' || !Number.isInteger(off) || off < -1) {
          throw new HttpError(400, 'invalid offset: expected an integer >= -1');
        }
        subscribe(ws, c, off);
        return;
      }
      case 'start': {
        const c = getConv(msg['conversationId']);
        const p = genParams(msg, ctx.defaults);
        if (c.active) throw new HttpError(409, `run ${c.active.runId} is still active in this conversation`);
        if (!c.subscribers.has(ws)) subscribe(ws, c, c.events.length - 1);
        const runId = newId('run');
        const messageId = newId('msg');
        const tokens = generateTokens(p.prompt, p.seed, p.tokens);
        const ticker = startTicker(
          tokens.length,
          p.tps,
          (i) => append(c, runId, messageId, 'delta', tokens[i]!),
          () => {
            c.active = null;
            append(c, runId, messageId, 'done', '');
          },
        );
        c.active = { runId, messageId, ticker };
        runToConv.set(runId, c);
        append(c, runId, newId('msg'), 'user', p.prompt);
        for (const s of c.subscribers) wsSend(s, { type: 'run-started', conversationId: c.id, runId, messageId });
        return;
      }
      case 'cancel': {
        const runId = msg['runId'];
        const c = typeof runId === 'string' ? runToConv.get(runId) : undefined;
        if (!c) throw new HttpError(404, `unknown run ${String(runId)}`);
        const active = c.active;
        if (active && active.runId === runId) {
          const { messageId, ticker } = active;
          ticker.stop();
          c.active = null;
          append(c, active.runId, messageId, 'cancelled', '');
        }
        return;
      }
      default:
        throw new HttpError(400, `unknown message type ${JSON.stringify(msg['type'])}`);
    }
  };

  return {
    name: 'durable-ws',
    upgrade(req, socket, head, path) {
      if (path !== '/ws') return false;
      ctx.wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => {});
        ws.on('message', (data) => {
          try {
            handle(ws, parseFrame(data));
          } catch (err) {
            wsSend(ws, { type: 'error', message: (err as Error).message });
          }
        });
        ws.on('close', () => conversations.forEach((c) => c.subscribers.delete(ws)));
      });
      return true;
    },
  };
}
