/**
 * Replay recordings: a captured streaming response, reduced to what serving it again needs —
 * the request it answers (method and URL), the response head, and the body chunks with their
 * times relative to the response. The hook answers the app's matching request from it instead
 * of the network, so a bug reproduces without the backend (and faults fire at the same point).
 */
import type { ConnectionCapture } from '../trace/model';
import { endsWith, indexOf, parseUrl, slice, splitOn, startsWith, upper } from '../builtins';
import type { Header } from '../trace/records';

export interface ReplayChunk {
  /** Milliseconds after the response head. */
  at: number;
  text: string;
}

/**
 * How the body ends after the last chunk: closed cleanly (the default, and what a captured
 * stream replays), or failed at `at` ms as a network failure fails it — the app's read rejects
 * with the browser's own TypeError — which is how a mock's `drop` step is served.
 */
export interface ReplayEnd {
  /** `open`: the body stays open after its last chunk until the app cancels it (an EventSource replay's last response; never parsed from input). */
  kind: 'close' | 'drop' | 'open';
  at: number;
}

export interface ReplayRecording {
  method: string;
  /**
   * The request answered. A `*` in it stands for any run of characters within one path
   * segment (`/runs/*\/stream` answers every run's stream); without one, origin and path match.
   */
  url: string;
  status: number;
  statusText: string;
  headers: Header[];
  chunks: ReplayChunk[];
  /** Absent: the body closes right after its last chunk. */
  end?: ReplayEnd;
  /** True when a mock was compiled to it: the capture marks the connection "served from a mock". */
  mock?: boolean;
}

/** An HTTP header name: a token (RFC 9110 §5.1). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const REPLAY_LIMITS = { chunks: 200_000, bytes: 64 * 1024 * 1024, durationMs: 3_600_000 } as const;

/** Only fetch/XHR bodies can be served again: sockets and EventSource are left for later. */
export function canReplay(conn: ConnectionCapture): boolean {
  const s = conn.summary;
  return (s.kind === 'fetch' || s.kind === 'xhr') && s.streaming && s.status !== null && conn.events.some((e) => e.dir === 'in' && e.text !== null);
}

export function recordingOf(conn: ConnectionCapture): ReplayRecording {
  const s = conn.summary;
  const incoming = conn.events.filter((e) => e.dir === 'in' && e.text !== null);
  const t0 = incoming[0]?.time ?? s.startedAt;
  return {
    method: s.method,
    url: s.url,
    status: s.status ?? 200,
    statusText: '',
    headers: s.responseHeaders,
    chunks: incoming.map((e) => ({ at: Math.max(0, e.time - t0), text: e.text! })),
  };
}

