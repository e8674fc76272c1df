/**
 * Replay recordings of the two message transports: a captured WebSocket (its subprotocol and
 * extensions, the frames both ways with their times, and how it closed) and a captured
 * EventSource (the messages of each response it got, and whether the stream ended there, after
 * which the EventSource reconnects by its own rules). The hook answers the app's next matching
 * `new WebSocket(url)` / `new EventSource(url)` from one instead of the network.
 *
 * A recording arrives from untrusted places (an imported trace, a page-reachable hop, a mock
 * file): `parseSocketRecording` rebuilds one field by field, with limits, or says why not.
 */
import type { ConnectionCapture } from '../trace/model';
import { REPLAY_LIMITS, type ReplayChunk, type ReplayRecording } from './recording';
import { append, splitOn } from '../builtins';

/** One WebSocket frame: `in` the server sent (replayed to the app), `out` the app sent (kept to pace a reply). */
export interface WsReplayFrame {
  /** Milliseconds after the socket opened. */
  at: number;
  dir: 'in' | 'out';
  /** A text frame's text, or null for a binary frame. */
  text: string | null;
  /** A binary frame's bytes as standard base64, or null for a text frame. */
  base64: string | null;
}

/** How the server ended the socket: the app's `close` event (after an `error` event when `error`). */
export interface WsReplayClose {
  at: number;
  code: number;
  reason: string;
  wasClean: boolean;
  error: boolean;
}

export interface WsRecording {
  kind: 'websocket';
  /** ws:// or wss://; a `*` matches within one path segment, as for a fetch replay. */
  url: string;
  /** What `protocol` and `extensions` read once open (the server's handshake answer). */
  protocol: string;
  extensions: string;
  frames: WsReplayFrame[];
  /** Absent: the socket stays open until the app closes it. */
  close?: WsReplayClose;
  /**
   * When true, each run of server frames that followed a frame of the app in the recording
   * waits for the app's matching send (by count) before its recorded delay starts: a replay
   * of a request/reply protocol keeps up with an app slower or faster than the recorded one.
   */
  pacedBySends?: boolean;
  /** True when a mock was compiled to it: the capture marks the socket "served from a mock". */
  mock?: boolean;
}

export interface EsReplayMessage {
  /** Milliseconds after this response opened. */
  at: number;
  /** The event type ('message' unless the server named one). */
  event: string;
  data: string;
  /** The message's `id:` field, or null when it had none. */
  id: string | null;
}

export interface EsReplayResponse {
  messages: EsReplayMessage[];
  /** The stream ended here (server close or network loss): the EventSource reconnects. Null: it stays open. */
  endAt: number | null;
}

export interface EsRecording {
  kind: 'eventsource';
  /** http:// or https://; a `*` matches within one path segment. */
  url: string;
  /** The reconnection time the replayed stream announces (`retry:`), null for the browser's own default. */
  retryMs: number | null;
  /**
   * One per connection the EventSource made, in order: its first request and each reconnect
   * after a response that ended. A reconnect past the last one goes to the network, as the
   * browser's would.
   */
  responses: EsReplayResponse[];
  /** True when a mock was compiled to it: the capture marks the EventSource "served from a mock". */
  mock?: boolean;
}

export type SocketRecording = WsRecording | EsRecording;

/** A close code a server may send (RFC 6455 §7.4), or one of the codes the browser reports itself (1005, 1006, 1015). */
const isCloseCode = (c: unknown): c is number => typeof c === 'number' && Number.isInteger(c) && c >= 1000 && c <= 4999;

/** Whether a captured connection can be served again as a socket replay. */
export function canReplaySocket(conn: ConnectionCapture): boolean {
  const s = conn.summary;
  if (s.kind === 'websocket') return s.status === 101 && /^wss?:\/\//.test(s.url);
  if (s.kind === 'eventsource') return s.status !== null && /^https?:\/\//.test(s.url) && conn.events.some((e) => e.dir === 'in');
  return false;
}

