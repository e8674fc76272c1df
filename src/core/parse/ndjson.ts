/**
 * JSON framing of a body in decoded text chunks:
 * - `jsonLineFrames`: one JSON value per line (NDJSON, JSON Lines, json-seq's RS prefix). A
 *   final line without newline still counts: many servers omit it.
 * - `jsonValueFrames`: top-level JSON values however they are laid out, including the elements
 *   of a JSON array streamed progressively (Gemini `[{...}\n,\r\n{...}]`). Each element is
 *   emitted when its closing bracket arrives, so its carriers end at that chunk, not at the
 *   comma that may come much later.
 * Lines or values that are not JSON become `text` frames with `error`, never exceptions.
 */
import { feedLines, lineSplitter, type LineSpan } from './lines';
import { tryJson, type Chunk, type FramePart } from './types';

function valueFrame(raw: string, span: LineSpan, dir: 'in' | 'out', mode: 'json' | 'text'): FramePart | null {
  const t = raw.replace(/^\x1e/, '').trim();
  if (t === '') return null;
  const json = tryJson(t);
  if (json !== undefined) return { dir, kind: mode === 'json' ? 'json-line' : 'text', data: t, json, at: { ...span } };
  return mode === 'json'
    ? { dir, kind: 'text', data: t, error: 'invalid JSON', at: { ...span } }
    : { dir, kind: 'text', data: t, at: { ...span } };
}

/** `mode: 'text'` frames lines without claiming they are JSON (e.g. `0:"hi"` protocols). */
export function jsonLineFrames(chunks: Iterable<Chunk>, dir: 'in' | 'out' = 'in', mode: 'json' | 'text' = 'json'): FramePart[] {
  const out: FramePart[] = [];
  const lines = lineSplitter((line, span) => {
    const f = valueFrame(line, span, dir, mode);
    if (f) out.push(f);
  });
  feedLines(lines, chunks);
  const rest = lines.rest();
  if (rest) {
    const f = valueFrame(rest.line, rest.span, dir, mode);
    if (f) out.push(f);
  }
  return out;
}

const WS = new Set([' ', '\t', '\n', '\r', '\ufeff', '\x1e']);

export function jsonValueFrames(chunks: Iterable<Chunk>, dir: 'in' | 'out' = 'in'): FramePart[] {
  const out: FramePart[] = [];
  let mode: 'unknown' | 'array' | 'values' | 'after-array' = 'unknown';
  let depth = 0;
  let inStr = false;
  let esc = false;
  let buf = '';
  let first = -1;
  let lastAt = -1;

  const flush = (raw: string, last: number): void => {
    const t = raw.trim();
    if (t !== '') {
      const json = tryJson(t);
      const at = { first: first < 0 ? last : first, last };
      out.push(json !== undefined ? { dir, kind: 'json-line', data: t, json, at } : { dir, kind: 'text', data: t, error: 'invalid JSON', at });
    }
    first = -1;
  };

  for (const { text, at } of chunks) {
    lastAt = at;
    let seg = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (inStr) {
        if (esc) esc = false;
        else if (c === '\\') esc = true;
        else if (c === '"') inStr = false;
        continue;
      }
      if (depth === 0) {
        if (mode === 'unknown' && !WS.has(c)) {
          mode = c === '[' ? 'array' : 'values';
          if (mode === 'array') {
            seg = i + 1;
            continue;
          }
        }
        const ends = mode === 'array' ? c === ',' || c === ']' : WS.has(c);
        if (ends) {
          flush(buf + text.slice(seg, i), at);
          buf = '';
          seg = i + 1;
          if (mode === 'array' && c === ']') mode = 'after-array';
          continue;
        }
        if (mode === 'after-array' && !WS.has(c)) mode = 'values';
        if (first < 0 && !WS.has(c)) first = at;
      }
      if (c === '"') inStr = true;
      else if (c === '{' || c === '[') depth++;
      else if ((c === '}' || c === ']') && depth > 0) {
        depth--;
        if (depth === 0) {
          flush(buf + text.slice(seg, i + 1), at);
          buf = '';
          seg = i + 1;
        }
      }
    }
    buf += text.slice(seg);
  }
  if (buf.trim() !== '') {
    const t = buf.trim();
    const json = depth === 0 && !inStr ? tryJson(t) : undefined;
    const at = { first: first < 0 ? lastAt : first, last: lastAt };
    out.push(json !== undefined ? { dir, kind: 'json-line', data: t, json, at } : { dir, kind: 'text', data: t, error: 'JSON ended before the value was complete', at });
  }
  return out;
}
