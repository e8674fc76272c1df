/**
 * One connection as the analysis sees it: what protocol it speaks, the answer it delivered and
 * whether it is an AI stream at all. Memoized per connection and event count, because the
 * panel asks again on every update while a stream grows.
 */
import { recognize, type AiEvent, type Recognition } from '../protocols';
import { growingRecognition, type GrowingRecognition } from '../protocols/growing';
import { reassemble, reassembler, type Output, type Reassembler } from '../reassembly';
import type { ConnectionCapture } from '../trace/model';
import type { ConnectionKind } from '../trace/records';
import { detectAnswerField, fieldValues, type AnswerField, type FieldValue, type PageText } from '../view/answer-field';
import { withAnswerField } from '../view/field-recognition';
import { pageTextsOf } from '../view/page-texts';
import type { ViewSample } from '../view/sample';
import { orderedMatches, words } from '../view/words';
import { isEnginePollSession, joinEnginePolls } from './engineio-poll';
import { joinLongPolls } from './long-poll';

export interface AnalyzedConnection {
  conn: ConnectionCapture;
  recognition: Recognition;
  output: Output;
  /** Streams that carry model output (text, reasoning or tool deltas). */
  isAiStream: boolean;
  /**
   * When this is one logical stream made of many requests (a long-poll chain, see
   * long-poll.ts): those requests, analyzed each on its own, in the order they were made.
   */
  parts?: readonly AnalyzedConnection[];
  /**
   * With `parts`, where each part's events begin in `conn.events`, when a part gives the
   * logical stream other events than its own (an Engine.IO POST gives its request body, see
   * engineio-poll.ts); absent when the parts' events are simply end to end.
   */
  partStarts?: readonly number[];
}

/**
 * A WebSocket or EventSource connection is read incrementally as it grows: the recognition
 * (protocols/growing.ts) and the reassembly are folds fed only the new events, so a panel
 * re-reading a live stream on every batch does work proportional to the batch, not to the
 * stream. The result is the same as reading the connection whole.
 */
interface Growing {
  kind: ConnectionKind;
  recognition: GrowingRecognition;
  reassembly: { events: readonly AiEvent[]; fed: number; r: Reassembler } | null;
  /** Whether an answer delta was among `reassembly.events[0..fed)`. */
  delta: boolean;
}

const cache = new WeakMap<ConnectionCapture, { events: number; state: string; result: AnalyzedConnection; growing: Growing | null }>();

const isAnswerDelta = (e: AiEvent): boolean => e.type === 'text-delta' || e.type === 'reasoning-delta' || e.type === 'tool-call-delta';

function analyzeGrowing(conn: ConnectionCapture, g: Growing): { recognition: Recognition; output: Output; delta: boolean } {
  const { recognition, events, continued } = g.recognition.update(conn);
  if (!continued || !g.reassembly || g.reassembly.events !== events) {
    g.reassembly = { events, fed: 0, r: reassembler() };
    g.delta = false;
  }
  const re = g.reassembly;
  re.r.feed(events, re.fed);
  for (let i = re.fed; i < events.length && !g.delta; i++) g.delta = isAnswerDelta(events[i]!);
  re.fed = events.length;
  return { recognition, output: re.r.output(), delta: g.delta };
}

export function analyzeConnection(conn: ConnectionCapture): AnalyzedConnection {
  const hit = cache.get(conn);
  if (hit && hit.events === conn.events.length && hit.state === conn.summary.state) return hit.result;
  let growing = hit?.growing && hit.growing.kind === conn.summary.kind ? hit.growing : null;
  if (!growing) {
    const recognition = growingRecognition(conn.summary.kind);
    growing = recognition ? { kind: conn.summary.kind, recognition, reassembly: null, delta: false } : null;
  }
  let result: AnalyzedConnection;
  if (growing) {
    const { recognition, output, delta } = analyzeGrowing(conn, growing);
    result = { conn, recognition, output, isAiStream: conn.summary.streaming && delta };
  } else {
    const recognition = recognize(conn);
    const output = reassemble(recognition);
    const isAiStream = conn.summary.streaming && recognition.events.some(isAnswerDelta);
    result = { conn, recognition, output, isAiStream };
  }
  cache.set(conn, { events: conn.events.length, state: conn.summary.state, result, growing });
  return result;
}

