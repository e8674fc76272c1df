/**
 * Capture records: what the page hook observes, one record per lifecycle step or chunk.
 * The hook does the least work that keeps timestamps honest (architecture.md): it stamps and
 * posts raw observations; parsing and analysis happen outside the page.
 *
 * Everything here is browser-free and is also the validation of untrusted input: the hook runs
 * in the page's world, where a page can shape the values it records, so `sanitizeRecord`
 * rebuilds each record from known fields only (no prototype keys, no extra properties, bounded
 * strings).
 */

import { FAULT_KINDS, type FaultKind } from '../faults/spec';

/*
 * Each enumeration is one list, its type derived from it, so the record guards below, the
 * trace validator and the trace schema (checked against these lists by a unit test) cannot
 * disagree about which values exist.
 */
export const CONNECTION_KINDS = ['fetch', 'eventsource', 'websocket', 'xhr'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];
export const DIRECTIONS = ['in', 'out'] as const;
export type Direction = (typeof DIRECTIONS)[number];
/** Who or what ended a connection. */
export const END_CAUSES = [
  'clean', // the server ended the stream normally / WebSocket closed cleanly
  'network-error', // the transport failed (reset, DNS, offline…)
  'client-abort', // the app aborted it (AbortSignal, reader.cancel, ws.close(), es.close())
  'server-close', // WebSocket closed by the peer with a close frame
] as const;
export type EndCause = (typeof END_CAUSES)[number];

export type Header = [name: string, value: string];

export interface OpenRecord {
  type: 'open';
  conn: string;
  time: number;
  kind: ConnectionKind;
  url: string;
  method: string;
  requestHeaders: Header[];
  /** Size in bytes of the request body when it could be measured without consuming it. */
  requestBodySize: number | null;
  requestBodyPreview: string | null;
  /** WebSocket subprotocols asked for, EventSource withCredentials, etc. */
  detail: string | null;
  /**
   * Set when the connection opened while nothing recorded and was announced when recording
   * began (its `time` is still when it opened): what the hook could not keep of it until then.
   */
  joinedLate?: JoinedLate | null;
  /**
   * Set only by the background's deep capture (the debugger reading a worker's Network events),
   * never by the hook: `sanitizeRecord` drops it, so a page cannot claim a connection came
   * from a worker.
   */
  deep?: DeepOrigin | null;
}

/** The kinds of worker deep capture reads, as CDP's `TargetInfo.type` names them. */
export const WORKER_TYPES = ['worker', 'shared_worker', 'service_worker'] as const;
export type WorkerType = (typeof WORKER_TYPES)[number];

/** Where a deep-captured connection came from: the worker that opened it. */
export interface DeepOrigin {
  via: 'deep-capture';
  workerType: WorkerType;
  workerUrl: string;
}

/** What a connection that joined the capture late lost before it joined. */
export interface JoinedLate {
  /** Frames or chunks received or sent before recording began that did not fit the hook's buffer. */
  missedFrames: number;
  /** Their payload bytes. */
  missedBytes: number;
  /**
   * Set when the hook stopped listening to the connection while nothing recorded (after its
   * first `LATE_FRAMES_PER_CONNECTION` frames, see hook/late-join.ts), so frames between then
   * and the join were neither kept nor counted: the missed counts are a lower bound.
   */
  uncounted?: true;
}

export interface ResponseRecord {
  type: 'response';
  conn: string;
  time: number;
  status: number;
  statusText: string;
  headers: Header[];
  /** Whether the hook tees this response's body (a streaming content type). */
  streaming: boolean;
}

/**
 * How the inspector's WebSocket control touched a frame (absent for a frame nobody touched):
 * `sent` went to the server from the panel, not the app; `injected` reached the app from the
 * panel, not the server; `blocked` the app sent and the server never got; `dropped` the
 * server sent and the app never got; `edited` an edited copy of a breakpoint's message.
 */
export const FRAME_MARKS = ['sent', 'injected', 'blocked', 'dropped', 'edited'] as const;
export type FrameMark = (typeof FRAME_MARKS)[number];

