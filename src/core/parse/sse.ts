/**
 * SSE framing of a fetch/XHR body given as decoded text chunks with arbitrary boundaries.
 *
 * eventsource-parser does the WHATWG field rules (data joining, `id` with NUL ignored, retry
 * validation, comments). We split lines ourselves and feed it one line at a time so each
 * callback is attributable to the chunks that carried that line — the parser alone cannot say
 * where in the body an event started. Comments are kept as `sse-comment` frames because
 * heartbeats are what keeps idle proxies from cutting a stream. An event the stream ended in
 * the middle of is not dispatched (as in browsers) but surfaces as a `text` frame with `error`.
 */
import { createParser } from 'eventsource-parser';
import { feedLines, lineSplitter, type LineSpan } from './lines';
import { tryJson, type Chunk, type FramePart } from './types';

interface Block {
  first: number;
  raw: string[];
  id?: string;
}

export function sseFrames(chunks: Iterable<Chunk>, dir: 'in' | 'out' = 'in'): FramePart[] {
  const out: FramePart[] = [];
  let cur: LineSpan = { first: 0, last: 0 };
  let block: Block | null = null;
  let retry: number | undefined;
  let dispatched = false;

  const parser = createParser({
    onEvent(m) {
      dispatched = true;
      const f: FramePart = { dir, kind: 'sse', data: m.data, at: { first: block?.first ?? cur.first, last: cur.last } };
      if (m.event !== undefined) f.event = m.event;
      if (m.id !== undefined) f.id = m.id;
      if (retry !== undefined) f.retry = retry;
      const json = tryJson(m.data);
      if (json !== undefined) f.json = json;
      out.push(f);
      retry = undefined;
    },
    onComment(c) {
      out.push({ dir, kind: 'sse-comment', data: c, at: { ...cur } });
    },
    onRetry(r) {
      retry = r;
    },
    onError(e) {
      out.push({ dir, kind: 'text', data: e.line ?? e.value ?? '', error: `SSE: ${e.message}`, at: { ...cur } });
    },
  });

  const onLine = (line: string, span: LineSpan): void => {
    cur = span;
    if (line === '') {
      dispatched = false;
      parser.feed('\n');
      // A block with only retry/id dispatches nothing in browsers, yet it changes what a
      // reconnect sends (Last-Event-ID) or waits, so it stays visible as an empty-data frame.
      if (!dispatched && block && (retry !== undefined || block.id !== undefined)) {
        const f: FramePart = { dir, kind: 'sse', data: '', at: { first: block.first, last: span.last } };
        if (block.id !== undefined) f.id = block.id;
        if (retry !== undefined) f.retry = retry;
        out.push(f);
        retry = undefined;
      }
      block = null;
      return;
    }
    if (line[0] !== ':') {
      block ??= { first: span.first, raw: [] };
      block.raw.push(line);
      const colon = line.indexOf(':');
      if ((colon < 0 ? line : line.slice(0, colon)) === 'id') {
        const v = colon < 0 ? '' : line.slice(line[colon + 1] === ' ' ? colon + 2 : colon + 1);
        if (!v.includes('\0')) block.id = v;
      }
    }
    parser.feed(`${line}\n`);
  };

  const lines = lineSplitter(onLine);
  feedLines(lines, chunks);
  const rest = lines.rest();
  const pending = block as Block | null;
  if (pending || (rest && rest.line !== '')) {
    const raw = [...(pending?.raw ?? []), ...(rest && rest.line !== '' ? [rest.line] : [])];
    const first = pending?.first ?? rest!.span.first;
    const last = rest?.span.last ?? cur.last;
    out.push({ dir, kind: 'text', data: raw.join('\n'), error: 'SSE: stream ended inside an event (not dispatched)', at: { first, last } });
  }
  return out;
}
