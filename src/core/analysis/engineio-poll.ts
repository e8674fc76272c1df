/**
 * Engine.IO long-polling (the transport Socket.IO starts on, and stays on when WebSocket is
 * unavailable or `transports: ['polling']`): one session is many short requests to
 * `…/socket.io/?EIO=4&transport=polling`. A handshake GET without `sid` answers the open packet
 * `0{"sid":…}`; after it every GET carrying `sid=<sid>` waits for the server's next packets and
 * every POST carrying it delivers the client's. Read one by one, each is a request of a packet
 * or two and no verdict or flag can see the answer they carry together. Here the requests of one
 * session become one analyzed connection, recognized as Socket.IO: the GETs' packets as what
 * came in, the POSTs' bodies as what went out, in the order they crossed the wire.
 *
 * A payload holds several packets: Engine.IO 4 separates them with the record separator U+001E
 * (engine.io-parser `encodePayload`), Engine.IO 3 prefixes each with its length in characters
 * and a colon (engine.io-parser 2.x); a binary packet is `b` and base64 (EIO 3: `b4` and base64).
 *
 * A client that lost its session (a poll cut by the network) opens a new one with a new
 * handshake and a new sid: that is a reconnect, another logical stream, as for long-poll chains.
 * A session that upgrades to WebSocket goes on in a connection of its own (`transport=websocket`
 * with the same sid), which stays its own row: its frames are a WebSocket's, and the WebSocket
 * rules (its control, its drops, its cancels) apply to it as they are. Its polling part is then
 * the session's prelude (handshake, connect, the recovery `pid`/offset), not a stream of its
 * own: it is no candidate for the stream a reconnect continues.
 */
import type { Frame, Recognition } from '../protocols';
import { recognizeAs } from '../protocols';
import { socketio } from '../protocols/socketio';
import { tryJson } from '../parse/types';
import { reassemble } from '../reassembly';
import type { ConnectionCapture, TraceEvent } from '../trace/model';
import type { AnalyzedConnection } from './connection';

/** What a polling request's URL says: the Engine.IO version and the session, if it has one yet. */
export interface EnginePollRequest {
  eio: 3 | 4;
  sid: string | null;
}

/** The Engine.IO polling request a URL names, or null when it is none. */
export function engineIoPoll(url: string): EnginePollRequest | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const q = u.searchParams;
  if (q.get('transport') !== 'polling') return null;
  const eio = q.get('EIO');
  if (eio !== '3' && eio !== '4') return null;
  return { eio: eio === '3' ? 3 : 4, sid: q.get('sid') };
}

/** The sid of the polling session a WebSocket's URL upgrades (`?EIO=4&transport=websocket&sid=…`), or null. */
function upgradedSid(url: string): string | null {
  try {
    const q = new URL(url).searchParams;
    return q.get('transport') === 'websocket' && q.get('EIO') !== null ? q.get('sid') : null;
  } catch {
    return null;
  }
}

const isRequest = (c: AnalyzedConnection): boolean => c.conn.summary.kind === 'fetch' || c.conn.summary.kind === 'xhr';

/** One Engine.IO packet of a payload: its text, or its bytes as base64, and where it lies in the payload. */
interface Packet {
  text: string;
  binary: boolean;
  start: number;
  end: number;
  error?: string;
}

/** Splits a polling payload into its packets (see the module comment for both framings). */
export function enginePayload(body: string, eio: 3 | 4): Packet[] {
  const out: Packet[] = [];
  const push = (start: number, end: number, error?: string) => {
    const raw = body.slice(start, end);
    const binary = raw.startsWith('b');
    const text = binary ? raw.slice(eio === 3 ? 2 : 1) : raw;
    out.push({ text, binary, start, end, ...(error ? { error } : {}) });
  };
  if (body === '') return out;
  if (eio === 4) {
    let start = 0;
    for (let i = body.indexOf('\u001e'); i >= 0; i = body.indexOf('\u001e', start)) {
      push(start, i);
      start = i + 1;
    }
    push(start, body.length);
    return out;
  }
  let i = 0;
  while (i < body.length) {
    const colon = body.indexOf(':', i);
    const len = colon < 0 ? NaN : Number(body.slice(i, colon));
    if (!(Number.isInteger(len) && len >= 0) || colon + 1 + len > body.length) {
      push(i, body.length, 'Engine.IO 3 payload: no valid length prefix');
      return out;
    }
    push(colon + 1, colon + 1 + len);
    i = colon + 1 + len;
  }
  return out;
}