/** The recording of a captured WebSocket or EventSource (canReplaySocket must hold). */
export function socketRecordingOf(conn: ConnectionCapture): SocketRecording {
  const s = conn.summary;
  if (s.kind === 'websocket') {
    const header = (name: string) => s.responseHeaders.find((h) => h[0].toLowerCase() === name)?.[1] ?? '';
    // Frames the inspector's control sent or injected were not the app's or the server's.
    const real = conn.events.filter((e) => e.mark !== 'sent' && e.mark !== 'injected' && e.mark !== 'edited');
    const frames = real.map((e) => ({ at: Math.max(0, e.time - s.startedAt), dir: e.dir, text: e.base64 === null ? (e.text ?? '') : null, base64: e.base64 }));
    const rec: WsRecording = { kind: 'websocket', url: s.url, protocol: header('sec-websocket-protocol'), extensions: header('sec-websocket-extensions'), frames };
    // The app's own close replays itself (the app does it again); a server's close or a lost
    // connection is the recording's to give.
    if (s.state === 'ended' && s.end !== 'client-abort' && s.endedAt !== null) {
      const last = frames.length > 0 ? frames[frames.length - 1]!.at : 0;
      const clean = s.end === 'server-close';
      const [code, ...reason] = (s.endDetail ?? '').split(' ');
      const parsed = Number(code);
      rec.close = { at: Math.max(last, s.endedAt - s.startedAt), code: clean && isCloseCode(parsed) ? parsed : clean ? 1005 : 1006, reason: clean ? reason.join(' ') : '', wasClean: clean, error: false };
    }
    return rec;
  }
  // An EventSource: one response per stretch between the browser's reconnects.
  const responses: EsReplayResponse[] = [];
  let from = 0;
  let t0 = s.startedAt;
  let retryMs: number | null = null;
  const take = (to: number, endAt: number | null) => {
    const messages = conn.events.slice(from, to).filter((e) => e.dir === 'in').map((e) => ({ at: Math.max(0, e.time - t0), event: e.event ?? 'message', data: e.text ?? '', id: e.id }));
    responses.push({ messages, endAt: endAt === null ? null : Math.max(messages.at(-1)?.at ?? 0, endAt - t0) });
    from = to;
  };
  for (const mark of s.reconnectMarks) {
    take(mark.afterEvents, mark.time);
    if (mark.reopenedAt === null) break;
    retryMs ??= Math.max(0, Math.round(mark.reopenedAt - mark.time));
    t0 = mark.reopenedAt;
  }
  const lastMark = s.reconnectMarks.at(-1);
  if (!lastMark || lastMark.reopenedAt !== null) take(conn.events.length, null);
  return { kind: 'eventsource', url: s.url, retryMs, responses };
}

type Parsed = { ok: true; recording: SocketRecording } | { ok: false; error: string };

const time = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= REPLAY_LIMITS.durationMs;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Rebuilds a WebSocket or EventSource recording from untrusted input, or explains why not. */
export function parseSocketRecording(x: unknown): Parsed {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return { ok: false, error: 'a recording must be an object' };
  const r = x as Record<string, unknown>;
  if (r.kind === 'websocket') return parseWs(r);
  if (r.kind === 'eventsource') return parseEs(r);
  return { ok: false, error: 'kind must be "websocket" or "eventsource"' };
}

