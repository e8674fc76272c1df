/**
 * Explicit cancel signals: a request whose URL or JSON body says cancel/stop/abort/interrupt
 * (`POST /runs/1/cancel`, MCP's `notifications/cancelled`, a JSON-RPC call of a `stop` tool), or
 * a message a client sent over a socket that a recognizer (or its shape) marks as a cancel
 * (`{"type":"cancel"}`, a Socket.IO `42["cancel",…]`). The SSE
 * Resume-Cancel Conflict is a stop that sends none of these and only closes the stream.
 */
import { crossed } from '../parse';
import type { AnalyzedConnection } from './connection';

const CANCEL_URL = /(^|[/_.-])(cancel|stop|abort|interrupt|halt|terminate)([/_.?-]|$)/i;
const CANCEL_FRAME = /"(type|action|op|method|kind|name|event)"\s*:\s*"[^"]*(cancel|stop|abort|interrupt)[^"]*"/i;
const CANCEL_SOCKETIO = /^42(?:\/[^,]*,)?\d*\["[^"]*(cancel|stop|abort|interrupt)/i;

/**
 * A Socket.IO cancel sent before the socket upgraded to WebSocket goes out in an Engine.IO
 * polling POST: its body is the packets, separated by the record separator U+001E (Engine.IO
 * v4; v3 prefixes each with its length and a colon).
 */
function socketIoPollCancel(body: string): boolean {
  for (const packet of body.split('\u001e')) if (CANCEL_SOCKETIO.test(packet.replace(/^\d+:/, ''))) return true;
  return false;
}

export interface CancelSignal {
  connectionId: string;
  time: number;
  eventSeq: number | null;
  label: string;
}

export function cancelSignals(conns: AnalyzedConnection[]): CancelSignal[] {
  const out: CancelSignal[] = [];
  // A stream joined from many requests (an Engine.IO polling session) sent its cancel in one of
  // them: each request is looked at as it was made.
  for (const c of conns.flatMap((j) => j.parts ?? [j])) {
    const s = c.conn.summary;
    if ((s.kind === 'fetch' || s.kind === 'xhr') && s.method !== 'GET' && CANCEL_URL.test(new URL(s.url, 'http://x').pathname)) {
      out.push({ connectionId: s.id, time: s.startedAt, eventSeq: null, label: `${s.method} ${s.url}` });
      continue;
    }
    if ((s.kind === 'fetch' || s.kind === 'xhr') && s.method !== 'GET' && s.requestBodyPreview && (CANCEL_FRAME.test(s.requestBodyPreview) || socketIoPollCancel(s.requestBodyPreview))) {
      out.push({ connectionId: s.id, time: s.startedAt, eventSeq: null, label: `${s.method} ${s.url} ${s.requestBodyPreview.slice(0, 120)}` });
      continue;
    }
    if (s.kind !== 'websocket') continue;
    // A recognizer that knows the protocol names its cancel (`cancel: response.cancel`): the
    // label then says which message it was, in the protocol's own words.
    const named = new Map<number, string>();
    for (const ev of c.recognition.events) {
      const frame = c.recognition.frames[ev.frame];
      if (ev.type === 'control' && frame && ev.name.startsWith('cancel: ')) named.set(frame.at.first, `sent ${ev.name.slice(8)} (${c.recognition.name})`);
    }
    for (const e of c.conn.events) {
      if (e.dir !== 'out' || e.text === null || !crossed(e)) continue;
      if (named.has(e.seq) || CANCEL_FRAME.test(e.text) || CANCEL_SOCKETIO.test(e.text)) out.push({ connectionId: s.id, time: e.time, eventSeq: e.seq, label: named.get(e.seq) ?? `sent ${e.text.slice(0, 120)}` });
    }
    for (const ev of c.recognition.events) {
      if (ev.type !== 'control' || !/cancel|stop|abort|interrupt/i.test(ev.name)) continue;
      const frame = c.recognition.frames[ev.frame];
      const seq = frame ? frame.at.first : null;
      if (frame && !out.some((o) => o.connectionId === s.id && o.eventSeq === seq)) out.push({ connectionId: s.id, time: frame.time, eventSeq: seq, label: `sent ${ev.name}` });
    }
  }
  return out.sort((a, b) => a.time - b.time);
}