/** The sid the handshake's open packet hands out, or null while it has none. */
function handshakeSid(c: AnalyzedConnection, eio: 3 | 4): string | null {
  if (c.conn.summary.method !== 'GET') return null;
  const body = c.conn.events.filter((e) => e.dir === 'in').map((e) => e.text ?? '').join('');
  const open = enginePayload(body, eio)[0];
  if (!open || open.binary || !open.text.startsWith('0')) return null;
  const sid = (tryJson(open.text.slice(1)) as { sid?: unknown } | undefined)?.sid;
  return typeof sid === 'string' ? sid : null;
}

/**
 * When a request's payload crossed the wire: a POST's when it was sent, a GET's when its answer
 * came (a poll waits until the server has something). One still waiting comes last.
 */
function wireTime(c: AnalyzedConnection): number {
  const s = c.conn.summary;
  if (s.method !== 'GET') return s.startedAt;
  const first = c.conn.events.find((e) => e.dir === 'in');
  return first?.time ?? s.endedAt ?? Number.POSITIVE_INFINITY;
}

interface Session {
  sid: string;
  eio: 3 | 4;
  requests: AnalyzedConnection[];
  /** The session went on over a WebSocket (`transport=websocket&sid=<sid>`). */
  upgraded: boolean;
}

function merge(session: Session): AnalyzedConnection {
  const parts = [...session.requests].sort((a, b) => wireTime(a) - wireTime(b) || a.conn.summary.startedAt - b.conn.summary.startedAt);
  const events: TraceEvent[] = [];
  const frames: Frame[] = [];
  const partStarts: number[] = [];
  const frame = (p: Packet, dir: 'in' | 'out', first: number, last: number) => {
    frames.push({
      index: frames.length,
      dir,
      kind: p.binary ? 'ws-binary' : 'ws-text',
      data: p.text,
      ...(p.binary ? {} : { json: tryJson(p.text) }),
      at: { first, last },
      time: events[last]!.time,
      ...(p.error ? { error: p.error } : {}),
    });
  };
  for (const c of parts) {
    const s = c.conn.summary;
    partStarts.push(events.length);
    if (s.method === 'GET') {
      // A poll's answer may come in several chunks: its packets are cut from the whole body and
      // each points at the chunks that carried it.
      const base = events.length;
      const ends: number[] = [];
      let body = '';
      for (const e of c.conn.events) {
        if (e.dir !== 'in') continue;
        events.push({ ...e, seq: events.length });
        body += e.text ?? '';
        ends.push(body.length);
      }
      const at = (offset: number) => {
        let k = 0;
        while (k < ends.length - 1 && ends[k]! <= offset) k++;
        return base + k;
      };
      for (const p of enginePayload(body, session.eio)) frame(p, 'in', at(p.start), at(Math.max(p.start, p.end - 1)));
    } else if (s.requestBodyPreview !== null) {
      // A POST's packets are its request body; its answer ("ok") says nothing of the stream.
      const seq = events.length;
      events.push({ seq, time: s.startedAt, dir: 'out', text: s.requestBodyPreview, base64: null, size: s.requestBodySize ?? s.requestBodyPreview.length, event: null, id: null });
      const cut = s.requestBodySize !== null && s.requestBodySize > s.requestBodyPreview.length;
      const packets = enginePayload(s.requestBodyPreview, session.eio);
      for (const [i, p] of packets.entries()) frame(cut && i === packets.length - 1 ? { ...p, error: `request body captured up to ${s.requestBodyPreview.length} of ${s.requestBodySize} bytes` } : p, 'out', seq, seq);
    }
  }
  const gets = parts.filter((c) => c.conn.summary.method === 'GET').sort((a, b) => a.conn.summary.startedAt - b.conn.summary.startedAt);
  // The session lives as long as its polls do: the last poll says whether it is still open,
  // ended cleanly, or was cut by the network.
  const live = gets.at(-1) ?? parts.at(-1)!;
  const first = gets[0] ?? parts[0]!;
  const open = parts.some((c) => c.conn.summary.state !== 'ended');
  const conn: ConnectionCapture = {
    summary: {
      ...live.conn.summary,
      // The id of its first request (the handshake), which stays while the session polls on: a
      // test that waits for this stream to end finds it again after the next poll.
      id: parts[0]!.conn.summary.id,
      url: first.conn.summary.url,
      method: 'GET',
      startedAt: Math.min(...parts.map((c) => c.conn.summary.startedAt)),
      // Open while any of its requests is (a POST may outlive the last poll).
      state: open ? 'open' : 'ended',
      end: open ? null : live.conn.summary.end,
      endDetail: open ? null : live.conn.summary.endDetail,
      endedAt: open ? null : Math.max(...parts.map((c) => c.conn.summary.endedAt ?? 0)),
      streaming: !session.upgraded,
      events: events.length,
      bytesIn: parts.reduce((n, c) => n + (c.conn.summary.method === 'GET' ? c.conn.summary.bytesIn : 0), 0),
      bytesOut: parts.reduce((n, c) => n + (c.conn.summary.requestBodySize ?? 0), 0),
      requestBodySize: null,
      requestBodyPreview: null,
      // A fault injected into any request happened to the session.
      faults: parts.flatMap((c) => c.conn.summary.faults).sort((a, b) => a.time - b.time),
      detail: `Engine.IO ${session.eio} polling: ${parts.length} requests as one session (sid ${session.sid})${session.upgraded ? ', then upgraded to WebSocket' : ''}`,
    },
    events,
  };
  const recognition: Recognition = recognizeAs(conn, socketio, frames, { confidence: 1, guess: false });
  const output = reassemble(recognition);
  const isAiStream = recognition.events.some((e) => e.type === 'text-delta' || e.type === 'reasoning-delta' || e.type === 'tool-call-delta');
  return { conn, recognition, output, isAiStream, parts, partStarts };
}

