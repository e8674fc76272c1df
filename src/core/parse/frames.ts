/**
 * `framesOf`: any captured connection as a list of frames (see ./types). The body framing of
 * fetch/XHR is chosen from the content type, or sniffed from the first bytes when the server
 * sent none or a generic one, because AI backends often stream SSE as text/plain.
 */
import type { ConnectionCapture, TraceEvent } from '../trace/model';
import type { ConnectionKind } from '../trace/records';
import { envelopeFrames, envelopeWire } from './envelopes';
import { jsonLineFrames, jsonValueFrames } from './ndjson';
import { sseFrames } from './sse';
import { tryJson, type Chunk, type Frame, type FramePart } from './types';

export type { Frame, FrameKind, FramePart, Chunk, EnvelopeInfo } from './types';

export type BodyFraming = 'sse' | 'json-lines' | 'json-values' | 'text-lines' | 'text-chunks';

function decodeBase64(b64: string, decoder: TextDecoder): string {
  try {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return decoder.decode(bytes, { stream: true });
  } catch {
    return '';
  }
}

/** The incoming body of a fetch/XHR as text chunks, decoding binary chunks as one UTF-8 stream. */
export function bodyChunks(events: TraceEvent[], dir: 'in' | 'out' = 'in'): Chunk[] {
  const decoder = new TextDecoder();
  const out: Chunk[] = [];
  events.forEach((e, at) => {
    if (e.dir !== dir) return;
    const text = e.text ?? (e.base64 !== null ? decodeBase64(e.base64, decoder) : '');
    out.push({ text, at });
  });
  return out;
}