function parseWs(r: Record<string, unknown>): Parsed {
  if (typeof r.url !== 'string' || !/^wss?:\/\/[^\s#]+$/.test(r.url) || r.url.length > 16384) return { ok: false, error: 'a WebSocket recording needs a ws:// or wss:// url (no fragment)' };
  // What a handshake could have answered: one token, or an extension list without controls.
  if (typeof r.protocol !== 'string' || (r.protocol !== '' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/.test(r.protocol))) return { ok: false, error: 'bad protocol (a subprotocol token, or "")' };
  if (typeof r.extensions !== 'string' || r.extensions.length > 1024 || /[\0-\x1f\x7f]/.test(r.extensions)) return { ok: false, error: 'bad extensions' };
  if (!Array.isArray(r.frames)) return { ok: false, error: 'frames must be an array' };
  if (r.frames.length > REPLAY_LIMITS.chunks) return { ok: false, error: `more than ${REPLAY_LIMITS.chunks} frames` };
  const frames: WsReplayFrame[] = [];
  let bytes = 0;
  let last = 0;
  for (let i = 0; i < r.frames.length; i++) {
    const f = r.frames[i] as Record<string, unknown> | null;
    const where = `frame ${i}`;
    if (typeof f !== 'object' || f === null) return { ok: false, error: `${where}: not an object` };
    if (!time(f.at)) return { ok: false, error: `${where}: at must be a time in ms from 0 to ${REPLAY_LIMITS.durationMs}` };
    if (f.at < last) return { ok: false, error: `${where}: frames must be in time order` };
    if (f.dir !== 'in' && f.dir !== 'out') return { ok: false, error: `${where}: dir must be "in" or "out"` };
    const text = f.text ?? null;
    const base64 = f.base64 ?? null;
    if ((text === null) === (base64 === null)) return { ok: false, error: `${where}: exactly one of text and base64` };
    if (text !== null && typeof text !== 'string') return { ok: false, error: `${where}: text must be a string` };
    if (base64 !== null && (typeof base64 !== 'string' || !BASE64.test(base64))) return { ok: false, error: `${where}: base64 must be standard base64` };
    bytes += ((text ?? base64) as string).length;
    if (bytes > REPLAY_LIMITS.bytes) return { ok: false, error: 'recording too large' };
    last = f.at;
    frames.push({ at: f.at, dir: f.dir, text: text as string | null, base64: base64 as string | null });
  }
  const rec: WsRecording = { kind: 'websocket', url: r.url, protocol: r.protocol, extensions: r.extensions, frames };
  if (r.close !== undefined) {
    const c = r.close as Record<string, unknown> | null;
    if (typeof c !== 'object' || c === null) return { ok: false, error: 'close must be { at, code, reason, wasClean, error }' };
    if (!time(c.at) || c.at < last) return { ok: false, error: 'close.at must be a time at or after the last frame' };
    if (!isCloseCode(c.code)) return { ok: false, error: 'close.code must be an integer from 1000 to 4999' };
    if (typeof c.reason !== 'string' || new TextEncoder().encode(c.reason).length > 123) return { ok: false, error: 'close.reason must be a string of at most 123 UTF-8 bytes' };
    if (typeof c.wasClean !== 'boolean' || typeof c.error !== 'boolean') return { ok: false, error: 'close.wasClean and close.error must be booleans' };
    rec.close = { at: c.at, code: c.code, reason: c.reason, wasClean: c.wasClean, error: c.error };
  }
  if (r.pacedBySends !== undefined) {
    if (typeof r.pacedBySends !== 'boolean') return { ok: false, error: 'pacedBySends must be a boolean' };
    if (r.pacedBySends) rec.pacedBySends = true;
  }
  const mock = mockFlag(r);
  if (typeof mock === 'string') return { ok: false, error: mock };
  if (mock) rec.mock = true;
  return { ok: true, recording: rec };
}

/** The optional `mock` flag: a boolean when present, or the error. */
const mockFlag = (r: Record<string, unknown>): boolean | string => (r.mock === undefined ? false : typeof r.mock === 'boolean' ? r.mock : 'mock must be a boolean');

/** An SSE event type or id as it can travel on a `event:` / `id:` line (no line breaks; an id has no NUL, which the browser ignores). */
const FIELD = /^[^\r\n]*$/;

function parseEs(r: Record<string, unknown>): Parsed {
  if (typeof r.url !== 'string' || !/^https?:\/\/\S+$/.test(r.url) || r.url.length > 16384) return { ok: false, error: 'an EventSource recording needs an http:// or https:// url' };
  if (r.retryMs !== null && !(time(r.retryMs) && Number.isInteger(r.retryMs))) return { ok: false, error: 'retryMs must be null or a whole number of ms' };
  if (!Array.isArray(r.responses) || r.responses.length === 0 || r.responses.length > 1000) return { ok: false, error: 'responses must be an array of 1 to 1000 responses' };
  const responses: EsReplayResponse[] = [];
  let count = 0;
  let bytes = 0;
  for (let i = 0; i < r.responses.length; i++) {
    const resp = r.responses[i] as Record<string, unknown> | null;
    if (typeof resp !== 'object' || resp === null || !Array.isArray(resp.messages)) return { ok: false, error: `response ${i}: needs messages (an array)` };
    count += resp.messages.length;
    if (count > REPLAY_LIMITS.chunks) return { ok: false, error: `more than ${REPLAY_LIMITS.chunks} messages` };
    const messages: EsReplayMessage[] = [];
    let last = 0;
    for (let j = 0; j < resp.messages.length; j++) {
      const m = resp.messages[j] as Record<string, unknown> | null;
      const where = `response ${i} message ${j}`;
      if (typeof m !== 'object' || m === null) return { ok: false, error: `${where}: not an object` };
      if (!time(m.at) || m.at < last) return { ok: false, error: `${where}: at must be a time in ms, in order` };
      if (typeof m.event !== 'string' || m.event === '' || m.event.length > 256 || !FIELD.test(m.event)) return { ok: false, error: `${where}: event must be a type name without line breaks` };
      if (typeof m.data !== 'string' || /\r/.test(m.data)) return { ok: false, error: `${where}: data must be a string (lines joined by \\n)` };
      if (m.id !== null && (typeof m.id !== 'string' || m.id.length > 1024 || !FIELD.test(m.id) || m.id.includes('\0'))) return { ok: false, error: `${where}: id must be null or a string without line breaks or NUL` };
      bytes += m.data.length;
      if (bytes > REPLAY_LIMITS.bytes) return { ok: false, error: 'recording too large' };
      last = m.at;
      messages.push({ at: m.at, event: m.event, data: m.data, id: m.id as string | null });
    }
    if (resp.endAt !== null && (!time(resp.endAt) || resp.endAt < last)) return { ok: false, error: `response ${i}: endAt must be null or a time at or after its last message` };
    if (resp.endAt === null && i < r.responses.length - 1) return { ok: false, error: `response ${i}: only the last response may stay open (endAt null)` };
    responses.push({ messages, endAt: resp.endAt as number | null });
  }
  const rec: EsRecording = { kind: 'eventsource', url: r.url, retryMs: r.retryMs as number | null, responses };
  const mock = mockFlag(r);
  if (typeof mock === 'string') return { ok: false, error: mock };
  if (mock) rec.mock = true;
  return { ok: true, recording: rec };
}

/**
 * One recorded EventSource response as the fetch replay serves a body: a 200 text/event-stream
 * whose chunks are the messages, each at its time, ending where the stream ended (or staying
 * open). Runs in the page, per connection: captured built-ins only (builtins.ts).
 */
export function sseResponseOf(rec: EsRecording, response: EsReplayResponse): ReplayRecording {
  const chunks: ReplayChunk[] = [];
  if (rec.retryMs !== null) append(chunks, { at: 0, text: `retry: ${rec.retryMs}\n\n` });
  const messages = response.messages;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    let text = m.event === 'message' ? '' : `event: ${m.event}\n`;
    if (m.id !== null) text += `id: ${m.id}\n`;
    const lines = splitOn(m.data, '\n');
    for (let j = 0; j < lines.length; j++) text += `data: ${lines[j]!}\n`;
    append(chunks, { at: m.at, text: `${text}\n` });
  }
  const last = chunks.length > 0 ? chunks[chunks.length - 1]!.at : 0;
  return {
    method: 'GET', url: rec.url, status: 200, statusText: 'OK',
    headers: [['content-type', 'text/event-stream'], ['cache-control', 'no-cache']],
    chunks,
    end: response.endAt === null ? { kind: 'open', at: last } : { kind: 'close', at: response.endAt },
  };
}
