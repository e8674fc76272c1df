/**
 * Per-connection derived data (frames, recognition, reassembled output), computed on demand and
 * memoized on the connection object and its event count: events are only ever appended, so an
 * unchanged count means an unchanged result. A 100,000-event socket is framed once, not per render.
 *
 * Answers are read with what the page showed (`analyzeWithView`), so a field no recognizer
 * reads (MCP progress, Socket.IO args, an app's own JSON) still yields the answer; or with the
 * field the user picked.
 */
import { analyzeConnection, analyzeWithView, engineIoPoll, joinEnginePolls, joinLongPolls, readWithField, type AnalyzedConnection } from '../src/core/analysis';
import { framesOf, type Frame } from '../src/core/parse/frames';
import { durableStreamRead, recognize, type Recognition } from '../src/core/protocols';
import type { Output } from '../src/core/reassembly';
import type { ConnectionCapture } from '../src/core/trace/model';
import { candidateFields, pickedField, type AnswerField, type FieldCandidate } from '../src/core/view/answer-field';
import type { ViewSample } from '../src/core/view/sample';
import { chunkRows, extendChunkRows, messageRows, type EventRow, type ProtocolInfo } from './logic/rows';

/** Enough of a stream to tell its protocol; the column does not re-recognize a long stream per batch. */
const PROTOCOL_HEAD = 64;

interface Memo<T> {
  key: string;
  value: T;
}

function memo<T>(cache: WeakMap<ConnectionCapture, Memo<T>>, conn: ConnectionCapture, key: string, compute: () => T): T {
  const hit = cache.get(conn);
  if (hit && hit.key === key) return hit.value;
  const value = compute();
  cache.set(conn, { key, value });
  return value;
}

/** The page's samples the analysis uses, and a number that changes when they do. */
export interface ViewSource {
  samples(): readonly ViewSample[];
  /** Bumped (deferred while the page renders) when `samples` changed; reading it subscribes. */
  version(): number;
}

const NO_VIEW: ViewSource = { samples: () => [], version: () => 0 };

/** The field a reading took the answer from, when it was not the recognizer's own. */
export function answerFieldOf(rec: Recognition): AnswerField | null {
  return 'answerField' in rec ? (rec as Recognition & { answerField: AnswerField }).answerField : null;
}

/**
 * Requests the core joined into one logical stream, as one row of the connection list: a chain
 * of Durable Streams long-poll reads (long-poll.ts) or the polling requests of one Engine.IO
 * session (engineio-poll.ts). Its capture has an id of its own, `long-poll:<first request>` or
 * `engine.io:<first request>`, which stays the same while the stream grows (the core's merged
 * long-poll stream takes its last request's id).
 */
export interface JoinedStream {
  id: string;
  /** What the list and the detail call it, with its number of requests. */
  label: string;
  /** How its requests make one stream, for the detail's list of them. */
  how: string;
  conn: ConnectionCapture;
  /** The requests, in order (a polling session's in the order their payloads crossed the wire), each as it was captured. */
  parts: ConnectionCapture[];
  /** For each request, the index of its first event in `conn.events`. */
  eventBase: number[];
}

export interface Joined {
  streams: JoinedStream[];
  /** The stream each joined request belongs to, by the request's id. */
  byPart: Map<string, JoinedStream>;
  byId: Map<string, JoinedStream>;
}

const JOINED_PREFIX = 'long-poll:';
const ENGINE_PREFIX = 'engine.io:';
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** What the list and the detail call a joined long-poll stream. */
export const joinedLabel = (requests: number): string => `long-poll · ${plural(requests, 'request')}`;
/** What the list and the detail call a joined Engine.IO polling session. */
export const enginePollLabel = (requests: number): string => `Engine.IO polling · ${plural(requests, 'request')}`;

/** A URL's origin and path: what the requests of a joined stream share. */
export function streamPathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}

/** `pick`: a field key from `candidates`, or null for the automatic reading. */
export interface Analysis {
  /** The long-poll chains among a tab's connections (memoized per capture and its version). */
  joined(capture: { values(): Iterable<ConnectionCapture> }, version: number): Joined;
  frames(conn: ConnectionCapture): Frame[];
  analyzed(conn: ConnectionCapture, pick?: string | null): AnalyzedConnection;
  recognition(conn: ConnectionCapture, pick?: string | null): Recognition;
  protocol(conn: ConnectionCapture): ProtocolInfo | null;
  output(conn: ConnectionCapture, pick?: string | null): Output;
  /** The connection's streaming string fields: what the user may pick as the answer. */
  candidates(conn: ConnectionCapture): FieldCandidate[];
  /** Raw events as rows, or parsed messages (frames) as rows. */
  eventRows(conn: ConnectionCapture, mode: 'chunks' | 'messages'): EventRow[];
}

