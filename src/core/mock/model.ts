/**
 * Mock streams: a response written (or loaded, or started from a template) rather than
 * captured — the request it answers, the response head, and the steps of its body. The hook
 * serves a mock as it serves a replay (`compileMock` turns one into a ReplayRecording), so the
 * app's matching request is answered with no backend, through the same capture and faults.
 *
 * Steps, in order; each waits its delay after the step before it:
 * - `event`: a piece of the body, sent as written (an SSE block, an NDJSON line, any chunk);
 * - `stall`: nothing for `ms` (the next step's own delay comes on top);
 * - `duplicate`: the previous event's text again (a server replaying what it already sent);
 * - `drop`: the connection fails there, as a network failure does. It ends the mock.
 * - `close` (WebSocket only): the server closes the socket cleanly with `code` and `reason`.
 *
 * A mock's `transport` says what it answers: absent, a fetch/XHR request (its events are body
 * chunks); `websocket`, the app's `new WebSocket(url)` (each event is one message from the
 * server, text or, with `binary`, base64 bytes; a drop is the connection lost, close 1006 not
 * clean); `eventsource`, the app's `new EventSource(url)` (each event is an SSE block, as in an
 * http SSE mock, whose fields become the message; a drop ends the stream, so the EventSource
 * fires `error` and reconnects by its own rules — to the network, the mock having been used).
 * Socket mocks compile to the socket recordings the hook replays (socket-recording.ts).
 */
import type { Header } from '../trace/records';
import { REPLAY_LIMITS, type ReplayChunk, type ReplayRecording } from '../replay/recording';
import { sseBlockMessages } from '../parse/sse-block';

export const MOCK_TRANSPORTS = ['websocket', 'eventsource'] as const;
export type MockTransport = (typeof MOCK_TRANSPORTS)[number];

export type MockStep =
  | { kind: 'event'; delayMs: number; data: string; binary?: boolean }
  | { kind: 'stall'; ms: number }
  | { kind: 'duplicate'; delayMs: number }
  | { kind: 'drop'; delayMs: number }
  | { kind: 'close'; delayMs: number; code: number; reason: string };

export interface MockRequest {
  method: string;
  /** A URL (origin and path are matched, not the query) or a pattern with `*` in a path segment. */
  url: string;
}

export interface MockResponse {
  status: number;
  headers: Header[];
}

export interface Mock {
  name: string;
  /** Absent: an http (fetch/XHR) mock, as every mock was before socket mocks. */
  transport?: MockTransport;
  request: MockRequest;
  response: MockResponse;
  steps: MockStep[];
}

export const MOCK_LIMITS = {
  steps: 100_000,
  bytes: 16 * 1024 * 1024,
  delayMs: 600_000,
  /** Whole mock: the sum of delays and stalls. */
  durationMs: REPLAY_LIMITS.durationMs,
  name: 200,
  headers: 100,
  headerBytes: 8192,
} as const;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isDelay = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= MOCK_LIMITS.delayMs;

/** Checks a URL or pattern a mock may answer: http(s) (ws(s) for a WebSocket), bounded, `*` only after the origin. */
export function checkMockUrl(url: unknown, transport?: MockTransport): string | null {
  if (typeof url !== 'string' || url.length === 0) return 'the URL is missing';
  if (url.length > 16384) return 'the URL is longer than 16384 characters';
  const ws = transport === 'websocket';
  const m = (ws ? /^(wss?:\/\/[^/*?#]+)(\/[^?#]*)?$/i : /^(https?:\/\/[^/*?#]+)(\/[^?#]*)?$/i).exec(url);
  if (!m) return `not ${ws ? 'a ws(s)' : 'an http(s)'} URL or pattern (a "*" may stand only in the path, no query): ${url.slice(0, 200)}`;
  try {
    new URL(url.replace(/\*/g, 'x'));
  } catch {
    return `not a valid URL: ${url.slice(0, 200)}`;
  }
  return null;
}

