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

/** Frames that carry server messages (not comments, not empty retry/id-only blocks). */
export function payloadFrames(frames: Frame[], dir: 'in' | 'out' = 'in'): Frame[] {
  return frames.filter((f) => f.dir === dir && f.kind !== 'sse-comment' && !(f.kind === 'sse' && f.data === ''));
}

/** Fraction of the first `n` payload frames for which `test` holds. */
export function share(frames: Frame[], test: (f: Frame) => boolean, n = 8): number {
  const first = payloadFrames(frames).slice(0, n);
  if (first.length === 0) return 0;
  return first.filter((f) => {
    try {
      return test(f);
    } catch {
      return false;
    }
  }).length / first.length;
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
