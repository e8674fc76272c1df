/**
 * The trace model as the background and the panel hold it: connections of one tab with their
 * events, folded from capture records by one pure function (`applyRecord`), so the background
 * and the panel (and later the trace importer) compute the same thing.
 */
import type { Mock } from '../mock/model';
import { before, contains, lower, matches, startsWith, trim } from '../builtins';
import type { CaptureRecord, ConnectionKind, ControlRecord, DataRecord, DeepOrigin, EndCause, FrameMark, Header, JoinedLate, PageSignal } from './records';
import type { FaultKind } from '../faults/spec';
import type { TestRunRecord } from './session';
import type { ViewSample } from '../view/sample';
import { connectionId, parseConnectionId } from './connection-id';

export const CONNECTION_STATES = ['connecting', 'open', 'reconnecting', 'ended'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

export interface ConnectionSummary {
  /** Unique within the tab: the hook's id, namespaced by the document it came from (`connectionId`). */
  id: string;
  kind: ConnectionKind;
  url: string;
  method: string;
  startedAt: number;
  status: number | null;
  contentType: string | null;
  /** Whether this connection is a stream (SSE, NDJSON, WebSocket, EventSource…). */
  streaming: boolean;
  state: ConnectionState;
  endedAt: number | null;
  end: EndCause | null;
  endDetail: string | null;
  events: number;
  bytesIn: number;
  bytesOut: number;
  reconnects: number;
  requestHeaders: Header[];
  responseHeaders: Header[];
  requestBodySize: number | null;
  requestBodyPreview: string | null;
  /** WebSocket subprotocols, EventSource withCredentials… as the hook described them. */
  detail: string | null;
  /** Faults injected into this connection, in firing order. */
  faults: FiredFault[];
  /** The connection ended because of an injected drop or truncation, not by itself. */
  endInjected: boolean;
  /** EventSource reconnections: when the browser lost the stream, after which event, and the
   *  Last-Event-ID it sends back. */
  reconnectMarks: ReconnectMark[];
  /** Opened before anything recorded and announced when recording began; null when captured from its open. */
  joinedLate: JoinedLate | null;
  /** Opened by a worker and read through the debugger (deep capture); absent for the hook's own. */
  deep?: DeepOrigin;
  /** What the panel's WebSocket control did here, in order; absent where it did nothing. */
  controls?: ControlNote[];
}

/** One WebSocket control step or breakpoint hit (a `ControlRecord` without its connection). */
export type ControlNote = Omit<ControlRecord, 'type' | 'conn'>;

export interface ReconnectMark {
  time: number;
  /** Number of events received before the reconnect (events[afterEvents] is the first after). */
  afterEvents: number;
  lastEventId: string | null;
  reopenedAt: number | null;
}

export interface FiredFault {
  id: string;
  kind: FaultKind;
  time: number;
  /** Null for page-wide faults (an offline window). */
  connectionId: string | null;
  detail: string | null;
}

export interface TraceEvent {
  /** Position of the event in its connection, from 0. */
  seq: number;
  time: number;
  dir: DataRecord['dir'];
  text: string | null;
  base64: string | null;
  size: number;
  event: string | null;
  id: string | null;
  /** Set when the inspector's WebSocket control sent, injected, blocked, dropped or edited it. */
  mark?: FrameMark;
}

export interface PageSignalEvent {
  time: number;
  signal: PageSignal;
  detail: string | null;
  docId: string;
}

/**
 * The tab-level lists beside a tab's connections, declared once for every form a capture takes:
 * the stored session (`SessionInfo`), the snapshot sent and stored (`TabSnapshot`) and the
 * capture being folded (`TabState`).
 */
export interface TabLists {
  signals: PageSignalEvent[];
  /** Every fault that fired in the tab, connection faults and page-wide ones alike. */
  faults: FiredFault[];
  testRuns: TestRunRecord[];
}

/** A tab's capture as it travels and is stored: plain arrays, so it survives structured cloning and JSON. */
export interface TabSnapshot extends TabLists {
  connections: ConnectionCapture[];
  /** What the page showed while recording (live captures; traces may lack it). */
  view?: ViewSample[];
  /** Mocks armed for the page load, kept with its session. */
  mocks?: Mock[];
}

/** A tab's capture as it is folded and shown: connections by id, so records find theirs. */
export interface TabState extends TabLists {
  capture: TabCapture;
  /** What the page showed (live captures; stored sessions and traces may lack it). */
  view: ViewSample[];
}

/** The pseudo connection id of page-level records. */
export const PAGE_CONN = 'page';

/** Prefix the relay gives connections whose records it cannot verify came from the hook. */
export const UNTRUSTED_PREFIX = 'untrusted~';

/** Whether a connection's records may have been forged by the page (see content/hook-identity). */
export function isUntrusted(c: Pick<ConnectionSummary, 'id'>): boolean {
  return parseConnectionId(c.id)?.conn.startsWith(UNTRUSTED_PREFIX) ?? false;
}

export interface ConnectionCapture {
  summary: ConnectionSummary;
  events: TraceEvent[];
}

export type TabCapture = Map<string, ConnectionCapture>;

const STREAMING_TYPES = ['text/event-stream', 'application/x-ndjson', 'application/jsonl', 'application/json-seq', 'application/stream+json', 'application/x-jsonlines'];

export function contentTypeOf(headers: Header[]): string | null {
  for (let i = 0; i < headers.length; i++) if (lower(headers[i]![0]) === 'content-type') return headers[i]![1];
  return null;
}

/**
 * Headers and URL shapes of AI streaming APIs whose content type says nothing of streaming. A
 * Durable Streams catch-up or long-poll read (`Stream-Next-Offset`) is a JSON answer, but one
 * piece of a stream: the analysis joins the reads into one. So is an Engine.IO polling answer
 * (`?EIO=4&transport=polling`, a sized text/plain body), one piece of its session.
 */
const AI_STREAM_HINTS = { headers: ['x-vercel-ai-data-stream', 'x-vercel-ai-ui-message-stream', 'stream-next-offset'], url: /:streamGenerateContent\b|\/stream(\b|$)|[?&]transport=polling(&|$)/ };

export type StreamDecision = 'stream' | 'maybe' | 'no';

/**
 * Whether a fetch/XHR response body is teed. SSE and JSON-lines types are streams. JSON and
 * plain text are streamed too (Gemini's JSON array, the Vercel data stream, home-grown token
 * streams), but so are ordinary API answers: those are teed as 'maybe' — only when the body has
 * no Content-Length (a chunked body) or an AI header/URL marks them — and count as streams once
 * they arrive in more than one chunk.
 */
export function streamDecision(headers: Header[], url: string): StreamDecision {
  // Decided in the page, by the hook: captured built-ins only (see core/builtins.ts).
  const ct = contentTypeOf(headers);
  if (isStreamingContentType(ct)) return 'stream';
  const has = (name: string) => {
    for (let i = 0; i < headers.length; i++) if (lower(headers[i]![0]) === name) return true;
    return false;
  };
  for (let i = 0; i < AI_STREAM_HINTS.headers.length; i++) if (has(AI_STREAM_HINTS.headers[i]!)) return 'stream';
  const base = mediaType(ct ?? '');
  if (base !== 'application/json' && base !== 'text/plain') return 'no';
  return matches(AI_STREAM_HINTS.url, url) || !has('content-length') ? 'maybe' : 'no';
}

/** `type/subtype` of a Content-Type value, lower-cased, without parameters. */
function mediaType(contentType: string): string {
  return lower(trim(before(contentType, ';')));
}

/** Whether a response with this content type is worth teeing as a stream. */
export function isStreamingContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const base = mediaType(contentType);
  return contains(STREAMING_TYPES, base) || envelopeBody(base) !== 'no';
}

