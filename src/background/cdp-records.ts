/**
 * Deep capture's translator: the CDP Network events of one worker target, turned into the same
 * capture records the page hook emits (src/core/trace/records.ts), so a worker's streams fold
 * into the same session model, recognizers, views and exports. Browser-free: the unit tests
 * replay event sequences recorded from a real Chromium (test/fixtures/cdp/).
 *
 * Wire facts it relies on (Chrome DevTools Protocol, Network domain,
 * https://chromedevtools.github.io/devtools-protocol/tot/Network/):
 * - `timestamp` is a monotonic clock in seconds; only `requestWillBeSent` and
 *   `webSocketWillSendHandshakeRequest` also carry `wallTime` (epoch seconds), from which the
 *   offset between the two clocks is learned.
 * - `dataReceived` carries the bytes (`data`, base64) only after `Network.streamResourceContent`
 *   was called for the request; that call answers with the bytes received until then
 *   (`bufferedData`), which `buffered` takes.
 * - An EventSource's messages come parsed, in `eventSourceMessageReceived`.
 * - WebSocket frames: opcode 1 is text (`payloadData` as is), 2 is binary (`payloadData` base64).
 *   `webSocketClosed` says neither who closed nor the code.
 */
import { contentTypeOf, isStreamingContentType, streamDecision } from '../core/trace/model';
import type { CaptureRecord, ConnectionKind, DeepOrigin, Header, WorkerType } from '../core/trace/records';

/** A CDP event's or command's params, as they come off the wire (checked field by field). */
export type CdpParams = Record<string, unknown>;

/** The connection kind of a request by CDP's `ResourceType`; null for what the hook does not capture (scripts, images…). */
export function connectionKindOf(type: unknown): ConnectionKind | null {
  return type === 'Fetch' ? 'fetch' : type === 'XHR' ? 'xhr' : type === 'EventSource' ? 'eventsource' : null;
}

/** CDP's `Headers` object as the records' header list. */
export function headersOf(h: CdpParams | undefined): Header[] {
  const out: Header[] = [];
  if (!h || typeof h !== 'object') return out;
  for (const [name, value] of Object.entries(h)) if (typeof value === 'string') out.push([name, value]);
  return out;
}

export interface WorkerTarget {
  type: WorkerType;
  url: string;
}

export interface Translated {
  records: CaptureRecord[];
  /** A fetch/XHR whose body should be streamed: call `Network.streamResourceContent` for it. */
  streamRequestId: string | null;
}

export interface CdpTranslator {
  /** One Network event of the worker's session. Events of other domains are ignored. */
  event(method: string, params: CdpParams): Translated;
  /**
   * The answer of `Network.streamResourceContent`: the body bytes received before streaming
   * began ('' when the call failed). Until it comes, that body's later events are held: they
   * are what came after those bytes, and an end must not close the body before them.
   */
  buffered(requestId: string, bufferedData: string): CaptureRecord[];
  /** Connections opened and not ended (the background ends them when the worker goes). */
  openConnections(): number;
  /** Ends every open connection: the worker went away, and its connections with it. */
  endAll(why: string): CaptureRecord[];
}

interface Tracked {
  conn: string;
  kind: ConnectionKind;
  url: string;
  /** Text bodies are decoded as a stream (a UTF-8 character may straddle two chunks). */
  decoder: TextDecoder | null;
  ended: boolean;
  /**
   * Body events that came while `Network.streamResourceContent` was unanswered, in order; null
   * when none is awaited. On a busy machine the answer can come after the body has ended.
   */
  held: Array<[string, CdpParams]> | null;
}

/** The events of a streamed body that follow the bytes `Network.streamResourceContent` answers with. */
const BODY_EVENTS = new Set(['Network.dataReceived', 'Network.loadingFinished', 'Network.loadingFailed']);

const NONE: Translated = { records: [], streamRequestId: null };

function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const encoder = new TextEncoder();
const utf8Length = (s: string) => encoder.encode(s).length;

/** Whether a fetch/XHR body of this content type is shown as text (the hook's choice too). */
function isTextual(contentType: string | null): boolean {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return base.startsWith('text/') || base.includes('json') || base.includes('xml') || base.includes('javascript') || isStreamingContentType(contentType);
}

