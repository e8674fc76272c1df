/**
 * Per-connection derived data (frames, recognition, reassembled output), computed on demand and
 * memoized on the connection object and its event count: events are only ever appended, so an
 * unchanged count means an unchanged result. A 100,000-event socket is framed once, not per render.
 *
 * Answers are read with what the page showed (`analyzeWithView`), so a field no recognizer
 * reads (MCP progress, Socket.IO args, an app's own JSON) still yields the answer; or with the
 * field the user picked.
 */
import { analyzeConnection, analyzeWithView, readWithField, type AnalyzedConnection } from '../src/core/analysis';
import { framesOf, type Frame } from '../src/core/parse/frames';
import { recognize, type Recognition } from '../src/core/protocols';
import type { Output } from '../src/core/reassembly';
import type { ConnectionCapture } from '../src/core/trace/model';
import { candidateFields, pickedField, type AnswerField, type FieldCandidate } from '../src/core/view/answer-field';
import type { ViewSample } from '../src/core/view/sample';
import { chunkRows, messageRows, type EventRow, type ProtocolInfo } from './logic/rows';

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

/** `pick`: a field key from `candidates`, or null for the automatic reading. */
export interface Analysis {
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

  const analysis: Analysis = {
    frames: (c) => memo(frames, c, keyOf(c), () => framesOf(c)),
    analyzed: (c, pick) => (pick ? memo(picked, c, `${answerKey(c)}:${pick}`, () => readWithField(analyzeConnection(c), pickedField(pick))) : automatic(c)),
    recognition: (c, pick) => analysis.analyzed(c, pick).recognition,
    output: (c, pick) => analysis.analyzed(c, pick).output,
    candidates: (c) => memo(candidates, c, keyOf(c), () => candidateFields(analysis.frames(c))),
    protocol: (c) =>
      memo(protocols, c, `${Math.min(c.events.length, PROTOCOL_HEAD)}:${c.summary.contentType ?? ''}`, () => {
        if (c.events.length === 0) return null;
        const head = c.events.length > PROTOCOL_HEAD ? { summary: c.summary, events: c.events.slice(0, PROTOCOL_HEAD) } : c;
        try {
          const r = recognize(head);
          return { id: r.protocol, name: r.name, guess: r.guess };
        } catch {
          return null;
        }
      }),
    eventRows: (c, mode) => memo(rows[mode], c, keyOf(c), () => (mode === 'chunks' ? chunkRows(c.events) : messageRows(analysis.frames(c), c.events))),
  };
  return analysis;
}
