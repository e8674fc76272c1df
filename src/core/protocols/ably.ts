/**
 * Ably realtime protocol over WebSocket, JSON format (`wss://*.realtime.ably.net/?format=json`,
 * older `realtime.ably.io` / `*.ably-realtime.com`), and the AI Transport conventions on top of
 * it. Protocol-message `action` numbers and attach flags as ably-js declares them
 * (`src/common/lib/types/protocolmessage.ts`): HEARTBEAT 0, ACK 1, NACK 2, CONNECT 3, CONNECTED 4,
 * DISCONNECT 5, DISCONNECTED 6, CLOSE 7, CLOSED 8, ERROR 9, ATTACH 10, ATTACHED 11, DETACH 12,
 * DETACHED 13, PRESENCE 14, MESSAGE 15, SYNC 16, AUTH 17; flags HAS_PRESENCE 1, HAS_BACKLOG 2,
 * RESUMED 4. A message's own `action` (ably-js `src/common/lib/types/message.ts`
 * MessageActions: create 0, update 1, delete 2, meta 3, summary 4, append 5, or the names) lets
 * one assistant message grow under one `serial`: created, then appended token by token, or
 * updated whole. AI Transport puts its state in `extras.headers`: `x-ably-status`
 * (streaming / finished / aborted), `x-ably-turn` (start / end), and a client's
 * `x-ably-cancel`. Resume: the client reconnects with `resume=<connectionKey>` (or
 * `recover=`), and re-attaches with the last `channelSerial`; ATTACHED says RESUMED when
 * nothing was lost. The connection key is a session id, the channel serial a cursor.
 * Only the JSON format is read: msgpack frames (binary) stay undecoded.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, Frame, Recognizer } from './types';
import { Emitter, get, isObj, num, someFrame, str, type Obj } from './util';

export const ABLY_ACTIONS = ['HEARTBEAT', 'ACK', 'NACK', 'CONNECT', 'CONNECTED', 'DISCONNECT', 'DISCONNECTED', 'CLOSE', 'CLOSED', 'ERROR', 'ATTACH', 'ATTACHED', 'DETACH', 'DETACHED', 'PRESENCE', 'MESSAGE', 'SYNC', 'AUTH'] as const;
const MESSAGE_ACTIONS = ['message.create', 'message.update', 'message.delete', 'meta', 'message.summary', 'message.append'] as const;
const FLAG_HAS_BACKLOG = 2;
const FLAG_RESUMED = 4;

const HOST = /(^|\.)realtime\.ably\.(net|io)$|\.ably-realtime\.com$/;

function hostOf(conn: ConnectionCapture): string {
  try {
    return new URL(conn.summary.url).hostname;
  } catch {
    return '';
  }
}

const actionOf = (f: Frame): number | undefined => num(get(f.json, 'action'));

const isConnected = (f: Frame): boolean => f.dir === 'in' && actionOf(f) === 4 && (get(f.json, 'connectionKey') !== undefined || get(f.json, 'connectionDetails', 'connectionKey') !== undefined);
const isUnshaped = (f: Frame): boolean => f.json !== undefined && actionOf(f) === undefined;
const hasAction = (f: Frame): boolean => actionOf(f) !== undefined;

function detect(conn: ConnectionCapture, frames: Frame[]) {
  if (conn.summary.kind !== 'websocket') return null;
  const byHost = HOST.test(hostOf(conn));
  const connected = someFrame(frames, isConnected);
  // Every JSON frame has an action: no JSON frame lacks one.
  const shaped = !someFrame(frames, isUnshaped);
  if (!connected && !(byHost && shaped && someFrame(frames, hasAction))) return null;
  return { confidence: connected ? 1 : 0.9, guess: false };
}

function messageAction(m: Obj): string {
  const a = m.action;
  if (typeof a === 'number') return MESSAGE_ACTIONS[a] ?? `action ${a}`;
  return str(a) ?? 'message.create';
}

const headersOf = (m: Obj): Obj => {
  const h = get(m, 'extras', 'headers');
  return isObj(h) ? h : {};
};

function parse(_conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const em = new Emitter();
  /** The text so far of each message, by serial, so an `update` that repeats it becomes a delta. */
  const texts = new Map<string, string>();
  for (const f of frames) {
    em.begin(f);
    const j = f.json;
    const action = actionOf(f);
    if (!isObj(j) || action === undefined) {
      if (f.kind === 'ws-binary') em.parseError(f, 'binary frame: msgpack format is not decoded');
      else if (f.data.trim() !== '') em.parseError(f, f.error ?? 'not an Ably protocol message');
      continue;
    }
    const name = ABLY_ACTIONS[action] ?? `action ${action}`;
    em.handle('cursor', j.channelSerial);
    if (f.dir === 'out') {
      const msgs = Array.isArray(j.messages) ? j.messages.filter(isObj) : [];
      const cancel = msgs.find((m) => headersOf(m)['x-ably-cancel'] !== undefined || /cancel|stop|abort/i.test(str(m.name) ?? ''));
      const rewind = str(get(j, 'params', 'rewind'));
      const serial = str(j.channelSerial);
      // An ATTACH that names where it left off (a channel serial) or asks for history (rewind) resumes.
      const attach = serial ? `resume: ATTACH from ${serial}` : rewind ? `resume: ATTACH rewind=${rewind}` : name;
      em.emit({ type: 'control', name: cancel ? `cancel: ${headersOf(cancel)['x-ably-cancel'] !== undefined ? 'x-ably-cancel' : str(cancel.name)!}` : action === 10 ? attach : name });
      continue;
    }
    switch (action) {
      case 0:
        em.emit({ type: 'heartbeat' });
        break;
      case 4:
        em.handle('session-id', get(j, 'connectionDetails', 'connectionKey') ?? j.connectionKey);
        em.step('CONNECTED', 'start');
        break;
      case 11: {
        const flags = num(j.flags) ?? 0;
        const what = [flags & FLAG_RESUMED ? 'RESUMED' : '', flags & FLAG_HAS_BACKLOG ? 'HAS_BACKLOG' : ''].filter(Boolean).join(' ');
        em.step(`ATTACHED${what ? ` ${what}` : ''}`, 'start');
        break;
      }
      case 9:
      case 2:
        em.emit({ type: 'error', message: `${name}: ${str(get(j, 'error', 'message')) ?? 'error'}` }, { messageId: undefined });
        break;
      case 15: {
        const msgs = Array.isArray(j.messages) ? j.messages.filter(isObj) : [];
        for (const m of msgs) messageEvents(em, m, texts);
        if (msgs.length === 0) em.step(name);
        break;
      }
      default:
        em.step(name);
    }
  }
  return em.events;
}

