/**
 * Socket.IO (v3/v4 over Engine.IO 4) on a WebSocket: `0{sid…}` open, `2`/`3` ping/pong, and
 * `4`-prefixed Socket.IO packets — `40` connect, `41` disconnect, `42[…]` event (ack id and
 * namespace optional: `42/chat,7["ev",…]`), `43` ack, `44` connect error, `45/46` binary.
 * Connection state recovery hands out a `pid` in `40{"sid","pid"}`, appends an offset to each
 * server event, and a reconnecting client sends `40{"pid","offset"}`: those are the handles.
 * What the events mean for the answer is app-defined, so their payloads go through the same
 * field heuristics as the generic recognizers.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, Frame, Recognizer } from './types';
import { payloadEvents, typeMeaning } from './generic-fields';
import { Emitter, firstFrames, get, isObj, str, urlPath } from './util';

interface Packet {
  type: number;
  nsp: string;
  ack?: string;
  data?: unknown;
  bad?: string;
}

/** Parses the Socket.IO packet inside an Engine.IO message (the text after the `4`). */
export function socketIoPacket(s: string): Packet {
  const type = Number(s[0]);
  if (!(type >= 0 && type <= 6)) return { type: -1, nsp: '/', bad: 'unknown packet type' };
  let i = 1;
  if (type === 5 || type === 6) i = s.indexOf('-', i) + 1;
  let nsp = '/';
  if (s[i] === '/') {
    const comma = s.indexOf(',', i);
    nsp = comma < 0 ? s.slice(i) : s.slice(i, comma);
    i = comma < 0 ? s.length : comma + 1;
  }
  const ack = /^\d+/.exec(s.slice(i))?.[0];
  if (ack) i += ack.length;
  const rest = s.slice(i);
  if (rest === '') return ack ? { type, nsp, ack } : { type, nsp };
  try {
    return { type, nsp, ...(ack ? { ack } : {}), data: JSON.parse(rest) as unknown };
  } catch {
    return { type, nsp, bad: 'payload is not JSON' };
  }
}

const isText = (f: Frame): boolean => f.kind === 'ws-text';

function detect(conn: ConnectionCapture, frames: Frame[]) {
  if (conn.summary.kind !== 'websocket') return null;
  const byUrl = /\/socket\.io\/?$/.test(urlPath(conn)) || /[?&]EIO=\d/.test(conn.summary.url);
  const texts = firstFrames(frames, isText, 8);
  const open = texts.some((f) => /^0\{.*"sid"/.test(f.data));
  const shaped = texts.filter((f) => /^(0\{|[1-6]$|[23]probe$|4[0-6])/.test(f.data)).length;
  if (!byUrl && !open && shaped < Math.max(2, texts.length * 0.75)) return null;
  return { confidence: Math.min(1, (byUrl ? 0.6 : 0.3) + (open ? 0.3 : 0) + (texts.length ? (shaped / texts.length) * 0.2 : 0)), guess: false };
}

function parse(_conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const em = new Emitter();
  // Recovery is the server's setting for the whole session, and a recovered session gets its
  // missed events replayed before the connect packet that hands out the pid (socket.io
  // dist/socket.js: the constructor replays `missedPackets`, namespace.js calls `_onconnect`
  // after it): known from the start.
  let recovery = frames.some((f) => f.dir === 'in' && f.kind === 'ws-text' && /^40(?:\/[^,]*,)?\{.*"pid"/.test(f.data));
  for (const f of frames) {
    em.begin(f);
    const out = f.dir === 'out';
    if (f.kind === 'ws-binary') {
      em.step('binary attachment');
      continue;
    }
    const d = f.data;
    const eio = d[0];
    if (eio === '0') {
      em.handle('session-id', get(f.json ?? safeJson(d.slice(1)), 'sid'));
      em.step('engine.io open', 'start');
    } else if (eio === '2' || eio === '3') em.emit({ type: 'heartbeat' });
    else if (eio === '1') em.emit(out ? { type: 'control', name: 'close' } : { type: 'cancel', reason: 'engine.io close' });
    else if (eio === '5' || eio === '6') em.step(eio === '5' ? 'upgrade' : 'noop');
    else if (eio === '4') packet(em, socketIoPacket(d.slice(1)), out, f, () => (recovery = true), recovery);
    else em.parseError(f, 'not an Engine.IO packet');
  }
  return em.events;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

function packet(em: Emitter, p: Packet, out: boolean, f: Frame, onRecovery: () => void, recovery: boolean): void {
  if (p.bad) return em.parseError(f, `Socket.IO: ${p.bad}`);
  em.agent = p.nsp === '/' ? undefined : p.nsp;
  if (p.type === 0) {
    em.handle('session-id', get(p.data, 'pid'));
    em.handle('offset', get(p.data, 'offset'));
    if (!out) em.handle('session-id', get(p.data, 'sid'));
    if (!out && get(p.data, 'pid') !== undefined) onRecovery();
    const resume = out && get(p.data, 'pid') !== undefined;
    return out ? em.emit({ type: 'control', name: resume ? 'resume' : 'connect' }) : em.step('connect', 'start');
  }
  if (p.type === 1) return out ? em.emit({ type: 'control', name: 'disconnect' }) : em.emit({ type: 'cancel', reason: 'server disconnect' });
  if (p.type === 4) return em.emit({ type: 'error', message: str(get(p.data, 'message')) ?? 'connect error' });
  if (p.type === 3 || p.type === 6) {
    if (out) return em.emit({ type: 'control', name: 'ack' });
    return em.step(`ack ${p.ack ?? ''}`.trim());
  }
  const args = Array.isArray(p.data) ? [...p.data] : [];
  const name = str(args.shift()) ?? 'event';
  // With recovery on, the server appends the offset as the last argument of each event.
  if (!out && recovery && args.length > 0 && typeof args.at(-1) === 'string') em.handle('offset', args.pop());
  if (out) {
    for (const a of args) for (const [k, v] of Object.entries(isObj(a) ? a : {})) if (/^(offset|seq|cursor|lastEventId|last_event_id)$/i.test(k)) em.handle(k === 'seq' ? 'sequence' : k === 'cursor' ? 'cursor' : 'offset', v);
    return em.emit({ type: 'control', name: typeMeaning(name) === 'cancel' ? 'cancel' : name });
  }
  const meaning = typeMeaning(name);
  const payload = args.length === 1 ? args[0] : args;
  if (meaning === 'cancel') return em.emit({ type: 'cancel', reason: name });
  if (meaning === 'error') return em.emit({ type: 'error', message: str(payload) ?? str(get(payload, 'message')) ?? name });
  const before = em.events.length;
  payloadEvents(em, payload, { textIfString: /token|delta|chunk|text|content|message|stream/i.test(name) });
  if (meaning === 'finish') em.emit({ type: 'finish', reason: name });
  if (em.events.length === before) em.step(name);
}

export const socketio: Recognizer = { id: 'socketio', name: 'Socket.IO', detect, parse };