const DATA_STREAM_LINE = /^[0-9a-z]:[\s]*[[{"\-\dtfn]/;

/** Chooses how to frame a body from its content type, falling back to its first bytes. */
export function bodyFraming(contentType: string | null, head: string): BodyFraming {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (base === 'text/event-stream') return 'sse';
  if (/ndjson|jsonl|jsonlines|json-seq|stream\+json/.test(base)) return 'json-lines';
  if (base === 'application/json' || base.endsWith('+json')) return 'json-values';
  const t = head.replace(/^[\ufeff\s]+/, '');
  if (/^(data|event|id|retry):|^:/.test(t)) return 'sse';
  if (t.startsWith('[') || t.startsWith('{')) return 'json-values';
  if (DATA_STREAM_LINE.test(t)) return 'text-lines';
  return 'text-chunks';
}

function textChunkFrames(chunks: Chunk[], dir: 'in' | 'out'): FramePart[] {
  return chunks
    .filter((c) => c.text !== '')
    .map((c) => {
      const f: FramePart = { dir, kind: 'text', data: c.text, at: { first: c.at, last: c.at } };
      const json = tryJson(c.text);
      if (json !== undefined) f.json = json;
      return f;
    });
}

function bodyFrames(conn: ConnectionCapture): FramePart[] {
  // Connect streaming and gRPC-web bodies are length-prefixed binary, whatever their codec.
  const wire = envelopeWire(conn.summary.contentType);
  if (wire) return envelopeFrames(conn.events, wire, conn.summary.state === 'ended');
  const chunks = bodyChunks(conn.events, 'in');
  let head = '';
  for (const c of chunks) {
    head += c.text;
    if (head.length > 256) break;
  }
  switch (bodyFraming(conn.summary.contentType, head)) {
    case 'sse':
      return sseFrames(chunks);
    case 'json-lines':
      return jsonLineFrames(chunks);
    case 'json-values':
      return jsonValueFrames(chunks);
    case 'text-lines':
      return jsonLineFrames(chunks, 'in', 'text');
    case 'text-chunks':
      return textChunkFrames(chunks, 'in');
  }
}

function messageFrame(e: TraceEvent, at: number, kind: FramePart['kind']): FramePart {
  const data = e.text ?? e.base64 ?? '';
  const f: FramePart = { dir: e.dir, kind: e.text === null && e.base64 !== null && kind === 'ws-text' ? 'ws-binary' : kind, data, at: { first: at, last: at } };
  if (f.kind !== 'ws-binary') {
    const json = tryJson(data);
    if (json !== undefined) f.json = json;
  }
  return f;
}

/** One EventSource message after another as frames (the id memory is why it is a function of state). */
function eventSourceFramer(): (e: TraceEvent, at: number) => FramePart {
  // The browser's lastEventId is sticky: a message without an `id:` line repeats the previous
  // one. Only a change is an id the server actually sent.
  let prevId = '';
  return (e, at) => {
    const f = messageFrame(e, at, e.dir === 'in' ? 'sse' : 'text');
    if (e.dir === 'in') {
      if (e.event !== null) f.event = e.event;
      if (e.id !== null && e.id !== '' && e.id !== prevId) f.id = e.id;
      prevId = e.id ?? prevId;
    }
    return f;
  };
}

function eventSourceFrames(events: TraceEvent[]): FramePart[] {
  const next = eventSourceFramer();
  return events.map((e, at) => next(e, at));
}

/**
 * The frames of a WebSocket or EventSource connection built as its events arrive: each event
 * is one message, so the frames of its first n events never change. `feed` appends to `out` the
 * frames of `events[from..]` (`from` counts events, not frames: marked WebSocket frames are
 * skipped) — exactly what `framesOf` gives for them. Null for the other kinds,
 * whose bodies are framed across events.
 */
export function messageFramer(kind: ConnectionKind): ((events: readonly TraceEvent[], from: number, out: Frame[]) => void) | null {
  if (kind !== 'websocket' && kind !== 'eventsource') return null;
  const next = kind === 'eventsource' ? eventSourceFramer() : (e: TraceEvent, at: number) => messageFrame(e, at, 'ws-text');
  const ws = kind === 'websocket';
  return (events, from, out) => {
    for (let at = from; at < events.length; at++) {
      // As framesOf: a WebSocket frame the inspector's control authored or stopped is skipped.
      if (ws && !crossed(events[at]!)) continue;
      out.push({ ...next(events[at]!, at), index: out.length, time: events[at]!.time });
    }
  };
}

function numbered(parts: FramePart[], events: TraceEvent[]): Frame[] {
  return parts.map((p, index) => ({ ...p, index, time: events[p.at.last]?.time ?? 0 }));
}

/**
 * Whether a frame crossed between the app and the server. The inspector's WebSocket control
 * marks what it authored or stopped: `sent` (the panel, not the app, spoke to the server),
 * `injected` (the panel, not the server, spoke to the app), `dropped` (the app never got it),
 * `blocked` (the server never got it). Those are shown in the event list with their mark but are
 * no evidence of what the app or its server did, so no recognizer, answer or verdict reads them
 * — a cancel sent from the panel is not the app's cancel, an injected token not the server's.
 * An `edited` frame did cross (in its edited form) and is read.
 */
export function crossed(e: TraceEvent): boolean {
  return e.mark === undefined || e.mark === 'edited';
}

export function framesOf(conn: ConnectionCapture): Frame[] {
  const { events } = conn;
  try {
    // Frames keep the index of their event in `at`, so skipping marked ones keeps every link.
    if (conn.summary.kind === 'websocket') return numbered(events.flatMap((e, at) => (crossed(e) ? [messageFrame(e, at, 'ws-text')] : [])), events);
    if (conn.summary.kind === 'eventsource') return numbered(eventSourceFrames(events), events);
    const inFrames = bodyFrames(conn);
    // Request bodies (and anything else the page sent) go where they happened in time.
    const outFrames = events.flatMap((e, at) => (e.dir === 'out' ? [messageFrame(e, at, 'text')] : []));
    const merged: FramePart[] = [];
    let o = 0;
    for (const f of inFrames) {
      while (o < outFrames.length && outFrames[o]!.at.first <= f.at.last) merged.push(outFrames[o++]!);
      merged.push(f);
    }
    merged.push(...outFrames.slice(o));
    return numbered(merged, events);
  } catch (err) {
    // Framers are written not to throw; this keeps a bug in them from hiding the capture.
    const data = events.map((e) => e.text ?? '').join('');
    return [{ index: 0, dir: 'in', kind: 'text', data, error: `framing failed: ${String(err)}`, at: { first: 0, last: Math.max(0, events.length - 1) }, time: events.at(-1)?.time ?? 0 }];
  }
}
