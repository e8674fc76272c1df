/**
 * Small helpers shared by recognizers: safe property access on untrusted JSON, connection
 * metadata, and `Emitter`, which stamps events with their frame, current message/agent and the
 * resume handles seen in that frame.
 */
import { isArray } from '../builtins';
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, AiEventBody, Frame, ResumeHandle } from './types';

export type Obj = Record<string, unknown>;

export function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !isArray(x);
}

export function get(x: unknown, ...path: Array<string | number>): unknown {
  let cur = x;
  for (const k of path) {
    if (typeof k === 'number') cur = Array.isArray(cur) ? cur[k] : undefined;
    else cur = isObj(cur) ? cur[k] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

export function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

/** A scalar as a handle value (ids arrive as numbers or strings). */
export function idText(x: unknown): string | undefined {
  if (typeof x === 'string' && x !== '') return x;
  if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  return undefined;
}

export function header(conn: ConnectionCapture, name: string, from: 'response' | 'request' | 'any' = 'any'): string | undefined {
  const n = name.toLowerCase();
  const lists = from === 'response' ? [conn.summary.responseHeaders] : from === 'request' ? [conn.summary.requestHeaders] : [conn.summary.responseHeaders, conn.summary.requestHeaders];
  for (const list of lists) {
    const h = (list ?? []).find(([k]) => k.toLowerCase() === n);
    if (h) return h[1];
  }
  return undefined;
}

export function urlPath(conn: ConnectionCapture): string {
  try {
    return new URL(conn.summary.url, 'http://x').pathname;
  } catch {
    return conn.summary.url;
  }
}

export function baseType(conn: ConnectionCapture): string {
  return (conn.summary.contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Whether a frame carries a server message (not a comment, not an empty retry/id-only block). */
function isPayload(f: Frame, dir: 'in' | 'out'): boolean {
  return f.dir === dir && f.kind !== 'sse-comment' && !(f.kind === 'sse' && f.data === '');
}

/** Frames that carry server messages (not comments, not empty retry/id-only blocks). */
export function payloadFrames(frames: Frame[], dir: 'in' | 'out' = 'in'): Frame[] {
  return frames.filter((f) => isPayload(f, dir));
}

/**
 * Fraction of the first `n` payload frames for which `test` holds. It stops at the n-th one:
 * detection runs on every update of a growing stream, and only the head counts.
 */
export function share(frames: readonly Frame[], test: (f: Frame) => boolean, n = 8): number {
  let seen = 0;
  let hits = 0;
  for (let i = 0; i < frames.length && seen < n; i++) {
    const f = frames[i]!;
    if (!isPayload(f, 'in')) continue;
    seen++;
    try {
      if (test(f)) hits++;
    } catch {
      // A test that throws on a frame does not hold for it.
    }
  }
  return seen === 0 ? 0 : hits / seen;
}

// ── scans of a growing stream ──────────────────────────────────────────────────────────
// Detection asks "does any frame …" of the whole stream on every update. The incremental
// analysis (analysis/connection.ts) hands the detectors one frames array that only ever grows
// by appending, so a scan remembers how far it read and goes on from there; a fresh array (a
// full analysis) starts a fresh scan. `test` must be a module-level function: the memo is
// keyed on it.
export type FrameTest = (f: Frame) => boolean;

const scans = new WeakMap<readonly Frame[], Map<FrameTest, { scanned: number; found: boolean }>>();
const filters = new WeakMap<readonly Frame[], Map<FrameTest, { scanned: number; out: Frame[] }>>();

function memoOf<V>(cache: WeakMap<readonly Frame[], Map<FrameTest, V>>, frames: readonly Frame[], test: FrameTest, init: () => V): V {
  let byTest = cache.get(frames);
  if (!byTest) cache.set(frames, (byTest = new Map()));
  let v = byTest.get(test);
  if (!v) byTest.set(test, (v = init()));
  return v;
}

/** `frames.some(test)`, reading only the frames appended since the last call on this array. */
export function someFrame(frames: readonly Frame[], test: FrameTest): boolean {
  const s = memoOf(scans, frames, test, () => ({ scanned: 0, found: false }));
  if (s.scanned > frames.length) Object.assign(s, { scanned: 0, found: false });
  if (s.found) return true;
  for (let i = s.scanned; i < frames.length; i++) {
    // A throw leaves `scanned` where it was, so the next call throws at the same frame (as `some` would).
    if (test(frames[i]!)) {
      s.found = true;
      s.scanned = i + 1;
      return true;
    }
    s.scanned = i + 1;
  }
  return false;
}

/** `frames.filter(test)`, extended with the frames appended since the last call; do not modify it. */
export function framesWhere(frames: readonly Frame[], test: FrameTest): readonly Frame[] {
  const s = memoOf(filters, frames, test, () => ({ scanned: 0, out: [] as Frame[] }));
  if (s.scanned > frames.length) Object.assign(s, { scanned: 0, out: [] });
  for (let i = s.scanned; i < frames.length; i++) {
    if (test(frames[i]!)) s.out.push(frames[i]!);
    s.scanned = i + 1;
  }
  return s.out;
}

/** The first `n` frames for which `test` holds. */
export function firstFrames(frames: readonly Frame[], test: FrameTest, n: number): Frame[] {
  const out: Frame[] = [];
  for (let i = 0; i < frames.length && out.length < n; i++) if (test(frames[i]!)) out.push(frames[i]!);
  return out;
}

/** A value as the text a user reads: strings as they are, anything else as JSON. */
export function jsonText(x: unknown): string | undefined {
  if (x === undefined) return undefined;
  if (typeof x === 'string') return x;
  try {
    return JSON.stringify(x);
  } catch {
    return String(x);
  }
}

export function textOf(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (Array.isArray(x)) {
    const parts = x.map((p) => (typeof p === 'string' ? p : isObj(p) && (p.type === 'text' || p.type === undefined) ? str(p.text) ?? '' : ''));
    return parts.join('');
  }
  return undefined;
}

export class Emitter {
  readonly events: AiEvent[] = [];
  messageId: string | undefined;
  agent: string | undefined;
  private frame = -1;
  private pending: ResumeHandle[] = [];

  /** Starts a frame; an SSE `id:` always becomes an 'event-id' handle. */
  begin(f: Frame): void {
    this.frame = f.index;
    this.pending = f.id !== undefined && f.id !== '' ? [{ kind: 'event-id', value: f.id }] : [];
  }

  /**
   * Starts a frame the server sent with content. Frames the page sent are skipped, and an SSE
   * comment is the server's heartbeat: returns false for both, so a parser `continue`s.
   */
  incoming(f: Frame): boolean {
    this.begin(f);
    if (f.dir === 'out') return false;
    if (f.kind === 'sse-comment') {
      this.emit({ type: 'heartbeat' });
      return false;
    }
    return true;
  }

  handle(kind: ResumeHandle['kind'], value: unknown): void {
    const v = idText(value);
    if (v !== undefined && !this.pending.some((h) => h.kind === kind && h.value === v)) this.pending.push({ kind, value: v });
  }

  /** Handles go on the first event of the frame so each is reported once, where it arrived. */
  emit(body: AiEventBody, meta: { messageId?: string | undefined; agent?: string | undefined } = {}): void {
    const e = { ...body, frame: this.frame } as AiEvent;
    const messageId = 'messageId' in meta ? meta.messageId : this.messageId;
    const agent = 'agent' in meta ? meta.agent : this.agent;
    if (messageId !== undefined) e.messageId = messageId;
    if (agent !== undefined) e.agent = agent;
    if (this.pending.length > 0) {
      e.handles = this.pending;
      this.pending = [];
    }
    this.events.push(e);
  }

  /** For frames that mean nothing to the answer but carry handles or mark progress. */
  step(name: string, boundary: 'start' | 'end' = 'end'): void {
    this.emit({ type: 'step', boundary, name });
  }

  parseError(f: Frame, message: string): void {
    this.emit({ type: 'parse-error', message, raw: f.data.slice(0, 2000) });
  }
}