function messageEvents(em: Emitter, m: Obj, texts: Map<string, string>): void {
  const serial = str(m.serial) ?? str(m.id);
  const key = serial ?? 'default';
  em.handle('message-id', serial);
  const h = headersOf(m);
  const kind = messageAction(m);
  const data = typeof m.data === 'string' && str(m.encoding) === undefined ? m.data : undefined;
  const meta = { messageId: serial };
  const status = str(h['x-ably-status']);
  const turn = str(h['x-ably-turn']);
  const before = em.events.length;
  // The user's own message, echoed back to the channel, is the prompt, not the answer.
  if (str(m.name) === 'user' || str(h['x-ably-role']) === 'user') return em.emit({ type: 'message-start', role: 'user' }, meta);
  if (turn === 'start') em.emit({ type: 'step', boundary: 'start', name: 'turn' }, meta);
  if (h['x-ably-cancel'] !== undefined) em.emit({ type: 'cancel', reason: 'x-ably-cancel' }, meta);
  if (data !== undefined) {
    const prev = texts.get(key) ?? '';
    if (kind === 'message.append') {
      if (data !== '') em.emit({ type: 'text-delta', text: data }, meta);
      texts.set(key, prev + data);
    } else if (kind === 'message.create' || kind === 'message.update') {
      // An update repeats the whole text: only what it adds is new.
      if (data.startsWith(prev) && data.length > prev.length) em.emit({ type: 'text-delta', text: data.slice(prev.length) }, meta);
      else if (!data.startsWith(prev)) em.emit({ type: 'parse-error', message: 'update rewrote earlier text', raw: data.slice(0, 2000) }, meta);
      texts.set(key, data);
    }
  }
  if (status === 'finished') em.emit({ type: 'finish', reason: 'finished' }, meta);
  else if (status === 'aborted') em.emit({ type: 'cancel', reason: 'aborted' }, meta);
  if (turn === 'end') em.emit({ type: 'step', boundary: 'end', name: 'turn' }, meta);
  if (em.events.length === before) em.step(str(m.name) ?? kind);
}

export const ably: Recognizer = { id: 'ably', name: 'Ably realtime (AI Transport)', detect, parse };