/** One step from untrusted input, or why not (`where` names it in the message). */
export function parseStep(x: unknown, where: string): Parsed<MockStep> {
  if (!isObj(x)) return fail(`${where}: a step must be an object`);
  const delay = x.delayMs ?? 0;
  switch (x.kind) {
    case 'event':
      if (typeof x.data !== 'string') return fail(`${where}: an event needs "data", a string`);
      if (!isDelay(delay)) return fail(`${where}: "delayMs" must be a number of ms from 0 to ${MOCK_LIMITS.delayMs}`);
      if (x.binary !== undefined && typeof x.binary !== 'boolean') return fail(`${where}: "binary" must be true or false`);
      return { ok: true, value: x.binary === true ? { kind: 'event', delayMs: delay, data: x.data, binary: true } : { kind: 'event', delayMs: delay, data: x.data } };
    case 'stall':
      if (!isDelay(x.ms)) return fail(`${where}: a stall needs "ms", from 0 to ${MOCK_LIMITS.delayMs}`);
      return { ok: true, value: { kind: 'stall', ms: x.ms } };
    case 'duplicate':
    case 'drop':
      if (!isDelay(delay)) return fail(`${where}: "delayMs" must be a number of ms from 0 to ${MOCK_LIMITS.delayMs}`);
      return { ok: true, value: { kind: x.kind, delayMs: delay } };
    case 'close': {
      if (!isDelay(delay)) return fail(`${where}: "delayMs" must be a number of ms from 0 to ${MOCK_LIMITS.delayMs}`);
      const code = x.code ?? 1000;
      // What a server may send in a close frame (RFC 6455 §7.4.1: 1000, 1001–1014 but not the
      // reserved 1004–1006, and 3000–4999); the browser's own 1005/1006/1015 are not sent.
      if (typeof code !== 'number' || !Number.isInteger(code) || !(code === 1000 || (code >= 1001 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999))) {
        return fail(`${where}: a close "code" must be 1000, 1001–1014 (not 1004–1006) or 3000–4999`);
      }
      const reason = x.reason ?? '';
      if (typeof reason !== 'string' || new TextEncoder().encode(reason).length > 123) return fail(`${where}: a close "reason" must be a string of at most 123 UTF-8 bytes`);
      return { ok: true, value: { kind: 'close', delayMs: delay, code, reason } };
    }
    default:
      return fail(`${where}: unknown step kind ${JSON.stringify(String(x.kind)).slice(0, 40)} (event, stall, duplicate, drop or close)`);
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Checks the steps as a whole, for the mock's transport: bounded, a duplicate has an event
 * before it, nothing after a drop or a close; a close and binary events only on a WebSocket;
 * an EventSource's events are SSE blocks that each carry a message or a `retry:`.
 */
export function checkSteps(steps: MockStep[], transport?: MockTransport): string | null {
  if (steps.length > MOCK_LIMITS.steps) return `more than ${MOCK_LIMITS.steps} steps`;
  let bytes = 0;
  let total = 0;
  let seenEvent = false;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.kind === 'event') {
      bytes += s.data.length;
      seenEvent = true;
      if (s.binary && transport !== 'websocket') return `step ${i + 1}: binary events are for WebSocket mocks`;
      if (s.binary && !BASE64.test(s.data)) return `step ${i + 1}: a binary event's data must be standard base64`;
      if (transport === 'eventsource') {
        const block = sseBlockMessages(s.data);
        if (block.messages.length === 0 && block.retryMs === null) return `step ${i + 1}: an EventSource event must be an SSE block with a "data:" line (or a "retry:")`;
      }
    }
    if (s.kind === 'duplicate' && !seenEvent) return `step ${i + 1}: a duplicate needs an event before it`;
    if (s.kind === 'drop' && i !== steps.length - 1) return `step ${i + 1}: a drop ends the stream, so it must be the last step`;
    if (s.kind === 'close' && transport !== 'websocket') return `step ${i + 1}: a close step is for WebSocket mocks (an http or EventSource mock ends after its last step, or with a drop)`;
    if (s.kind === 'close' && i !== steps.length - 1) return `step ${i + 1}: a close ends the socket, so it must be the last step`;
    total += s.kind === 'stall' ? s.ms : s.delayMs;
  }
  if (bytes > MOCK_LIMITS.bytes) return `the events are larger than ${MOCK_LIMITS.bytes} characters`;
  if (total > MOCK_LIMITS.durationMs) return `the mock lasts longer than ${MOCK_LIMITS.durationMs} ms`;
  return null;
}

