/**
 * Line splitting across chunk boundaries with the SSE line rules (CR, LF and CRLF all end a
 * line), shared by the SSE and JSON-lines framers. A CR at the end of a chunk ends the line at
 * once (as browsers do) and a LF opening the next chunk is then swallowed as its pair.
 */
import type { Chunk } from './types';

export interface LineSpan {
  first: number;
  last: number;
}

export interface LineSplitter {
  push(chunk: Chunk): void;
  /** The unterminated last line, if any, with its carriers. */
  rest(): { line: string; span: LineSpan } | null;
}

export function lineSplitter(onLine: (line: string, span: LineSpan) => void): LineSplitter {
  let line = '';
  let first = -1;
  let last = -1;
  let pendingCR = false;
  return {
    push({ text, at }) {
      let i = 0;
      if (pendingCR && text.length > 0) {
        pendingCR = false;
        if (text[0] === '\n') i = 1;
      }
      while (i < text.length) {
        const r = text.indexOf('\r', i);
        const n = text.indexOf('\n', i);
        const end = r < 0 ? n : n < 0 ? r : Math.min(r, n);
        if (first < 0) first = at;
        last = at;
        if (end < 0) {
          line += text.slice(i);
          return;
        }
        const done = line + text.slice(i, end);
        const span = { first, last: at };
        line = '';
        first = -1;
        onLine(done, span);
        if (text[end] === '\r') {
          if (end + 1 >= text.length) pendingCR = true;
          i = text[end + 1] === '\n' ? end + 2 : end + 1;
        } else i = end + 1;
      }
    },
    rest() {
      return first >= 0 ? { line, span: { first, last } } : null;
    },
  };
}

/** Feeds chunks to a splitter, dropping a byte-order mark at the very start of the body. */
export function feedLines(lines: LineSplitter, chunks: Iterable<Chunk>): void {
  let started = false;
  for (const c of chunks) {
    let text = c.text;
    if (!started && text.length > 0) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    lines.push({ text, at: c.at });
  }
}
