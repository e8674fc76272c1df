/**
 * HAR 1.2 export: one entry per connection, so a trace opens in Chrome's Network panel, HAR
 * viewers and proxies. HAR has no notion of a stream, so:
 * - a fetch/XHR body is the streamed chunks concatenated (`content.text`, or base64 with
 *   `encoding: 'base64'` when any chunk was binary); `_durableSessions.chunks` keeps each
 *   chunk's time and length so our own import restores the chunks exactly;
 * - WebSocket frames go in Chrome's `_webSocketMessages` (status 101, `_resourceType:
 *   'websocket'`);
 * - SSE messages, of an EventSource or of a fetch/XHR SSE body, go in `_eventSourceMessages`,
 *   in the shape of Chrome's own EventSourceMessage (`time` in seconds, `eventName`,
 *   `eventId`, `data`) — Chrome shows them in its EventStream tab but does not export them;
 * - what the inspector knows beyond HAR (connection id, kind, how it ended, faults) goes in
 *   `_durableSessions`, on each entry and on the log; the log's sessions carry their `view`
 *   (what the page showed), which the verdicts need as much as the streams.
 * Redaction is the trace export's: on by default.
 */
import { bodyChunks, sseFrames } from '../parse';
import { transportLabel, type ConnectionSummary } from '../trace/model';
import type { Header } from '../trace/records';
import { base64ToBytes, bytesToBase64, concatBytes } from './base64';
import type { Har, HarChunk, HarContent, HarDurableSession, HarEntry, HarEventSourceMessage, HarNameValue, HarPage, HarWebSocketMessage } from './har-types';
import { prepareTrace, type ExportOptions } from './trace-export';
import type { TraceConnectionV1, TraceEventV1, TraceFileV1 } from './trace-format';
import type { TraceInput } from './trace-model';
import { arrayField, openObject } from './trace-writer';
import type { RedactionReport } from './redact';

const iso = (ms: number): string => new Date(Number.isFinite(ms) ? ms : 0).toISOString();
const seconds = (ms: number): number => ms / 1000;
const nameValues = (hs: Header[]): HarNameValue[] => hs.map(([name, value]) => ({ name, value }));

function headerValue(hs: Header[], name: string): string | null {
  const h = hs.find(([n]) => n.toLowerCase() === name);
  return h ? h[1] : null;
}

export function queryStringOf(url: string): HarNameValue[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  if (query === '') return [];
  const dec = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return query.split('&').map((kv) => {
    const eq = kv.indexOf('=');
    return eq < 0 ? { name: dec(kv), value: '' } : { name: dec(kv.slice(0, eq)), value: dec(kv.slice(eq + 1)) };
  });
}