// The panel and the tests ask again while nothing changed: a session is merged again only when
// one of its requests did (a new request, more events, an end).
const sessionCache = new WeakMap<ConnectionCapture, { key: string; value: AnalyzedConnection }>();

function mergedOnce(session: Session): AnalyzedConnection {
  const key = `${session.upgraded} ${session.requests.map((c) => `${c.conn.summary.id}:${c.conn.events.length}:${c.conn.summary.state}:${c.conn.summary.faults.length}`).join(' ')}`;
  const anchor = session.requests[0]!.conn;
  const hit = sessionCache.get(anchor);
  if (hit?.key === key) return hit.value;
  const value = merge(session);
  sessionCache.set(anchor, { key, value });
  return value;
}

/**
 * The origin and path of a joined polling session's requests, for a fault that must follow the
 * session to the poll that waits when it fires; null for any other connection.
 */
export function enginePollPath(c: AnalyzedConnection): string | null {
  const live = c.parts?.at(-1);
  if (!live || !isRequest(live) || engineIoPoll(live.conn.summary.url) === null) return null;
  try {
    const u = new URL(live.conn.summary.url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return null;
  }
}

/** Whether this is a polling session joined here (rather than one request, or a long-poll chain). */
export function isEnginePollSession(c: AnalyzedConnection): boolean {
  const first = c.parts?.[0];
  return first !== undefined && isRequest(first) && engineIoPoll(first.conn.summary.url) !== null;
}

/** The connections with each Engine.IO polling session's requests folded into one. */
export function joinEnginePolls(conns: AnalyzedConnection[]): AnalyzedConnection[] {
  const sessions = new Map<string, Session>();
  const session = (sid: string, eio: 3 | 4): Session => {
    let s = sessions.get(sid);
    if (!s) sessions.set(sid, (s = { sid, eio, requests: [], upgraded: false }));
    return s;
  };
  const upgrades = new Set<string>();
  for (const c of conns) {
    if (c.conn.summary.kind !== 'websocket') continue;
    const sid = upgradedSid(c.conn.summary.url);
    if (sid !== null) upgrades.add(sid);
  }
  for (const c of conns) {
    if (!isRequest(c)) continue;
    const poll = engineIoPoll(c.conn.summary.url);
    if (!poll) continue;
    // The handshake names its session only in its answer; one still waiting joins nothing yet.
    const sid = poll.sid ?? handshakeSid(c, poll.eio);
    if (sid !== null) session(sid, poll.eio).requests.push(c);
  }
  const sessionOf = new Map<AnalyzedConnection, AnalyzedConnection>();
  for (const s of sessions.values()) {
    if (s.requests.length < 2) continue;
    s.upgraded = upgrades.has(s.sid);
    const m = mergedOnce(s);
    for (const c of s.requests) sessionOf.set(c, m);
  }
  if (sessionOf.size === 0) return conns;
  // The session takes the place of the first of its requests in the list.
  const placed = new Set<AnalyzedConnection>();
  return conns.flatMap((c) => {
    const m = sessionOf.get(c);
    if (!m) return [c];
    if (placed.has(m)) return [];
    placed.add(m);
    return [m];
  });
}
