/**
 * Fixture loader: turns a raw wire sample from test/fixtures/protocols into a
 * ConnectionCapture, splitting the body into chunks the way a network would — at fixed or
 * random byte positions, one byte at a time, inside `\r\n`, inside multi-byte UTF-8 — and
 * decoding them with one streaming TextDecoder as the page hook does. Framing must give the
 * same frames for every split.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EndCause, Header } from '../../../src/core/trace/records';
import type { ConnectionCapture, ConnectionSummary, TraceEvent } from '../../../src/core/trace/model';
import { mulberry32 } from '../../../src/core/faults/spec';

const ROOT = fileURLToPath(new URL('../../fixtures/protocols/', import.meta.url));

export type Split =
  | { kind: 'whole' }
  | { kind: 'fixed'; size: number }
  | { kind: 'random'; seed: number; max: number }
  /** After every CR byte, so each CRLF straddles two chunks. */
  | { kind: 'crlf' }
  /** Inside every multi-byte UTF-8 sequence. */
  | { kind: 'utf8' };

export const SPLITS: Split[] = [
  { kind: 'whole' },
  { kind: 'fixed', size: 1 },
  { kind: 'fixed', size: 2 },
  { kind: 'fixed', size: 7 },
  { kind: 'fixed', size: 64 },
  { kind: 'crlf' },
  { kind: 'utf8' },
  { kind: 'random', seed: 1, max: 12 },
  { kind: 'random', seed: 42, max: 40 },
  { kind: 'random', seed: 2024, max: 200 },
];

export function splitName(s: Split): string {
  return s.kind === 'fixed' ? `fixed ${s.size}` : s.kind === 'random' ? `random seed ${s.seed} ≤${s.max}` : s.kind;
}

export interface Meta {
  kind?: ConnectionSummary['kind'];
  url?: string;
  method?: string;
  requestHeaders?: Header[];
  responseHeaders?: Header[];
  /** What the page POSTed (some protocols, like MCP's tools/call, put the call there). */
  requestBody?: string;
  end?: EndCause;
}

const rng = mulberry32;

/** Byte offsets where the body is cut. */
export function cutPoints(bytes: Uint8Array, split: Split): number[] {
  const cuts: number[] = [];
  switch (split.kind) {
    case 'whole':
      break;
    case 'fixed':
      for (let i = split.size; i < bytes.length; i += split.size) cuts.push(i);
      break;
    case 'random': {
      const r = rng(split.seed);
      for (let i = 1 + Math.floor(r() * split.max); i < bytes.length; i += 1 + Math.floor(r() * split.max)) cuts.push(i);
      break;
    }
    case 'crlf':
      bytes.forEach((b, i) => b === 13 && cuts.push(i + 1));
      break;
    case 'utf8':
      bytes.forEach((b, i) => (b & 0xc0) === 0x80 && cuts.push(i));
      break;
  }
  return cuts;
}

export function summaryOf(meta: Meta, kind: ConnectionSummary['kind']): ConnectionSummary {
  const responseHeaders = meta.responseHeaders ?? [];
  return {
    id: 'doc:1', kind, url: meta.url ?? 'https://example.com/', method: meta.method ?? 'GET', startedAt: 0,
    status: kind === 'websocket' ? 101 : 200,
    contentType: responseHeaders.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null,
    streaming: true, state: 'ended', endedAt: 1000, end: meta.end ?? 'clean', endDetail: null, events: 0, bytesIn: 0, bytesOut: 0, reconnects: 0,
    requestHeaders: meta.requestHeaders ?? [], responseHeaders,
    requestBodySize: meta.requestBody?.length ?? null, requestBodyPreview: meta.requestBody ?? null, detail: null,
    faults: [],
    endInjected: false,
    reconnectMarks: [],
    joinedLate: null,
  };
}

function finish(summary: ConnectionSummary, events: TraceEvent[]): ConnectionCapture {
  summary.events = events.length;
  summary.bytesIn = events.filter((e) => e.dir === 'in').reduce((n, e) => n + e.size, 0);
  summary.bytesOut = events.filter((e) => e.dir === 'out').reduce((n, e) => n + e.size, 0);
  return { summary, events };
}

/** A fetch body on the wire, cut by `split` and decoded chunk by chunk. */
export function captureFromBody(body: string, meta: Meta = {}, split: Split = { kind: 'whole' }): ConnectionCapture {
  const bytes = new TextEncoder().encode(body);
  const bounds = [0, ...cutPoints(bytes, split), bytes.length];
  const decoder = new TextDecoder();
  const events: TraceEvent[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const part = bytes.subarray(bounds[i], bounds[i + 1]);
    const text = decoder.decode(part, { stream: i + 2 < bounds.length });
    events.push({ seq: events.length, time: 10 * (events.length + 1), dir: 'in', text, base64: null, size: part.length, event: null, id: null });
  }
  return finish(summaryOf(meta, meta.kind ?? 'fetch'), events);
}

export interface WireFrame {
  dir: 'in' | 'out';
  text?: string;
  base64?: string;
  event?: string;
  id?: string;
}

/** WebSocket frames or EventSource messages, one TraceEvent each. */
export function captureFromMessages(frames: WireFrame[], meta: Meta = {}, kind: 'websocket' | 'eventsource' = 'websocket'): ConnectionCapture {
  const events = frames.map((f, seq): TraceEvent => ({
    seq, time: 10 * (seq + 1), dir: f.dir, text: f.text ?? null, base64: f.base64 ?? null,
    size: new TextEncoder().encode(f.text ?? '').length, event: f.event ?? null, id: f.id ?? null,
  }));
  return finish(summaryOf(meta, kind), events);
}

export function readWire(protocol: string, file: string): string {
  return readFileSync(`${ROOT}${protocol}/${file}`, 'utf8');
}

function metaFor(protocol: string, file: string): Meta {
  try {
    const all = JSON.parse(readWire(protocol, 'meta.json')) as Record<string, Meta>;
    return { ...all['*'], ...all[file] };
  } catch {
    return {};
  }
}

/** Loads a fixture: `.json` with `{url, frames}` is a WebSocket, anything else a fetch body. */
export function loadFixture(protocol: string, file: string, split: Split = { kind: 'whole' }, extra: Meta = {}): ConnectionCapture {
  const raw = readWire(protocol, file);
  const meta = { ...metaFor(protocol, file), ...extra };
  if (file.endsWith('.json')) {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === 'object' && 'frames' in parsed) {
      const ws = parsed as { url: string; frames: WireFrame[] };
      return captureFromMessages(ws.frames, { ...meta, url: ws.url }, 'websocket');
    }
  }
  return captureFromBody(raw, meta, split);
}