/** Whether the analysis of this connection, as it is now, is already at hand (memoized). */
export function isAnalyzed(conn: ConnectionCapture): boolean {
  const hit = cache.get(conn);
  return !!hit && hit.events === conn.events.length && hit.state === conn.summary.state;
}

/** The text of a connection's answer(s), joined: what the user read from it. */
export function answerText(a: AnalyzedConnection): string {
  return a.output.messages.map((m) => m.text).join('');
}

/** A connection re-read with `field` as its answer text (found on the page, or picked by the user). */
export function readWithField(base: AnalyzedConnection, field: AnswerField, fields?: Map<string, FieldValue[]>): AnalyzedConnection {
  const recognition = withAnswerField(base.recognition, field, fields);
  return { conn: base.conn, recognition, output: reassemble(recognition), isAiStream: true };
}

// ── with what the page showed ───────────────────────────────────────────────────────────
const viewCache = new WeakMap<ConnectionCapture, { events: number; state: string; pages: string; result: AnalyzedConnection }>();

/** Share of a text's words the page shows, in order, on its best-matching block. */
function pageCoverage(text: string, pages: readonly PageText[]): number {
  const w = words(text);
  if (w.length < 3) return 0;
  return Math.max(0, ...pages.map((p) => orderedMatches(w, p.words, p.index) / w.length));
}

/**
 * Connections of a tab analyzed with the page's text: where a recognizer's text is what the
 * page shows it stays first; where the page shows text that rode in some other field of a
 * connection (or a connection no recognizer read), that field becomes its answer.
 */
export function analyzeWithView(conns: readonly ConnectionCapture[], view: readonly ViewSample[]): AnalyzedConnection[] {
  // Long-poll reads of one Durable Stream, and the polling requests of one Engine.IO session,
  // are analysed as the one stream they form.
  if (view.length === 0) return joinEnginePolls(joinLongPolls(conns.map(analyzeConnection)));
  const pages = pageTextsOf(view);
  // The view is bounded (its oldest samples go), so its length alone does not say it changed.
  const version = `${view.length}:${view[0]?.time ?? 0}:${view.at(-1)?.time ?? 0}`;
  const viewed = joinLongPolls(conns.map((conn) => {
    const base = analyzeConnection(conn);
    const hit = viewCache.get(conn);
    if (hit && hit.events === conn.events.length && hit.state === conn.summary.state && hit.pages === version) return hit.result;
    const result = withPageField(base, pages);
    viewCache.set(conn, { events: conn.events.length, state: conn.summary.state, pages: version, result });
    return result;
  }));
  // A polling session's answer rides in its requests together: the page is matched against it
  // whole, as for a WebSocket carrying the same packets.
  return joinEnginePolls(viewed).map((c) => (isEnginePollSession(c) ? withPageField(c, pages) : c));
}

/**
 * Where a recognizer's text is what the page shows it stays first; where the page shows text
 * that rode in some other field of the connection, that field becomes its answer.
 */
function withPageField(base: AnalyzedConnection, pages: readonly PageText[]): AnalyzedConnection {
  const conn = base.conn;
  const streamy = conn.summary.streaming || conn.summary.kind === 'websocket' || conn.summary.kind === 'eventsource';
  // One walk of the payloads serves both finding the field and reading it.
  const fields = streamy ? fieldValues(base.recognition.frames) : null;
  const field = fields ? detectAnswerField(base.recognition.frames, pages, fields) : null;
  if (!fields || !field) return base;
  // The recognizer stays first when its text is what the page shows and it streams as
  // finely; a field that streams the page's text in more pieces (MCP progress messages
  // before the tool's one final result) carries the live answer.
  const deltas = base.recognition.events.filter((e) => e.type === 'text-delta').length;
  const keep = base.isAiStream && pageCoverage(answerText(base), pages) >= 0.7 && deltas >= field.values;
  return keep ? base : { ...readWithField(base, field, fields), ...(base.parts ? { parts: base.parts } : {}), ...(base.partStarts ? { partStarts: base.partStarts } : {}) };
}