/** Rebuilds a mock from untrusted input (a file, an imported trace, the panel's storage). */
export function parseMock(x: unknown): Parsed<Mock> {
  if (!isObj(x)) return fail('a mock must be an object');
  const name = typeof x.name === 'string' ? x.name.slice(0, MOCK_LIMITS.name) : 'mock';
  const transport = x.transport;
  if (transport !== undefined && !MOCK_TRANSPORTS.includes(transport as MockTransport)) return fail(`"transport" must be ${MOCK_TRANSPORTS.map((t) => `"${t}"`).join(' or ')}, or absent for a fetch/XHR mock`);
  const socket = transport as MockTransport | undefined;
  const req = x.request;
  if (!isObj(req)) return fail('"request" must be an object with method and url');
  const method = typeof req.method === 'string' ? req.method.toUpperCase() : 'GET';
  if (!/^[A-Z]{1,16}$/.test(method)) return fail(`bad request method ${JSON.stringify(String(req.method)).slice(0, 40)}`);
  if (socket && method !== 'GET') return fail(`a ${socket === 'websocket' ? 'WebSocket' : 'EventSource'} mock answers a GET (got ${method})`);
  const urlError = checkMockUrl(req.url, socket);
  if (urlError) return fail(`request.url: ${urlError}`);
  const res = x.response ?? {};
  if (!isObj(res)) return fail('"response" must be an object');
  const status = res.status ?? (socket === 'websocket' ? 101 : 200);
  if (socket === 'websocket' ? status !== 101 : typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    return fail(socket === 'websocket' ? 'a WebSocket mock\'s response.status is 101 (Switching Protocols)' : 'response.status must be a whole number from 200 to 599');
  }
  const rawHeaders = res.headers ?? [];
  if (!Array.isArray(rawHeaders)) return fail('response.headers must be a list of [name, value] pairs');
  if (rawHeaders.length > MOCK_LIMITS.headers) return fail(`more than ${MOCK_LIMITS.headers} response headers`);
  const headers: Header[] = [];
  for (let i = 0; i < rawHeaders.length; i++) {
    const h = rawHeaders[i];
    if (!Array.isArray(h) || h.length !== 2 || typeof h[0] !== 'string' || typeof h[1] !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(h[0]) || h[1].length > MOCK_LIMITS.headerBytes || /[\r\n\0]/.test(h[1])) {
      return fail(`response.headers[${i}] must be a [name, value] pair of a valid header`);
    }
    headers.push([h[0], h[1]]);
  }
  if (!Array.isArray(x.steps)) return fail('"steps" must be a list');
  if (x.steps.length > MOCK_LIMITS.steps) return fail(`more than ${MOCK_LIMITS.steps} steps`);
  const steps: MockStep[] = [];
  for (let i = 0; i < x.steps.length; i++) {
    const p = parseStep(x.steps[i], `step ${i + 1}`);
    if (!p.ok) return p;
    steps.push(p.value);
  }
  const stepsError = checkSteps(steps, socket);
  if (stepsError) return fail(stepsError);
  return { ok: true, value: { name, ...(socket ? { transport: socket } : {}), request: { method, url: req.url as string }, response: { status: status as number, headers }, steps } };
}

/**
 * What the hook serves for a mock: chunks at their times from the response, and the end —
 * closed after the last chunk, or failed at the drop.
 */
export function compileMock(mock: Mock): ReplayRecording {
  if (mock.transport) throw new Error(`a ${mock.transport} mock compiles with compileAnyMock`);
  const chunks: ReplayChunk[] = [];
  let at = 0;
  let previous: string | null = null;
  let dropAt: number | null = null;
  for (const s of mock.steps) {
    if (s.kind === 'stall') {
      at += s.ms;
      continue;
    }
    at += s.delayMs;
    if (s.kind === 'event') {
      chunks.push({ at, text: s.data });
      previous = s.data;
    } else if (s.kind === 'duplicate') {
      if (previous === null) throw new Error('a duplicate needs an event before it');
      chunks.push({ at, text: previous });
    } else if (s.kind === 'drop') {
      dropAt = at;
      break;
    }
  }
  return {
    method: mock.request.method,
    url: mock.request.url,
    status: mock.response.status,
    statusText: '',
    headers: mock.response.headers,
    chunks,
    // A trailing stall holds the stream open before it closes, as a slow server's end does.
    end: { kind: dropAt === null ? 'close' : 'drop', at: dropAt ?? at },
    mock: true,
  };
}
