/**
 * A small seeded generator of traces for the property tests: realistic shapes (fetch-SSE,
 * NDJSON, EventSource, WebSocket text and binary, page view samples), awkward strings (quotes, backslashes,
 * control characters, U+2028, astral characters), consistent counters and sizes.
 */
import type { ConnectionCapture, ConnectionSummary, TabSnapshot, TraceEvent } from '../../../src/core/trace/model';
import type { ConnectionKind } from '../../../src/core/trace/records';
import { connectionId } from '../../../src/core/trace/connection-id';
import type { ExportSession, TraceInput } from '../../../src/core/export/trace-model';
import { mulberry32 } from '../../../src/core/faults/spec';
import type { ViewSample } from '../../../src/core/view/sample';

export const rng = mulberry32;

export class Gen {
  readonly r: () => number;
  constructor(seed: number) {
    this.r = rng(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
  bool(p = 0.5): boolean {
    return this.r() < p;
  }
  /** Time in epoch ms with microsecond precision, as `performance.timeOrigin + now()` gives. */
  time(base: number): number {
    return Math.round((base + this.r() * 1000) * 1000) / 1000;
  }
  word(): string {
    return this.pick(['hello', 'wörld', 'naïve', '"quoted"', 'back\\slash', 'tab\there', 'line\u2028sep', '😀', 'ünï', '{"x":1}', '', ' ', 'Ω≈ç', '\u0001ctl']);
  }
  text(n = this.int(0, 6)): string {
    return Array.from({ length: n }, () => this.word()).join(this.pick([' ', '', '\n']));
  }
  bytes(): Uint8Array {
    return Uint8Array.from({ length: this.int(0, 24) }, () => this.int(0, 255));
  }
}

export const utf8 = (s: string): number => new TextEncoder().encode(s).length;
export const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

export interface GenOptions {
  sessions?: number;
  /** Only shapes a HAR can carry exactly (fetch/XHR bodies in, named EventSource events). */
  harSafe?: boolean;
}

function event(g: Gen, kind: ConnectionKind, seq: number, t: number, opts: GenOptions): TraceEvent {
  const dir = kind === 'websocket' && g.bool(0.3) ? 'out' : 'in';
  const base = { seq, time: t, dir, event: null, id: null } as TraceEvent;
  if (kind === 'websocket' && g.bool(0.2)) {
    const b = g.bytes();
    return { ...base, text: null, base64: b64(b), size: b.length };
  }
  if (kind === 'eventsource') {
    const data = g.text();
    const id = g.bool(0.7) ? String(seq + 1) : null;
    return { ...base, text: data, base64: null, size: utf8(data), event: opts.harSafe || g.bool(0.8) ? g.pick(['message', 'delta', 'done']) : null, id };
  }
  if (kind === 'fetch' || kind === 'xhr') {
    const body = g.pick([
      () => `data: ${JSON.stringify({ i: seq, t: g.text(2) })}\n\n`,
      () => `${JSON.stringify({ i: seq })}\n`,
      () => `id: ${seq}\nevent: delta\ndata: ${g.text(1).replace(/[\r\n\u2028]/g, '')}\n\n`,
      () => g.text(),
    ])();
    return { ...base, text: body, base64: null, size: utf8(body) };
  }
  const s = g.text();
  return { ...base, text: s, base64: null, size: utf8(s) };
}

export function genConnection(g: Gen, docId: string, n: number, start: number, opts: GenOptions = {}): ConnectionCapture {
  const kind = g.pick<ConnectionKind>(['fetch', 'eventsource', 'websocket', 'xhr']);
  const events: TraceEvent[] = [];
  let t = start;
  const count = g.int(0, 12);
  for (let i = 0; i < count; i++) {
    t = g.time(t);
    events.push(event(g, kind, i, t, opts));
  }
  const ended = g.bool(0.7);
  const sse = kind === 'eventsource' || g.bool(0.5);
  const contentType = kind === 'websocket' ? null : sse ? 'text/event-stream; charset=utf-8' : 'application/x-ndjson';
  const status = kind === 'websocket' ? null : g.pick([200, 200, 201, 500]);
  const id = connectionId(docId, `c${n}`);
  const reconnects = kind === 'eventsource' ? g.int(0, 2) : 0;
  const summary: ConnectionSummary = {
    id,
    kind,
    url: `${kind === 'websocket' ? 'wss' : 'https'}://api.example.test/v1/${g.pick(['chat', 'runs/r_8f2k1/stream', 'ws'])}?q=${g.int(0, 9)}`,
    method: kind === 'fetch' || kind === 'xhr' ? g.pick(['GET', 'POST']) : 'GET',
    startedAt: start,
    status,
    contentType,
    streaming: true,
    state: ended ? 'ended' : 'open',
    endedAt: ended ? g.time(t) : null,
    end: ended ? g.pick(['clean', 'network-error', 'client-abort', 'server-close'] as const) : null,
    endDetail: ended && g.bool() ? g.pick(['1000 done', 'TypeError: network error', 'AbortError: aborted']) : null,
    events: events.length,
    bytesIn: events.filter((e) => e.dir === 'in').reduce((a, e) => a + e.size, 0),
    bytesOut: events.filter((e) => e.dir === 'out').reduce((a, e) => a + e.size, 0),
    reconnects,
    requestHeaders: [['accept', kind === 'websocket' ? '*/*' : 'text/event-stream'], ['x-request-id', `req-${g.int(0, 999)}`]],
    responseHeaders: contentType ? [['content-type', contentType], ['x-trace', g.word()]] : [],
    requestBodySize: kind === 'fetch' ? g.int(0, 500) : null,
    requestBodyPreview: kind === 'fetch' && g.bool() ? JSON.stringify({ messages: [{ role: 'user', content: g.text(3) }] }) : null,
    detail: kind === 'websocket' ? g.pick([null, 'protocols: chat.v1']) : null,
    faults: g.bool(0.2) ? [{ id: `f${n}`, kind: 'drop', time: g.time(start), connectionId: id, detail: 'dropped after 3 events' }] : [],
    endInjected: false,
    reconnectMarks: Array.from({ length: reconnects }, (_, k) => ({ time: g.time(start), afterEvents: k, lastEventId: g.bool() ? String(k) : null, reopenedAt: g.bool() ? g.time(start) : null })),
    joinedLate: g.bool(0.2) ? { missedFrames: g.int(0, 5), missedBytes: g.int(0, 5000) } : null,
  };
  return { summary, events };
}

/** Samples of a page showing an answer grow block by block, each the block's whole text. */
export function genView(g: Gen, docId: string, start: number): ViewSample[] {
  const view: ViewSample[] = [];
  let t = start;
  for (let i = g.int(0, 8); i > 0; i--) {
    t = g.time(t);
    view.push({ time: t, docId: g.bool(0.8) ? docId : `${docId}-frame`, block: g.int(1, 4), text: g.text() });
  }
  return view;
}

export function genSession(g: Gen, k: number, opts: GenOptions = {}): ExportSession {
  const start = 1_712_000_000_000 + g.int(0, 1e6);
  const docId = `d${k}`;
  const connections = Array.from({ length: g.int(0, 5) }, (_, n) => genConnection(g, docId, n, g.time(start), opts));
  const faults = connections.flatMap((c) => c.summary.faults);
  if (g.bool(0.3)) faults.push({ id: `off${k}`, kind: 'offline', time: g.time(start), connectionId: null, detail: 'offline for 5 s' });
  const snapshot: TabSnapshot = {
    connections,
    signals: g.bool() ? [{ time: g.time(start), signal: 'offline', detail: null, docId }] : [],
    faults,
    testRuns: g.bool(0.4)
      ? [{ id: `t${k}`, test: 'reconnect-resume', startedAt: start, endedAt: start + 5000, verdict: { test: 'reconnect-resume', verdict: 'fail', reason: 'no reconnect after the drop', evidence: [{ label: 'drop', connectionId: connectionId(docId, 'c0'), eventSeqs: [3], time: start + 1000 }], advice: 'Resume with Last-Event-ID.' } }]
      : [],
  };
  // Most sessions carry what the page showed; some do not, like traces from before the view.
  if (g.bool(0.7)) snapshot.view = genView(g, docId, start);
  return {
    info: { id: `s${k}`, tabId: g.int(1, 99), browserRun: 'run-1', url: `https://app.example.test/chat/${k}`, startedAt: start, updatedAt: start + 5000, correlationIds: g.bool() ? ['conversation:c_8f2k1'] : [] },
    snapshot,
  };
}

export function genInput(seed: number, opts: GenOptions = {}): TraceInput {
  const g = new Gen(seed);
  return {
    sessions: Array.from({ length: opts.sessions ?? g.int(1, 3) }, (_, k) => genSession(g, k, opts)),
    environment: { browser: 'Chrome 126', extensionVersion: '0.1.0', pageUrl: 'https://app.example.test/chat/0' },
    exportedAt: '2024-04-01T12:00:00.000Z',
    testRuns: g.bool() ? [{ id: 't-pending', test: 'multi-surface', startedAt: 1_712_000_000_000, verdict: null, reason: 'running', evidence: [] }] : [],
    flags: g.bool()
      ? [{ id: 'sse-without-ids', severity: 'medium', capability: 'resilient-delivery', message: 'SSE events carry no id', evidence: [{ label: 'stream', connectionId: 'd0:c0', text: 'data: {"x":1}' }], learnMore: '#sse-without-ids' }]
      : [],
  };
}

/** One connection with `n` events, for size and speed tests. */
export function bigInput(n: number): TraceInput {
  const g = new Gen(7);
  const c = genConnection(g, 'd0', 0, 1_712_000_000_000);
  c.summary.kind = 'fetch';
  c.events = Array.from({ length: n }, (_, i) => {
    const text = `data: {"choices":[{"delta":{"content":"token ${i} ✓"}}]}\n\n`;
    return { seq: i, time: 1_712_000_000_000 + i * 0.125, dir: 'in' as const, text, base64: null, size: utf8(text), event: null, id: null };
  });
  c.summary.events = n;
  c.summary.bytesIn = c.events.reduce((a, e) => a + e.size, 0);
  return {
    sessions: [{ info: { id: 's0', tabId: 1, browserRun: 'r', url: 'https://app.example.test/', startedAt: 1_712_000_000_000, updatedAt: 1_712_000_000_000, correlationIds: [] }, snapshot: { connections: [c], signals: [], faults: [], testRuns: [] } }],
    environment: { browser: 'Chrome 126', extensionVersion: '0.1.0', pageUrl: 'https://app.example.test/' },
    exportedAt: '2024-04-01T12:00:00.000Z',
  };
}