export function createCdpTranslator(worker: WorkerTarget, deps: { now(): number }): CdpTranslator {
  const deep: DeepOrigin = { via: 'deep-capture', workerType: worker.type, workerUrl: worker.url };
  const tracked = new Map<string, Tracked>();
  let nextConn = 1;
  /** Epoch ms minus monotonic ms, once a wallTime told it. */
  let clockOffset: number | null = null;

  const learnClock = (p: CdpParams) => {
    if (typeof p.wallTime === 'number' && typeof p.timestamp === 'number') clockOffset = p.wallTime * 1000 - p.timestamp * 1000;
  };
  const timeOf = (p: CdpParams): number => (clockOffset !== null && typeof p.timestamp === 'number' ? p.timestamp * 1000 + clockOffset : deps.now());

  const open = (requestId: string, kind: ConnectionKind, url: string, method: string, p: CdpParams, headers: CdpParams | undefined, postData: string | null): CaptureRecord => {
    const t: Tracked = { conn: `d${nextConn++}`, kind, url, decoder: null, ended: false, held: null };
    tracked.set(requestId, t);
    return {
      type: 'open', conn: t.conn, time: timeOf(p), kind, url, method,
      requestHeaders: headersOf(headers),
      requestBodySize: postData === null ? null : utf8Length(postData),
      requestBodyPreview: postData === null ? null : postData.slice(0, 64 * 1024),
      detail: null,
      deep,
    };
  };

  const live = (p: CdpParams): Tracked | null => {
    const t = typeof p.requestId === 'string' ? tracked.get(p.requestId) : undefined;
    return t && !t.ended ? t : null;
  };

  const end = (t: Tracked, time: number, cause: 'clean' | 'network-error' | 'client-abort', error: string | null): CaptureRecord => {
    t.ended = true;
    return { type: 'end', conn: t.conn, time, cause, error, code: null, reason: null };
  };

  const bodyChunk = (t: Tracked, time: number, b64: string): CaptureRecord | null => {
    const bytes = base64Bytes(b64);
    if (bytes.length === 0) return null;
    const text = t.decoder ? t.decoder.decode(bytes, { stream: true }) : null;
    return { type: 'data', conn: t.conn, time, dir: 'in', text, base64: text === null ? b64 : null, size: bytes.length, event: null, id: null };
  };

  const translator: CdpTranslator = {
    event(method, p) {
      const waiting = BODY_EVENTS.has(method) ? live(p) : null;
      if (waiting?.held) {
        waiting.held.push([method, p]);
        return NONE;
      }
      switch (method) {
        case 'Network.requestWillBeSent': {
          learnClock(p);
          const kind = connectionKindOf(p.type);
          const request = p.request as CdpParams | undefined;
          const requestId = p.requestId;
          // A redirect repeats the request id: the connection is the one already open.
          if (!kind || !request || typeof requestId !== 'string' || tracked.has(requestId) || typeof request.url !== 'string') return NONE;
          const postData = typeof request.postData === 'string' ? request.postData : null;
          return { records: [open(requestId, kind, request.url, typeof request.method === 'string' ? request.method : 'GET', p, request.headers as CdpParams | undefined, postData)], streamRequestId: null };
        }
        case 'Network.responseReceived': {
          const t = live(p);
          const response = p.response as CdpParams | undefined;
          if (!t || !response) return NONE;
          const headers = headersOf(response.headers as CdpParams | undefined);
          const status = typeof response.status === 'number' ? response.status : 0;
          const statusText = typeof response.statusText === 'string' ? response.statusText : '';
          const time = timeOf(p);
          if (t.kind === 'eventsource') {
            return { records: [
              { type: 'response', conn: t.conn, time, status, statusText, headers, streaming: true },
              { type: 'state', conn: t.conn, time, state: 'open', readyState: 1, lastEventId: null },
            ], streamRequestId: null };
          }
          // The hook's rule for which bodies it tees; the rest are counted, not read.
          const decision = streamDecision(headers, t.url);
          const read = decision !== 'no';
          if (read && isTextual(contentTypeOf(headers))) t.decoder = new TextDecoder();
          if (read) t.held = [];
          return { records: [{ type: 'response', conn: t.conn, time, status, statusText, headers, streaming: decision === 'stream' }], streamRequestId: read ? (p.requestId as string) : null };
        }
        case 'Network.dataReceived': {
          const t = live(p);
          // Without `data` the bytes were not streamed (yet): `buffered` brings the ones before.
          if (!t || t.kind === 'eventsource' || typeof p.data !== 'string') return NONE;
          const r = bodyChunk(t, timeOf(p), p.data);
          return { records: r ? [r] : [], streamRequestId: null };
        }
        case 'Network.eventSourceMessageReceived': {
          const t = live(p);
          if (!t || typeof p.data !== 'string') return NONE;
          return { records: [{
            type: 'data', conn: t.conn, time: timeOf(p), dir: 'in', text: p.data, base64: null, size: utf8Length(p.data),
            event: typeof p.eventName === 'string' ? p.eventName : 'message',
            id: typeof p.eventId === 'string' && p.eventId !== '' ? p.eventId : null,
          }], streamRequestId: null };
        }
        case 'Network.loadingFinished': {
          const t = live(p);
          if (!t) return NONE;
          const tail = t.decoder?.decode();
          const records: CaptureRecord[] = [];
          if (tail) records.push({ type: 'data', conn: t.conn, time: timeOf(p), dir: 'in', text: tail, base64: null, size: 0, event: null, id: null });
          records.push(end(t, timeOf(p), 'clean', null));
          return { records, streamRequestId: null };
        }
        case 'Network.loadingFailed': {
          const t = live(p);
          if (!t) return NONE;
          const error = typeof p.errorText === 'string' ? p.errorText : 'failed';
          // `canceled`: the request was cancelled in the browser, which is how Chromium reports
          // the app's abort (and, for a worker's fetch read to its end, its end too).
          return { records: [end(t, timeOf(p), p.canceled === true ? 'client-abort' : 'network-error', error)], streamRequestId: null };
        }
        case 'Network.webSocketCreated': {
          if (typeof p.requestId !== 'string' || typeof p.url !== 'string' || tracked.has(p.requestId)) return NONE;
          return { records: [open(p.requestId, 'websocket', p.url, 'GET', p, undefined, null)], streamRequestId: null };
        }
        case 'Network.webSocketWillSendHandshakeRequest':
          learnClock(p);
          return NONE;
        case 'Network.webSocketHandshakeResponseReceived': {
          const t = live(p);
          const response = p.response as CdpParams | undefined;
          if (!t || !response) return NONE;
          return { records: [{
            type: 'response', conn: t.conn, time: timeOf(p),
            status: typeof response.status === 'number' ? response.status : 101,
            statusText: typeof response.statusText === 'string' ? response.statusText : '',
            headers: headersOf(response.headers as CdpParams | undefined), streaming: true,
          }], streamRequestId: null };
        }
        case 'Network.webSocketFrameSent':
        case 'Network.webSocketFrameReceived': {
          const t = live(p);
          const frame = p.response as CdpParams | undefined;
          if (!t || !frame || typeof frame.payloadData !== 'string') return NONE;
          const dir = method === 'Network.webSocketFrameSent' ? 'out' : 'in';
          const time = timeOf(p);
          if (frame.opcode === 1) return { records: [{ type: 'data', conn: t.conn, time, dir, text: frame.payloadData, base64: null, size: utf8Length(frame.payloadData), event: null, id: null }], streamRequestId: null };
          if (frame.opcode === 2) return { records: [{ type: 'data', conn: t.conn, time, dir, text: null, base64: frame.payloadData, size: base64Bytes(frame.payloadData).length, event: null, id: null }], streamRequestId: null };
          // Control frames (ping, pong, close) are not messages the app sees.
          return NONE;
        }
        case 'Network.webSocketFrameError': {
          const t = live(p);
          if (!t) return NONE;
          return { records: [end(t, timeOf(p), 'network-error', typeof p.errorMessage === 'string' ? p.errorMessage : 'frame error')], streamRequestId: null };
        }
        case 'Network.webSocketClosed': {
          const t = live(p);
          if (!t) return NONE;
          return { records: [end(t, timeOf(p), 'clean', null)], streamRequestId: null };
        }
        default:
          return NONE;
      }
    },

    buffered(requestId, bufferedData) {
      const t = tracked.get(requestId);
      if (!t || t.ended) return [];
      const held = t.held ?? [];
      t.held = null;
      const r = bufferedData === '' ? null : bodyChunk(t, deps.now(), bufferedData);
      const out = r ? [r] : [];
      for (const [method, p] of held) out.push(...translator.event(method, p).records);
      return out;
    },

    openConnections() {
      let n = 0;
      for (const t of tracked.values()) if (!t.ended) n++;
      return n;
    },

    endAll(why) {
      const out: CaptureRecord[] = [];
      for (const t of tracked.values()) if (!t.ended) out.push(end(t, deps.now(), 'client-abort', why));
      return out;
    },
  };
  return translator;
}