export interface DataRecord {
  type: 'data';
  conn: string;
  time: number;
  dir: Direction;
  /** Text payload (decoded UTF-8 chunk, WebSocket text frame, EventSource message data). */
  text: string | null;
  /** Binary payload as base64 when it is not text. */
  base64: string | null;
  /** Size of the original payload in bytes. */
  size: number;
  /** EventSource: the event type and lastEventId as the browser dispatched them. */
  event: string | null;
  id: string | null;
  mark?: FrameMark;
}

/** Lifecycle steps a state record reports. */
export const STATE_CHANGES = ['open', 'reconnecting', 'closing'] as const;

export interface StateRecord {
  type: 'state';
  conn: string;
  time: number;
  /** open / reconnecting (EventSource) / closing; with the readyState the app saw. */
  state: (typeof STATE_CHANGES)[number];
  readyState: number | null;
  /** For an EventSource reconnect: the Last-Event-ID the browser will send. */
  lastEventId: string | null;
}

export interface EndRecord {
  type: 'end';
  conn: string;
  time: number;
  cause: EndCause;
  /** Error name and message as the app saw them, close code and reason for WebSocket. */
  error: string | null;
  code: number | null;
  reason: string | null;
}

/**
 * Page-level signals the diagnosis needs: connectivity, visibility, unload, workers, frames the
 * hook could not reach in time, and the
 * extension's own 'capture-paused' (the hook stopped recording) and 'capture-lost' (the
 * background noticed relay batches that never arrived).
 */
export const PAGE_SIGNALS = ['online', 'offline', 'visible', 'hidden', 'pagehide', 'pageshow', 'worker', 'frame', 'capture-paused', 'capture-lost'] as const;
export type PageSignal = (typeof PAGE_SIGNALS)[number];
/** Only the background says that capture was lost, never the page: a record claiming it is refused. */
const SIGNALS_FROM_PAGE: readonly PageSignal[] = PAGE_SIGNALS.filter((s) => s !== 'capture-lost');

export interface PageRecord {
  type: 'page';
  /** Always 'page': page records belong to the document, not to a connection. */
  conn: string;
  time: number;
  signal: PageSignal;
  /**
   * For 'worker': the kind and URL of a worker whose own streams are not captured; for 'frame':
   * what a frame did before the hook could reach it (a request's kind and URL).
   */
  detail: string | null;
}

/** An injected fault fired: on a connection, or on the page ('page') for an offline window. */
export interface FaultRecord {
  type: 'fault';
  conn: string;
  time: number;
  faultId: string;
  fault: FaultKind;
  /** What happened, for people: "dropped after 12 events", "offline for 5 s"… */
  detail: string | null;
}

