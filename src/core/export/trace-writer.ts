/**
 * Writes a trace as a stream of string pieces: never one giant string, so the panel can feed
 * a Blob (`new Blob([...pieces])`) or a download stream with memory in proportion to one piece.
 *
 * Layout (still one JSON document): the header fields on the first line, then every session,
 * view sample, connection summary, event, fault, test run and flag on its own line.
 * Line-per-event keeps the file diffable and greppable (`grep '"dir":"out"'`), and lets tools
 * stream it line by line.
 */
import type { TraceFileV1 } from './trace-format';

export interface WriteOptions {
  /** Target size of a piece in characters (pieces hold whole lines). */
  pieceSize?: number;
}

/** JSON text of an object without its closing brace, for objects whose last field is streamed. */
export function openObject(o: object): string {
  const s = JSON.stringify(o);
  return s === '{}' ? '{' : `${s.slice(0, -1)},`;
}

/** `"name":[…]` with one item per line, for lists that can be long (events, view samples). */
export function* arrayField(name: string, items: readonly unknown[]): Generator<string> {
  yield `"${name}":[`;
  for (let i = 0; i < items.length; i++) yield `${i === 0 ? '\n' : ',\n'}${JSON.stringify(items[i])}`;
  yield ']';
}

/** The lines of a trace, in order. Each line is at most one event (or summary, flag…) long. */
export function* traceLines(trace: TraceFileV1): Generator<string> {
  const { sessions, faults, testRuns, flags, mocks, ...header } = trace;
  yield `${openObject(header)}\n"sessions":[`;
  for (let si = 0; si < sessions.length; si++) {
    // A view can hold megabytes of page text: one sample per line, like events.
    const { connections, view, ...meta } = sessions[si]!;
    yield `\n${openObject(meta)}`;
    if (view !== undefined) {
      yield* arrayField('view', view);
      yield ',';
    }
    yield '"connections":[';
    for (let ci = 0; ci < connections.length; ci++) {
      const { summary, timing, events } = connections[ci]!;
      // Timing right after the summary, where a reader of the file looks for it.
      yield `\n{"summary":${JSON.stringify(summary)},${timing !== undefined ? `\n"timing":${JSON.stringify(timing)},` : ''}\n"events":[`;
      for (let ei = 0; ei < events.length; ei++) yield `${ei === 0 ? '\n' : ',\n'}${JSON.stringify(events[ei])}`;
      yield `]}${ci < connections.length - 1 ? ',' : ''}`;
    }
    yield `]}${si < sessions.length - 1 ? ',' : ''}`;
  }
  yield '],';
  const list = function* (name: string, items: readonly unknown[], last: boolean): Generator<string> {
    yield '\n';
    yield* arrayField(name, items);
    if (!last) yield ',';
  };
  yield* list('faults', faults, false);
  yield* list('testRuns', testRuns, false);
  yield* list('flags', flags, mocks === undefined);
  if (mocks !== undefined) yield* list('mocks', mocks, true);
  yield '}\n';
}

/** The trace as pieces of about `pieceSize` characters. */
export function* traceChunks(trace: TraceFileV1, options: WriteOptions = {}): Generator<string> {
  const size = Math.max(1, options.pieceSize ?? 64 * 1024);
  let parts: string[] = [];
  let len = 0;
  for (const line of traceLines(trace)) {
    parts.push(line);
    len += line.length;
    if (len >= size) {
      yield parts.join('');
      parts = [];
      len = 0;
    }
  }
  if (parts.length > 0) yield parts.join('');
}

/** The pieces as a `ReadableStream`, pulled on demand (for `Response`/`Blob`/download APIs). */
export function traceReadableStream(trace: TraceFileV1, options: WriteOptions = {}): ReadableStream<string> {
  const it = traceChunks(trace, options);
  return new ReadableStream<string>({
    pull(controller) {
      const r = it.next();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
  });
}