/**
 * Connect streaming (`application/connect+<codec>`, connectrpc.com/docs/protocol) and gRPC-web
 * (`application/grpc-web[+<codec>]`, `application/grpc-web-text[+<codec>]`, grpc's
 * PROTOCOL-WEB.md) bodies are length-prefixed envelopes: 'bytes' when their flags and lengths
 * must be kept as bytes (a UTF-8 decoding would replace them), 'text' for grpc-web-text, whose
 * body is base64 already. Connect's unary `application/json` / `application/proto` are not streams.
 */
function envelopeBody(base: string): 'bytes' | 'text' | 'no' {
  if (startsWith(base, 'application/grpc-web-text')) return base === 'application/grpc-web-text' || startsWith(base, 'application/grpc-web-text+') ? 'text' : 'no';
  if (base === 'application/grpc-web' || startsWith(base, 'application/grpc-web+')) return 'bytes';
  return startsWith(base, 'application/connect+') ? 'bytes' : 'no';
}

/** Whether the hook records this response body as bytes rather than decoded text. */
export function isBinaryBody(contentType: string | null): boolean {
  return contentType !== null && envelopeBody(mediaType(contentType)) === 'bytes';
}

/** The label users see for the transport, e.g. "fetch-SSE" or "WebSocket". */
export function transportLabel(c: Pick<ConnectionSummary, 'kind' | 'contentType'>): string {
  switch (c.kind) {
    case 'websocket':
      return 'WebSocket';
    case 'eventsource':
      return 'EventSource';
    case 'xhr':
    case 'fetch': {
      const base = (c.contentType ?? '').split(';')[0]!.trim().toLowerCase();
      const prefix = c.kind === 'xhr' ? 'XHR' : 'fetch';
      if (base === 'text/event-stream') return `${prefix}-SSE`;
      if (base.includes('ndjson') || base.includes('jsonl') || base.includes('json-seq') || base.includes('stream+json')) return `${prefix}-NDJSON`;
      return prefix;
    }
  }
}