const isSse = (s: ConnectionSummary): boolean => (s.contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'text/event-stream';

/** A fetch/XHR body: the 'in' chunks joined, as text, or as base64 when any chunk is binary. */
function bodyContent(s: ConnectionSummary, events: TraceEventV1[]): { content: HarContent; chunks: HarChunk[] } {
  const ins = events.filter((e) => e.dir === 'in');
  const mimeType = s.contentType ?? 'x-unknown';
  if (ins.every((e) => e.base64 === null)) {
    const texts = ins.map((e) => e.text ?? '');
    const text = texts.join('');
    return {
      content: { size: ins.reduce((a, e) => a + e.size, 0), mimeType, text },
      chunks: ins.map((e, i) => ({ time: e.time, size: e.size, length: texts[i]!.length })),
    };
  }
  const enc = new TextEncoder();
  const parts = ins.map((e) => (e.base64 !== null ? (base64ToBytes(e.base64) ?? new Uint8Array()) : enc.encode(e.text ?? '')));
  const bytes = concatBytes(parts);
  return {
    content: { size: bytes.length, mimeType, text: bytesToBase64(bytes), encoding: 'base64' },
    chunks: ins.map((e, i) => ({ time: e.time, size: e.size, length: parts[i]!.length, ...(e.base64 !== null ? { binary: true } : {}) })),
  };
}

/** An EventSource's messages written back as the SSE text it received (for other HAR tools). */
function sseText(events: TraceEventV1[]): string {
  return events
    .filter((e) => e.dir === 'in')
    .map((e) => {
      const lines: string[] = [];
      if (e.event !== null && e.event !== 'message') lines.push(`event: ${e.event}`);
      if (e.id !== null && e.id !== '') lines.push(`id: ${e.id}`);
      for (const l of (e.text ?? '').split(/\r\n|\r|\n/)) lines.push(`data: ${l}`);
      return `${lines.join('\n')}\n\n`;
    })
    .join('');
}

function eventSourceMessages(c: TraceConnectionV1): HarEventSourceMessage[] | undefined {
  const s = c.summary;
  if (s.kind === 'eventsource') {
    return c.events
      .filter((e) => e.dir === 'in')
      .map((e) => ({ time: seconds(e.time), eventName: e.event ?? 'message', eventId: e.id ?? '', data: e.text ?? '' }));
  }
  if ((s.kind === 'fetch' || s.kind === 'xhr') && isSse(s)) {
    return sseFrames(bodyChunks(c.events))
      .filter((f) => f.kind === 'sse')
      .map((f) => ({ time: seconds(c.events[f.at.last]?.time ?? s.startedAt), eventName: f.event ?? 'message', eventId: f.id ?? '', data: f.data }));
  }
  return undefined;
}

function webSocketMessages(events: TraceEventV1[]): HarWebSocketMessage[] {
  return events.map((e) => ({
    type: e.dir === 'out' ? 'send' : 'receive',
    time: seconds(e.time),
    opcode: e.base64 !== null ? 2 : 1,
    data: e.base64 ?? e.text ?? '',
    ...(e.mark ? { _mark: e.mark } : {}),
  }));
}

export function harEntryOf(c: TraceConnectionV1, pageref: string): HarEntry {
  const s = c.summary;
  const firstIn = c.events.find((e) => e.dir === 'in')?.time;
  const last = s.endedAt ?? c.events.at(-1)?.time ?? s.startedAt;
  const wait = Math.max(0, (firstIn ?? last) - s.startedAt);
  const receive = firstIn === undefined ? 0 : Math.max(0, last - firstIn);
  const ws = s.kind === 'websocket';
  const opened = s.state !== 'connecting' || c.events.length > 0;
  let content: HarContent;
  let chunks: HarChunk[] | undefined;
  if (ws) content = { size: 0, mimeType: 'x-unknown' };
  else if (s.kind === 'eventsource') {
    const text = sseText(c.events);
    content = { size: new TextEncoder().encode(text).length, mimeType: s.contentType ?? 'text/event-stream', text };
  } else ({ content, chunks } = bodyContent(s, c.events));
  const reqType = headerValue(s.requestHeaders, 'content-type');
  const entry: HarEntry = {
    pageref,
    startedDateTime: iso(s.startedAt),
    time: wait + receive,
    request: {
      method: s.method,
      url: s.url,
      httpVersion: '',
      cookies: [],
      headers: nameValues(s.requestHeaders),
      queryString: queryStringOf(s.url),
      ...(s.requestBodyPreview !== null ? { postData: { mimeType: reqType ?? '', text: s.requestBodyPreview } } : {}),
      headersSize: -1,
      bodySize: s.requestBodySize ?? -1,
    },
    response: {
      status: s.status ?? (ws && opened ? 101 : 0),
      statusText: ws && opened && s.status === null ? 'Switching Protocols' : '',
      httpVersion: '',
      cookies: [],
      headers: nameValues(s.responseHeaders),
      content,
      redirectURL: headerValue(s.responseHeaders, 'location') ?? '',
      headersSize: -1,
      bodySize: ws ? 0 : s.bytesIn,
      ...(s.end === 'network-error' ? { _error: s.endDetail ?? 'network error' } : s.end === 'client-abort' ? { _error: 'net::ERR_ABORTED' } : {}),
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait, receive },
    _resourceType: s.kind,
  };
  if (ws) entry._webSocketMessages = webSocketMessages(c.events);
  const es = eventSourceMessages(c);
  if (es) entry._eventSourceMessages = es;
  entry._durableSessions = {
    connectionId: s.id,
    kind: s.kind,
    transport: transportLabel(s),
    startedAt: s.startedAt,
    status: s.status,
    state: s.state,
    end: s.end,
    endedAt: s.endedAt,
    endDetail: s.endDetail,
    endInjected: s.endInjected,
    reconnects: s.reconnects,
    streaming: s.streaming,
    detail: s.detail,
    faults: s.faults,
    reconnectMarks: s.reconnectMarks,
    joinedLate: s.joinedLate,
    ...(chunks ? { chunks } : {}),
  };
  return entry;
}

function browserOf(b: string): { name: string; version: string } {
  const m = b.match(/^(.*?)\s+v?(\d[\w.]*)$/);
  return m ? { name: m[1]!, version: m[2]! } : { name: b, version: '' };
}

/** A HAR of an already prepared (redacted) trace. */
export function harFromTrace(trace: TraceFileV1): Har {
  const pages: HarPage[] = trace.sessions.map((s) => ({ startedDateTime: iso(s.startedAt), id: s.id, title: s.url, pageTimings: { onContentLoad: -1, onLoad: -1 } }));
  // Capture order is open order, which is what HAR prefers (oldest first); not re-sorted so
  // that a round trip keeps each session's connection order.
  const entries = trace.sessions.flatMap((s) => s.connections.map((c) => harEntryOf(c, s.id)));
  return {
    log: {
      version: '1.2',
      creator: { name: 'Durable Sessions Inspector', version: trace.environment.extensionVersion },
      browser: browserOf(trace.environment.browser),
      pages,
      entries,
      comment: trace.redaction.applied ? `Redacted: ${trace.redaction.redactedCount} value(s).` : 'Not redacted.',
      _durableSessions: {
        exportedAt: trace.exportedAt,
        pageUrl: trace.environment.pageUrl,
        ...(trace.environment.userAgent !== undefined ? { userAgent: trace.environment.userAgent } : {}),
        redaction: trace.redaction,
        sessions: trace.sessions.map(({ connections: _c, ...meta }) => meta),
        faults: trace.faults,
        testRuns: trace.testRuns,
        flags: trace.flags,
        ...(trace.mocks ? { mocks: trace.mocks } : {}),
      },
    },
  };
}

export function exportHar(input: TraceInput, options: ExportOptions = {}): { har: Har; report: RedactionReport } {
  const { trace, report } = prepareTrace(input, options);
  return { har: harFromTrace(trace), report };
}

/** A session's meta, its view (megabytes of page text at most) one sample per piece. */
function* sessionPieces(s: HarDurableSession): Generator<string> {
  const { view, ...meta } = s;
  if (view === undefined) {
    yield JSON.stringify(meta);
    return;
  }
  yield openObject(meta);
  yield* arrayField('view', view);
  yield '}';
}

/** The HAR as pieces, one entry (or view sample) per piece, so a large HAR is never one string in memory. */
export function* harChunks(har: Har): Generator<string> {
  const { entries, _durableSessions: ds, ...rest } = har.log;
  yield `{"log":${openObject(rest)}`;
  if (ds !== undefined) {
    const { sessions, ...head } = ds;
    yield `\n"_durableSessions":${openObject(head)}"sessions":[`;
    for (let i = 0; i < sessions.length; i++) {
      yield i === 0 ? '\n' : ',\n';
      yield* sessionPieces(sessions[i]!);
    }
    yield ']},';
  }
  yield '\n';
  yield* arrayField('entries', entries);
  yield '}}\n';
}
