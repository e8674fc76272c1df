/**
 * What the panel can do to one captured WebSocket (the `ws-control` panel request and hook
 * command carry one of these): send to the server, inject into the app, simulate a close or an
 * error, block or pause a direction, and set a breakpoint whose held messages are continued,
 * edited or dropped.
 *
 * The hook parses these in the page (the command enters there), so the parser uses only the
 * captured built-ins of core/builtins.ts.
 */
import { charCodeAt, isArray, regExpOf } from '../core/builtins';
import type { Direction } from '../core/trace/records';

/** A message body: text as it is, or binary as standard base64. */
export interface WsPayload {
  binary: boolean;
  value: string;
}

export type WsAction =
  | { kind: 'send'; data: WsPayload }
  | { kind: 'inject'; data: WsPayload }
  /** The app sees `close` with these; the real socket is closed natively. */
  | { kind: 'close'; code: number; reason: string; wasClean: boolean }
  /** The app sees `error`, then `close` 1006 not clean. */
  | { kind: 'error' }
  /** `hold` true pauses the direction (delivered on resume), false drops what it carries. */
  | { kind: 'block'; dir: Direction; hold: boolean }
  | { kind: 'resume'; dir: Direction }
  /** The next message of `dir` whose text matches is held until continued, edited or dropped. */
  | { kind: 'breakpoint'; dir: Direction; pattern: string; regex: boolean }
  | { kind: 'clear-breakpoint'; dir: Direction }
  | { kind: 'continue'; holdId: string }
  | { kind: 'edit'; holdId: string; data: WsPayload }
  | { kind: 'drop'; holdId: string };

export type WsActionKind = WsAction['kind'];

/** A payload's largest value, in characters (1 MiB; a frame's binary capture is bounded alike). */
export const MAX_PAYLOAD_CHARS = 1024 * 1024;
export const MAX_PATTERN_CHARS = 1000;
export const MAX_CLOSE_REASON_CHARS = 123;

function isBase64(s: string): boolean {
  if (s.length % 4 !== 0) return false;
  let pad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = charCodeAt(s, i);
    if (c === 61) {
      pad += 1;
      continue;
    }
    // A character after padding, or not of the standard alphabet.
    if (pad > 0) return false;
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (!ok) return false;
  }
  return pad <= 2;
}

export function payloadOf(x: unknown): WsPayload | null {
  if (typeof x !== 'object' || x === null || isArray(x)) return null;
  const p = x as Record<string, unknown>;
  if (typeof p.binary !== 'boolean' || typeof p.value !== 'string' || p.value.length > MAX_PAYLOAD_CHARS) return null;
  if (p.binary && !isBase64(p.value)) return null;
  return { binary: p.binary, value: p.value };
}

const dirOf = (x: unknown): Direction | null => (x === 'in' || x === 'out' ? x : null);
const holdIdOf = (x: unknown): string | null => (typeof x === 'string' && x.length > 0 && x.length <= 64 ? x : null);

/** Rebuilds an action from an untrusted value, or null when it is not a valid one. */
export function wsActionOf(x: unknown): WsAction | null {
  if (typeof x !== 'object' || x === null || isArray(x)) return null;
  const a = x as Record<string, unknown>;
  switch (a.kind) {
    case 'send':
    case 'inject': {
      const data = payloadOf(a.data);
      return data ? { kind: a.kind, data } : null;
    }
    case 'close': {
      const code = a.code;
      if (typeof code !== 'number' || code !== (code | 0) || code < 0 || code > 65535) return null;
      if (typeof a.reason !== 'string' || a.reason.length > MAX_CLOSE_REASON_CHARS || typeof a.wasClean !== 'boolean') return null;
      return { kind: 'close', code, reason: a.reason, wasClean: a.wasClean };
    }
    case 'error':
      return { kind: 'error' };
    case 'block': {
      const dir = dirOf(a.dir);
      return dir && typeof a.hold === 'boolean' ? { kind: 'block', dir, hold: a.hold } : null;
    }
    case 'resume':
    case 'clear-breakpoint': {
      const dir = dirOf(a.dir);
      return dir ? { kind: a.kind, dir } : null;
    }
    case 'breakpoint': {
      const dir = dirOf(a.dir);
      if (!dir || typeof a.pattern !== 'string' || a.pattern.length === 0 || a.pattern.length > MAX_PATTERN_CHARS || typeof a.regex !== 'boolean') return null;
      if (a.regex && !regExpOf(a.pattern)) return null;
      return { kind: 'breakpoint', dir, pattern: a.pattern, regex: a.regex };
    }
    case 'continue':
    case 'drop': {
      const holdId = holdIdOf(a.holdId);
      return holdId ? { kind: a.kind, holdId } : null;
    }
    case 'edit': {
      const holdId = holdIdOf(a.holdId);
      const data = payloadOf(a.data);
      return holdId && data ? { kind: 'edit', holdId, data } : null;
    }
    default:
      return null;
  }
}

/** The connection (`<docId>:<hook id>` from the panel, the hook's own id after the relay) and what to do to it. */
export function wsControlOf(x: Record<string, unknown>): { conn: string; action: WsAction } | null {
  const action = wsActionOf(x.action);
  return typeof x.conn === 'string' && x.conn.length > 0 && x.conn.length <= 200 && action ? { conn: x.conn, action } : null;
}