interface ViewMemo extends Memo<AnalyzedConnection> {
  view: number;
  field: AnswerField | null;
}

export function createAnalysis(view: ViewSource = NO_VIEW): Analysis {
  const frames = new WeakMap<ConnectionCapture, Memo<Frame[]>>();
  const viewed = new WeakMap<ConnectionCapture, ViewMemo>();
  const picked = new WeakMap<ConnectionCapture, Memo<AnalyzedConnection>>();
  const candidates = new WeakMap<ConnectionCapture, Memo<FieldCandidate[]>>();
  const protocols = new WeakMap<ConnectionCapture, Memo<ProtocolInfo | null>>();
  const rows = { chunks: new WeakMap<ConnectionCapture, Memo<EventRow[]>>(), messages: new WeakMap<ConnectionCapture, Memo<EventRow[]>>() };
  const keyOf = (c: ConnectionCapture): string => `${c.events.length}:${c.summary.contentType ?? ''}`;
  // An answer also depends on how the connection ended (cut off or finished).
  const answerKey = (c: ConnectionCapture): string => `${keyOf(c)}:${c.summary.state}`;

  const automatic = (c: ConnectionCapture): AnalyzedConnection => {
    const version = view.version();
    const key = answerKey(c);
    const hit = viewed.get(c);
    if (hit && hit.key === key && hit.view === version) return hit.value;
    let value: AnalyzedConnection;
    let field: AnswerField | null;
    if (hit && hit.view === version) {
      // Same page, more events: keep the field the page match chose and read the new events
      // with it (linear, like the recognizer) rather than matching every field against the
      // page per batch; the match runs again when the page's text changes.
      const base = analyzeConnection(c);
      field = hit.field;
      value = field ? readWithField(base, field) : base;
    } else {
      value = analyzeWithView([c], view.samples())[0]!;
      field = answerFieldOf(value.recognition);
    }
    viewed.set(c, { key, view: version, value, field });
    return value;
  };

  // The joined streams' captures, analyzed as the core joined them: their events are several
  // bodies end to end, which no recognizer would read as one.
  const joinedAnalysis = new WeakMap<ConnectionCapture, AnalyzedConnection>();
  const joinedRows = { chunks: new WeakMap<ConnectionCapture, EventRow[]>(), messages: new WeakMap<ConnectionCapture, EventRow[]>() };
  const joinedStreams = new WeakMap<ConnectionCapture, JoinedStream>();
  const joins = new WeakMap<object, { version: number; value: Joined }>();

  // Only Durable Streams reads and Engine.IO polling requests can join; each is analyzed once
  // per event count, not once per records message for every connection of the tab (at 1,000
  // events/s that re-recognized whole connections and kept the panel's thread busy for seconds).
  const readAnalysis = new WeakMap<ConnectionCapture, Memo<AnalyzedConnection>>();
  const isRequest = (c: ConnectionCapture): boolean => c.summary.kind === 'fetch' || c.summary.kind === 'xhr';
  const mayChain = (c: ConnectionCapture): boolean => isRequest(c) && c.summary.method === 'GET' && durableStreamRead(c.summary.url) !== null;
  const mayPoll = (c: ConnectionCapture): boolean => isRequest(c) && engineIoPoll(c.summary.url) !== null;
  const analyzedRead = (c: ConnectionCapture): AnalyzedConnection => memo(readAnalysis, c, answerKey(c), () => analyzeConnection(c));
  const add = (out: Joined, merged: AnalyzedConnection, prefix: string, label: string, how: string): void => {
    const parts = merged.parts!.map((p) => p.conn);
    const id = `${prefix}${parts[0]!.summary.id}`;
    const conn: ConnectionCapture = { summary: { ...merged.conn.summary, id, detail: label }, events: merged.conn.events };
    // Where each request's events begin: end to end, unless the core says otherwise (a POST
    // of an Engine.IO session gives its request body, not its answer).
    const eventBase: number[] = merged.partStarts ? [...merged.partStarts] : [];
    let base = 0;
    if (!merged.partStarts) {
      for (const p of parts) {
        eventBase.push(base);
        base += p.events.length;
      }
    }
    const stream: JoinedStream = { id, label, how, conn, parts, eventBase };
    joinedAnalysis.set(conn, { ...merged, conn });
    joinedStreams.set(conn, stream);
    out.streams.push(stream);
    out.byId.set(id, stream);
    for (const p of parts) out.byPart.set(p.summary.id, stream);
  };
  const join = (conns: Iterable<ConnectionCapture>): Joined => {
    const out: Joined = { streams: [], byPart: new Map(), byId: new Map() };
    const all = [...conns];
    const reads = all.filter(mayChain);
    if (reads.length >= 2) {
      for (const merged of joinLongPolls(reads.map(analyzedRead))) {
        // A catch-up read handing over to one SSE read keeps its two rows: the SSE row is the stream.
        if (!merged.parts || merged.parts.length < 2 || !merged.parts.some((p) => durableStreamRead(p.conn.summary.url)?.live === 'long-poll')) continue;
        add(out, merged, JOINED_PREFIX, joinedLabel(merged.parts.length), 'one logical stream, chained by Stream-Next-Offset');
      }
    }
    const polls = all.filter(mayPoll);
    if (polls.length >= 2) {
      for (const merged of joinEnginePolls(polls.map(analyzedRead))) {
        if (!merged.parts) continue;
        const sid = merged.recognition.handles.find((h) => h.kind === 'session-id')?.value;
        add(out, merged, ENGINE_PREFIX, enginePollLabel(merged.parts.length), `one Engine.IO session${sid ? ` (sid ${sid})` : ''}, joined by its sid`);
      }
    }
    return out;
  };

  /** Rows with each request's first one marked, so the boundaries show in the event table. */
  const markRequests = (stream: JoinedStream, rows: EventRow[]): EventRow[] => {
    let part = 0;
    for (const r of rows) {
      if (part >= stream.parts.length || r.first < stream.eventBase[part]!) continue;
      while (part + 1 < stream.parts.length && r.first >= stream.eventBase[part + 1]!) part++;
      r.request = { n: part + 1, of: stream.parts.length, url: stream.parts[part]!.summary.url };
      part++;
    }
    return rows;
  };

  const joinedEventRows = (c: ConnectionCapture, mode: 'chunks' | 'messages'): EventRow[] | null => {
    const stream = joinedStreams.get(c);
    if (!stream) return null;
    let rows = joinedRows[mode].get(c);
    if (!rows) {
      rows = markRequests(stream, mode === 'chunks' ? chunkRows(c.events) : messageRows(joinedAnalysis.get(c)!.recognition.frames));
      joinedRows[mode].set(c, rows);
    }
    return rows;
  };

  // ── per-batch work proportional to the batch ──
  // A live stream is re-read on every frame batch. A WebSocket/EventSource connection's frames
  // are the core's incremental analysis' (analyzeConnection extends them with the new events
  // only), and its chunk rows are extended rather than rebuilt (rows.ts extendChunkRows).
  const byMessage = (c: ConnectionCapture): boolean => c.summary.kind === 'websocket' || c.summary.kind === 'eventsource';
  const chunkRowsOf = (c: ConnectionCapture): EventRow[] => {
    const key = keyOf(c);
    const hit = rows.chunks.get(c);
    if (hit?.key === key) return hit.value;
    const value = hit ? extendChunkRows(hit.value, c.events) : chunkRows(c.events);
    rows.chunks.set(c, { key, value });
    return value;
  };

  const analysis: Analysis = {
    joined: (capture, version) => {
      let hit = joins.get(capture);
      if (hit?.version !== version) joins.set(capture, (hit = { version, value: join(capture.values()) }));
      return hit.value;
    },
    frames: (c) => joinedAnalysis.get(c)?.recognition.frames ?? memo(frames, c, keyOf(c), () => (byMessage(c) ? analyzeConnection(c).recognition.frames : framesOf(c))),
    analyzed: (c, pick) => (!pick && joinedAnalysis.has(c) ? joinedAnalysis.get(c)! : pick ? memo(picked, c, `${answerKey(c)}:${pick}`, () => readWithField(joinedAnalysis.get(c) ?? analyzeConnection(c), pickedField(pick))) : automatic(c)),
    recognition: (c, pick) => analysis.analyzed(c, pick).recognition,
    output: (c, pick) => analysis.analyzed(c, pick).output,
    candidates: (c) => memo(candidates, c, keyOf(c), () => candidateFields(analysis.frames(c))),
    protocol: (c) => {
      const j = joinedAnalysis.get(c);
      if (j) return { id: j.recognition.protocol, name: j.recognition.name, guess: j.recognition.guess };
      return memo(protocols, c, `${Math.min(c.events.length, PROTOCOL_HEAD)}:${c.summary.contentType ?? ''}`, () => {
        if (c.events.length === 0) return null;
        const head = c.events.length > PROTOCOL_HEAD ? { summary: c.summary, events: c.events.slice(0, PROTOCOL_HEAD) } : c;
        try {
          const r = recognize(head);
          return { id: r.protocol, name: r.name, guess: r.guess };
        } catch {
          return null;
        }
      });
    },
    eventRows: (c, mode) => joinedEventRows(c, mode) ?? (mode === 'chunks' ? chunkRowsOf(c) : memo(rows.messages, c, keyOf(c), () => messageRows(analysis.frames(c), c.events))),
  };
  return analysis;
}