/** Rebuilds a recording from untrusted input (a message, an imported file), or explains why not. */
export function parseRecording(x: unknown): { ok: true; recording: ReplayRecording } | { ok: false; error: string } {
  if (typeof x !== 'object' || x === null) return { ok: false, error: 'a recording must be an object' };
  const r = x as Record<string, unknown>;
  if (typeof r.method !== 'string' || !/^[A-Z]{1,16}$/.test(r.method)) return { ok: false, error: 'bad method' };
  if (typeof r.url !== 'string' || !/^https?:\/\//.test(r.url) || r.url.length > 16384) return { ok: false, error: 'bad url' };
  if (typeof r.status !== 'number' || !Number.isInteger(r.status) || r.status < 200 || r.status > 599) return { ok: false, error: 'bad status' };
  if (!Array.isArray(r.headers) || !Array.isArray(r.chunks)) return { ok: false, error: 'headers and chunks must be arrays' };
  if (r.chunks.length > REPLAY_LIMITS.chunks) return { ok: false, error: `more than ${REPLAY_LIMITS.chunks} chunks` };
  const headers: Header[] = [];
  for (const h of r.headers.slice(0, 200)) {
    if (!Array.isArray(h) || typeof h[0] !== 'string' || typeof h[1] !== 'string') continue;
    // What `new Response` would refuse (a name that is no HTTP token, CR/LF/NUL in a value) is
    // refused here, with a reason, rather than thrown inside the page's fetch.
    if (!HEADER_NAME.test(h[0]) || /[\r\n\0]/.test(h[1])) return { ok: false, error: `bad header ${JSON.stringify(h[0].slice(0, 64))}` };
    headers.push([h[0], h[1]]);
  }
  const chunks: ReplayChunk[] = [];
  let bytes = 0;
  for (const c of r.chunks) {
    const at = (c as { at?: unknown })?.at;
    const text = (c as { text?: unknown })?.text;
    if (typeof at !== 'number' || !Number.isFinite(at) || at < 0 || typeof text !== 'string') return { ok: false, error: 'bad chunk' };
    bytes += text.length;
    if (bytes > REPLAY_LIMITS.bytes) return { ok: false, error: 'recording too large' };
    chunks.push({ at, text });
  }
  let end: ReplayEnd | undefined;
  if (r.end !== undefined) {
    const e = r.end as { kind?: unknown; at?: unknown } | null;
    if (typeof e !== 'object' || e === null || (e.kind !== 'close' && e.kind !== 'drop')) return { ok: false, error: 'end must be { kind: "close" | "drop", at }' };
    const last = chunks.length > 0 ? chunks[chunks.length - 1]!.at : 0;
    if (typeof e.at !== 'number' || !Number.isFinite(e.at) || e.at < last || e.at > REPLAY_LIMITS.durationMs) return { ok: false, error: 'end.at must be a time at or after the last chunk' };
    end = { kind: e.kind, at: e.at };
  }
  const last = end?.at ?? chunks[chunks.length - 1]?.at ?? 0;
  if (last > REPLAY_LIMITS.durationMs) return { ok: false, error: `longer than ${REPLAY_LIMITS.durationMs} ms` };
  const recording: ReplayRecording = { method: r.method, url: r.url, status: r.status, statusText: typeof r.statusText === 'string' ? r.statusText.slice(0, 256) : '', headers, chunks };
  if (end) recording.end = end;
  if (r.mock !== undefined) {
    if (typeof r.mock !== 'boolean') return { ok: false, error: 'mock must be a boolean' };
    if (r.mock) recording.mock = true;
  }
  return { ok: true, recording };
}

/** True when the recording's URL is a pattern (has a `*`) rather than one URL. */
export function isUrlPattern(url: string): boolean {
  return indexOf(url, '*') >= 0;
}

/**
 * Whether a request matches a pattern key (`replayKey` of a URL with `*`): each `*` matches
 * any run of characters without a `/`. Page code: captured built-ins only (see builtins.ts).
 */
export function patternMatches(patternKey: string, key: string): boolean {
  const parts = splitOn(patternKey, '*');
  if (parts.length === 1) return patternKey === key;
  if (!startsWith(key, parts[0]!)) return false;
  let at = parts[0]!.length;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    const found = last ? (endsWith(key, part) && key.length - part.length >= at ? key.length - part.length : -1) : indexOf(key, part, at);
    if (found < 0) return false;
    // The wildcard's own span stays within one path segment.
    if (indexOf(slice(key, at, found), '/') >= 0) return false;
    at = found + part.length;
  }
  return true;
}

/** The key a request is matched by: method, origin and path (queries often carry nonces). */
export function replayKey(method: string, url: string): string {
  // Captured built-ins: the hook matches requests with this in the page (see builtins.ts).
  try {
    // A pattern's `*` in the host or path would not survive URL parsing unchanged.
    if (isUrlPattern(url)) throw new TypeError('pattern');
    const u = parseUrl(url);
    return `${upper(method)} ${u.origin}${u.pathname}`;
  } catch {
    return `${upper(method)} ${url}`;
  }
}