function newSummary(id: string, r: Extract<CaptureRecord, { type: 'open' }>): ConnectionSummary {
  return {
    id,
    kind: r.kind,
    url: r.url,
    method: r.method,
    startedAt: r.time,
    status: null,
    contentType: null,
    streaming: r.kind === 'websocket' || r.kind === 'eventsource',
    state: 'connecting',
    endedAt: null,
    end: null,
    endDetail: null,
    events: 0,
    bytesIn: 0,
    bytesOut: 0,
    reconnects: 0,
    requestHeaders: r.requestHeaders,
    responseHeaders: [],
    requestBodySize: r.requestBodySize,
    requestBodyPreview: r.requestBodyPreview,
    detail: r.detail,
    faults: [],
    endInjected: false,
    reconnectMarks: [],
    joinedLate: r.joinedLate ?? null,
    ...(r.deep ? { deep: { via: r.deep.via, workerType: r.deep.workerType, workerUrl: r.deep.workerUrl } } : {}),
  };
}

/**
 * Folds one record into the tab's capture. `docId` namespaces the hook's connection ids by the
 * document (relay port) they came from, so two frames, or a forging page, cannot collide with
 * another document's connections. Returns the summary that changed, or null when the record
 * was ignored (e.g. data for a connection that was never opened).
 */
export function applyRecord(tab: TabCapture, docId: string, r: CaptureRecord): ConnectionSummary | null {
  if (r.type === 'page' || (r.type === 'fault' && r.conn === PAGE_CONN)) return null;
  const id = connectionId(docId, r.conn);
  if (r.type === 'open') {
    if (tab.has(id)) return null;
    const summary = newSummary(id, r);
    tab.set(id, { summary, events: [] });
    return summary;
  }
  const c = tab.get(id);
  if (!c) return null;
  const s = c.summary;
  switch (r.type) {
    case 'response':
      s.status = r.status;
      s.responseHeaders = r.headers;
      s.contentType = contentTypeOf(r.headers);
      s.streaming = s.streaming || r.streaming;
      if (s.state === 'connecting') s.state = 'open';
      break;
    case 'state':
      if (s.state === 'ended') break;
      if (r.state === 'reconnecting') {
        if (s.state !== 'reconnecting') s.reconnectMarks.push({ time: r.time, afterEvents: c.events.length, lastEventId: r.lastEventId, reopenedAt: null });
        s.state = 'reconnecting';
      } else if (r.state === 'open') {
        if (s.state === 'reconnecting') {
          s.reconnects += 1;
          const mark = s.reconnectMarks.at(-1);
          if (mark) mark.reopenedAt = r.time;
        }
        s.state = 'open';
      }
      break;
    case 'data':
      c.events.push({ seq: c.events.length, time: r.time, dir: r.dir, text: r.text, base64: r.base64, size: r.size, event: r.event, id: r.id, ...(r.mark ? { mark: r.mark } : {}) });
      s.events = c.events.length;
      // A JSON or text body that was teed as a maybe-stream proves it by its second chunk.
      if (!s.streaming && s.events >= 2) s.streaming = true;
      if (r.dir === 'in') s.bytesIn += r.size;
      else s.bytesOut += r.size;
      if (s.state === 'connecting') s.state = 'open';
      break;
    case 'control':
      (s.controls ??= []).push({ time: r.time, action: r.action, dir: r.dir, holdId: r.holdId, detail: r.detail, error: r.error });
      break;
    case 'fault':
      s.faults.push({ id: r.faultId, kind: r.fault, time: r.time, connectionId: id, detail: r.detail });
      break;
    case 'end':
      if (s.state === 'ended') return null;
      s.endInjected = s.faults.some((f) => f.kind === 'drop' || f.kind === 'truncate' || f.kind === 'offline');
      s.state = 'ended';
      s.end = r.cause;
      s.endedAt = r.time;
      s.endDetail = r.error ?? (r.code !== null ? `${r.code}${r.reason ? ` ${r.reason}` : ''}` : null);
      break;
  }
  return s;
}