/** What the panel's WebSocket control did to a connection, or a breakpoint that held a message. */
export const CONTROL_ACTIONS = ['send', 'inject', 'close', 'error', 'block', 'resume', 'breakpoint', 'clear-breakpoint', 'continue', 'edit', 'drop', 'breakpoint-hit'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

export interface ControlRecord {
  type: 'control';
  conn: string;
  time: number;
  action: ControlAction;
  /** The direction it acted on (a block, a breakpoint, a held message), when it has one. */
  dir: Direction | null;
  /** A breakpoint's held message (Continue / Edit / Drop name it), or null. */
  holdId: string | null;
  /** What happened, for people: the held message's text, "closed 4001 bye"… */
  detail: string | null;
  /** Why it could not be done (the socket was closed, the hold was already released…), or null. */
  error: string | null;
}

export type CaptureRecord = OpenRecord | ResponseRecord | DataRecord | StateRecord | EndRecord | PageRecord | FaultRecord | ControlRecord;

export interface SanitizeLimits {
  stringBytes: number;
  urlLength: number;
  headers: number;
}

function str(x: unknown, max: number): string | null {
  if (typeof x !== 'string') return null;
  return x.length > max ? x.slice(0, max) : x;
}

function num(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

function headers(x: unknown, limits: SanitizeLimits): Header[] {
  if (!Array.isArray(x)) return [];
  const out: Header[] = [];
  for (const h of x.slice(0, limits.headers)) {
    if (Array.isArray(h) && typeof h[0] === 'string' && typeof h[1] === 'string') {
      out.push([h[0].slice(0, 256), h[1].slice(0, 8192)]);
    }
  }
  return out;
}

function count(x: unknown): number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : 0;
}

function joinedLate(x: unknown): JoinedLate | null {
  if (typeof x !== 'object' || x === null) return null;
  const j = x as Record<string, unknown>;
  return { missedFrames: count(j.missedFrames), missedBytes: count(j.missedBytes), ...(j.uncounted === true ? { uncounted: true as const } : {}) };
}

function oneOf<T extends string>(x: unknown, allowed: readonly T[]): T | null {
  return typeof x === 'string' && (allowed as readonly string[]).includes(x) ? (x as T) : null;
}

/**
 * Rebuilds a record from an untrusted value, or returns null when it is not a record we know.
 * Strings are cut to the limits rather than rejected, so an oversized frame is still visible.
 */
export function sanitizeRecord(x: unknown, limits: SanitizeLimits): CaptureRecord | null {
  if (typeof x !== 'object' || x === null) return null;
  const r = x as Record<string, unknown>;
  const conn = str(r.conn, 128);
  const time = num(r.time);
  if (!conn || time === null) return null;
  switch (r.type) {
    case 'open': {
      const kind = oneOf(r.kind, CONNECTION_KINDS);
      const url = str(r.url, limits.urlLength);
      if (!kind || url === null) return null;
      return {
        type: 'open', conn, time, kind, url,
        method: str(r.method, 32) ?? 'GET',
        requestHeaders: headers(r.requestHeaders, limits),
        requestBodySize: num(r.requestBodySize),
        requestBodyPreview: str(r.requestBodyPreview, 64 * 1024),
        detail: str(r.detail, 1024),
        ...(r.joinedLate === undefined ? {} : { joinedLate: joinedLate(r.joinedLate) }),
      };
    }
    case 'response': {
      const status = num(r.status);
      if (status === null) return null;
      return {
        type: 'response', conn, time, status,
        statusText: str(r.statusText, 256) ?? '',
        headers: headers(r.headers, limits),
        streaming: r.streaming === true,
      };
    }
    case 'data': {
      const dir = oneOf(r.dir, DIRECTIONS);
      if (!dir) return null;
      return {
        type: 'data', conn, time, dir,
        text: str(r.text, limits.stringBytes),
        base64: str(r.base64, limits.stringBytes),
        size: num(r.size) ?? 0,
        event: str(r.event, 256),
        id: str(r.id, 1024),
        ...(r.mark === undefined ? {} : markOf(r.mark)),
      };
    }
    case 'state': {
      const state = oneOf(r.state, STATE_CHANGES);
      if (!state) return null;
      return { type: 'state', conn, time, state, readyState: num(r.readyState), lastEventId: str(r.lastEventId, 1024) };
    }
    case 'end': {
      const cause = oneOf(r.cause, END_CAUSES);
      if (!cause) return null;
      return { type: 'end', conn, time, cause, error: str(r.error, 1024), code: num(r.code), reason: str(r.reason, 1024) };
    }
    case 'page': {
      const signal = oneOf(r.signal, SIGNALS_FROM_PAGE);
      if (!signal) return null;
      return { type: 'page', conn, time, signal, detail: str(r.detail, 2048) };
    }
    case 'fault': {
      const fault = oneOf(r.fault, FAULT_KINDS);
      const faultId = str(r.faultId, 100);
      if (!fault || !faultId) return null;
      return { type: 'fault', conn, time, faultId, fault, detail: str(r.detail, 1024) };
    }
    case 'control': {
      const action = oneOf(r.action, CONTROL_ACTIONS);
      if (!action) return null;
      return { type: 'control', conn, time, action, dir: oneOf(r.dir, DIRECTIONS), holdId: str(r.holdId, 64), detail: str(r.detail, 2048), error: str(r.error, 1024) };
    }
    default:
      return null;
  }
}

function markOf(x: unknown): { mark?: FrameMark } {
  const mark = oneOf(x, FRAME_MARKS);
  return mark ? { mark } : {};
}
