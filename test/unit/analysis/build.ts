/**
 * Builds connections the way the hook records them (raw chunks with times, lifecycle, how it
 * ended) from wire text in the demo app's formats, for the analysis tests.
 */
import { applyRecord, type ConnectionCapture, type TabCapture } from '../../../src/core/trace/model';
import type { CaptureRecord, ConnectionKind, EndCause, FrameMark, Header } from '../../../src/core/trace/records';
import { analyzeConnection, type AnalyzedConnection } from '../../../src/core/analysis';

let n = 0;

export interface ConnSpec {
  kind?: ConnectionKind;
  url: string;
  method?: string;
  requestHeaders?: Header[];
  contentType?: string;
  start: number;
  /** [time, text, dir?, event?, id?] */
  events: Array<[number, string, ('in' | 'out')?, string?, string?]>;
  end?: { time: number; cause: EndCause };
  /** EventSource reconnects: [time lost, after how many events, Last-Event-ID, time reopened]. */
  reconnects?: Array<[number, number, string | null, number]>;
  requestBodyPreview?: string;
  /** What the WebSocket control did to an event, by its index in `events`. */
  marks?: Record<number, FrameMark>;
}

export function connection(spec: ConnSpec): ConnectionCapture {
  const tab: TabCapture = new Map();
  const conn = `c${++n}`;
  const kind = spec.kind ?? 'fetch';
  const recs: CaptureRecord[] = [
    { type: 'open', conn, time: spec.start, kind, url: spec.url, method: spec.method ?? 'GET', requestHeaders: spec.requestHeaders ?? [], requestBodySize: null, requestBodyPreview: spec.requestBodyPreview ?? null, detail: null },
    { type: 'response', conn, time: spec.start + 5, status: kind === 'websocket' ? 101 : 200, statusText: 'OK', headers: spec.contentType ? [['content-type', spec.contentType]] : [], streaming: kind !== 'fetch' || !!spec.contentType?.includes('event-stream') || !!spec.contentType?.includes('ndjson') },
  ];
  const marks = [...(spec.reconnects ?? [])];
  spec.events.forEach(([time, text, dir = 'in', event, id], i) => {
    while (marks.length && marks[0]![1] === i) {
      const [lost, , lastId, reopened] = marks.shift()!;
      recs.push({ type: 'state', conn, time: lost, state: 'reconnecting', readyState: 0, lastEventId: lastId });
      recs.push({ type: 'state', conn, time: reopened, state: 'open', readyState: 1, lastEventId: null });
    }
    const mark = spec.marks?.[i];
    recs.push({ type: 'data', conn, time, dir, text, base64: null, size: text.length, event: event ?? null, id: id ?? null, ...(mark ? { mark } : {}) });
  });
  if (spec.end) recs.push({ type: 'end', conn, time: spec.end.time, cause: spec.end.cause, error: null, code: null, reason: null });
  for (const r of recs) applyRecord(tab, 'doc', r);
  return [...tab.values()][0]!;
}

export const analyzed = (spec: ConnSpec): AnalyzedConnection => analyzeConnection(connection(spec));

/** OpenAI chat-completion chunks as the demo's trapped-sse sends them, one per token. */
export function openaiChunks(tokens: string[], t0: number, step = 50, done = true): Array<[number, string]> {
  const chunk = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'demo-1', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const out: Array<[number, string]> = [[t0, chunk({ role: 'assistant', content: '' })]];
  tokens.forEach((tok, i) => out.push([t0 + step * (i + 1), chunk({ content: tok })]));
  if (done) out.push([t0 + step * (tokens.length + 1), chunk({}, 'stop') + 'data: [DONE]\n\n']);
  return out;
}

/** durable-sse run stream events: `id: seq`, `event: delta`. */
export function durableEvents(tokens: string[], firstSeq: number, t0: number, step = 50, end: 'done' | 'cancelled' | null = 'done'): Array<[number, string]> {
  const out: Array<[number, string]> = tokens.map((tok, i) => [t0 + step * i, `id: ${firstSeq + i}\nevent: delta\ndata: ${JSON.stringify({ runId: 'run_1', messageId: 'msg_1', seq: firstSeq + i, delta: tok })}\n\n`]);
  const seq = firstSeq + tokens.length;
  if (end) out.push([t0 + step * tokens.length, `id: ${seq}\nevent: ${end}\ndata: ${JSON.stringify({ runId: 'run_1', messageId: 'msg_1', seq, ...(end === 'done' ? { reason: 'stop' } : { by: 'user' }) })}\n\n`]);
  return out;
}

export const TOKENS = 'Durable sessions keep the answer alive when the network drops and comes back again later'.split(' ').map((w, i) => (i === 0 ? w : ` ${w}`));