/** What folding a batch changed; the background stores and forwards it, the panel needs none of it. */
export interface FoldResult {
  /** The records that changed the tab, in order (page signals and fired faults always do). */
  accepted: CaptureRecord[];
  /** The summaries that changed, each once. */
  changed: Map<string, ConnectionSummary>;
  /** How many connections the batch opened. */
  opened: number;
  /** The events the batch appended, with their connection. */
  events: { connId: string; event: TraceEvent }[];
}

/**
 * Folds a batch of one document's records into a tab, the one fold the background (which
 * stores the result) and the panel (which shows it) both use: page signals and fired faults go
 * to the tab-level lists, everything else (connection faults too) into the connections.
 * `onApplied` sees each record that changed a connection, with that connection as it is just
 * after the record (the background reads correlation ids from opens and responses there).
 */
export function foldRecords(
  tab: Pick<TabState, 'capture' | 'signals' | 'faults'>,
  docId: string,
  records: readonly CaptureRecord[],
  onApplied?: (r: CaptureRecord, summary: ConnectionSummary) => void,
): FoldResult {
  const out: FoldResult = { accepted: [], changed: new Map(), opened: 0, events: [] };
  for (const r of records) {
    const signal = pageSignalOf(docId, r);
    if (signal) {
      tab.signals.push(signal);
      out.accepted.push(r);
      continue;
    }
    const fault = firedFaultOf(docId, r);
    if (fault) {
      tab.faults.push(fault);
      out.accepted.push(r);
      if (fault.connectionId === null) continue;
    }
    const summary = applyRecord(tab.capture, docId, r);
    if (!summary) continue;
    if (!fault) out.accepted.push(r);
    out.changed.set(summary.id, summary);
    // applyRecord ignores an open of a connection it already has, so an applied open is a new one.
    if (r.type === 'open') out.opened += 1;
    if (r.type === 'data') out.events.push({ connId: summary.id, event: tab.capture.get(summary.id)!.events.at(-1)! });
    onApplied?.(r, summary);
  }
  return out;
}

export function emptyTabState(): TabState {
  return { capture: new Map(), signals: [], faults: [], testRuns: [], view: [] };
}

/** A snapshot as a state to fold into; the lists are copies, the connections are shared. */
export function tabStateOf(snapshot: TabSnapshot): TabState {
  return { capture: tabFromSnapshot(snapshot), signals: [...(snapshot.signals ?? [])], faults: [...(snapshot.faults ?? [])], testRuns: [...(snapshot.testRuns ?? [])], view: [...(snapshot.view ?? [])] };
}

export function tabFromSnapshot(snapshot: TabSnapshot): TabCapture {
  return new Map(snapshot.connections.map((c) => [c.summary.id, c]));
}

export function snapshotOf(tab: TabCapture, signals: PageSignalEvent[] = [], faults: FiredFault[] = [], testRuns: TestRunRecord[] = []): TabSnapshot {
  return { connections: [...tab.values()], signals, faults, testRuns };
}

/** A fault record as the tab-level list keeps it, or null for other records. */
export function firedFaultOf(docId: string, r: CaptureRecord): FiredFault | null {
  if (r.type !== 'fault') return null;
  return { id: r.faultId, kind: r.fault, time: r.time, connectionId: r.conn === PAGE_CONN ? null : connectionId(docId, r.conn), detail: r.detail };
}

/** Page records fold into the tab's signal list; other records are not signals (null). */
export function pageSignalOf(docId: string, r: CaptureRecord): PageSignalEvent | null {
  return r.type === 'page' ? { time: r.time, signal: r.signal, detail: r.detail, docId } : null;
}
