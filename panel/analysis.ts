/**
 * Per-connection derived data (frames, recognition, reassembled output), computed on demand and
 * memoized on the connection object and its event count: events are only ever appended, so an
 * unchanged count means an unchanged result. A 100,000-event socket is framed once, not per render.
 */
import { framesOf, type Frame } from '../src/core/parse/frames';
import { recognize, type Recognition } from '../src/core/protocols';
import { reassemble, type Output } from '../src/core/reassembly';
import type { ConnectionCapture } from '../src/core/trace/model';
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

export interface Analysis {
  frames(conn: ConnectionCapture): Frame[];
  recognition(conn: ConnectionCapture): Recognition;
  protocol(conn: ConnectionCapture): ProtocolInfo | null;
  output(conn: ConnectionCapture): Output;
  /** Raw events as rows, or parsed messages (frames) as rows. */
  eventRows(conn: ConnectionCapture, mode: 'chunks' | 'messages'): EventRow[];
}

export function createAnalysis(): Analysis {
  const frames = new WeakMap<ConnectionCapture, Memo<Frame[]>>();
  const recognitions = new WeakMap<ConnectionCapture, Memo<Recognition>>();
  const protocols = new WeakMap<ConnectionCapture, Memo<ProtocolInfo | null>>();
  const outputs = new WeakMap<ConnectionCapture, Memo<Output>>();
  const rows = { chunks: new WeakMap<ConnectionCapture, Memo<EventRow[]>>(), messages: new WeakMap<ConnectionCapture, Memo<EventRow[]>>() };
  const keyOf = (c: ConnectionCapture): string => `${c.events.length}:${c.summary.contentType ?? ''}`;
  const analysis: Analysis = {
    frames: (c) => memo(frames, c, keyOf(c), () => framesOf(c)),
    recognition: (c) => memo(recognitions, c, keyOf(c), () => recognize(c)),
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
    output: (c) => memo(outputs, c, keyOf(c), () => reassemble(analysis.recognition(c))),
    eventRows: (c, mode) => memo(rows[mode], c, keyOf(c), () => (mode === 'chunks' ? chunkRows(c.events) : messageRows(analysis.frames(c)))),
  };
  return analysis;
}
