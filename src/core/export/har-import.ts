/**
 * HAR import: our own HAR exports and HARs saved by Chrome (or other tools) become a trace.
 *
 * Which entries: streaming-capable ones — `_resourceType` fetch/xhr/websocket/eventsource, a
 * WebSocket or EventSource message list, a streaming content type, or our `_durableSessions`;
 * documents, scripts and images are skipped (counted in a warning).
 *
 * Events, by what the HAR carries:
 * - our `_durableSessions.chunks`: the body is cut back into the exact chunks with their times;
 * - `_webSocketMessages`: one event per text/binary frame (control frames skipped);
 * - EventSource: one event per `_eventSourceMessages` item, or per message parsed from the body;
 * - a fetch/XHR SSE body without chunks: one event per raw SSE block (the blocks joined are the
 *   body, so framing and protocol parsers work unchanged), timed by `_eventSourceMessages`
 *   when the counts match; NDJSON: one event per line; anything else: one event.
 * Events HAR gives no time for are stamped when the response started (start + timings up
 * to `wait`). Sizes are the UTF-8 (or decoded) byte lengths unless the chunks say otherwise.
 *
 * Sessions (their meta, signals and `view`, what the page showed) come from our log-level
 * `_durableSessions.sessions`; a foreign HAR gets one session per page, without a view.
 *
 * The result goes through `validateTrace` like any imported trace, so bounds and shapes are
 * checked in one place; structural HAR problems are reported with their HAR path.
 */
import { contentTypeOf, isStreamingContentType } from '../trace/model';
import { CONNECTION_KINDS, FRAME_MARKS, type ConnectionKind, type FrameMark, type Header } from '../trace/records';
import { base64ToBytes } from './base64';
import { failure, formatPath, ImportFailure } from './json-stream';
import { utf8Length } from '../trace/bytes';
import { parseSseBlock, splitSseBlocks } from './sse-split';
import { TRACE_FORMAT, TRACE_VERSION, type ImportLimits, type ImportResult } from './trace-format';
import { FIELD_LIMITS, isValidBase64, toImportError, validateTrace } from './trace-validate';

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const get = (o: unknown, k: string): unknown => (isObj(o) && Object.hasOwn(o, k) ? o[k] : undefined);
const str = (x: unknown, max: number): string | null => (typeof x === 'string' ? (x.length > max ? x.slice(0, max) : x) : null);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
/** HAR times are seconds; the model's are ms. Rounded to the microsecond so exports round-trip. */
const ms = (seconds: number): number => Math.round(seconds * 1e6) / 1e3;

export interface HarImportOptions {
  /** Import every entry as a connection, not only streaming-capable ones. */
  allEntries?: boolean;
}

function harFail(segs: (string | number)[], message: string): never {
  const path = formatPath(segs);
  throw failure('invalid', `Invalid HAR at ${path}: ${message}.`, { path });
}

function headersOf(x: unknown): Header[] {
  const out: Header[] = [];
  for (const h of arr(x).slice(0, FIELD_LIMITS.headers)) {
    const name = str(get(h, 'name'), FIELD_LIMITS.headerName);
    const value = str(get(h, 'value'), FIELD_LIMITS.headerValue);
    if (name !== null && value !== null) out.push([name, value]);
  }
  return out;
}

function kindOf(e: Obj, url: string, contentType: string | null, ds: unknown): ConnectionKind | null {
  const k = get(ds, 'kind');
  if (typeof k === 'string' && (CONNECTION_KINDS as readonly string[]).includes(k)) return k as ConnectionKind;
  const rt = typeof e._resourceType === 'string' ? e._resourceType.toLowerCase() : null;
  if (rt === 'websocket' || Array.isArray(e._webSocketMessages) || /^wss?:/i.test(url)) return 'websocket';
  if (rt === 'eventsource') return 'eventsource';
  if (rt === 'xhr') return 'xhr';
  if (rt === 'fetch') return 'fetch';
  if (Array.isArray(e._eventSourceMessages) || isStreamingContentType(contentType)) return 'fetch';
  return null;
}

interface Ev {
  time: number;
  dir: 'in' | 'out';
  text: string | null;
  base64: string | null;
  size: number;
  event: string | null;
  id: string | null;
}

const textEvent = (time: number, text: string, size = utf8Length(text)): Ev => ({ time, dir: 'in', text, base64: null, size, event: null, id: null });

function wsEvents(msgs: unknown[], warnings: string[], where: string): Ev[] {
  const out: Ev[] = [];
  for (const m of msgs) {
    const opcode = num(get(m, 'opcode'));
    const data = str(get(m, 'data'), Number.MAX_SAFE_INTEGER) ?? '';
    const t = num(get(m, 'time'));
    if (t === null || (opcode !== 1 && opcode !== 2)) continue;
    const dir = get(m, 'type') === 'send' ? 'out' : 'in';
    // Ours (`_mark`): what the WebSocket control did to the frame. One that is not a mark is
    // left out with a warning; the frame itself is kept.
    const mark = get(m, '_mark');
    const known = (FRAME_MARKS as readonly unknown[]).includes(mark);
    if (mark !== undefined && !known) warnings.push(`${where}: a WebSocket frame's _mark is not one of ${FRAME_MARKS.join(', ')} and was left out.`);
    const marked = known ? { mark: mark as FrameMark } : {};
    if (opcode === 2) {
      if (!isValidBase64(data)) {
        warnings.push(`${where}: a binary WebSocket frame is not valid base64 and was skipped.`);
        continue;
      }
      out.push({ time: ms(t), dir, text: null, base64: data, size: base64ToBytes(data)?.length ?? 0, event: null, id: null, ...marked });
    } else out.push({ time: ms(t), dir, text: data, base64: null, size: utf8Length(data), event: null, id: null, ...marked });
  }
  return out;
}

function esEvents(msgs: unknown[]): Ev[] {
  const out: Ev[] = [];
  for (const m of msgs) {
    const t = num(get(m, 'time'));
    if (t === null) continue;
    const data = str(get(m, 'data'), Number.MAX_SAFE_INTEGER) ?? '';
    const eventId = str(get(m, 'eventId'), FIELD_LIMITS.label);
    out.push({ ...textEvent(ms(t), data), event: str(get(m, 'eventName'), FIELD_LIMITS.label) || 'message', id: eventId === '' ? null : eventId });
  }
  return out;
}

/** Body events from chunk boundaries we wrote ourselves; null when they do not fit the body. */
function chunkEvents(chunks: unknown[], text: string, bytes: Uint8Array | null): Ev[] | null {
  const out: Ev[] = [];
  let at = 0;
  const total = bytes ? bytes.length : text.length;
  // Each chunk is decoded on its own: a text chunk that starts with U+FEFF keeps it (the default strips it as a BOM).
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  for (const c of chunks) {
    const time = num(get(c, 'time'));
    const size = num(get(c, 'size'));
    const length = num(get(c, 'length'));
    if (time === null || size === null || length === null || length < 0 || at + length > total) return null;
    if (bytes) {
      const slice = bytes.subarray(at, at + length);
      if (get(c, 'binary') === true) {
        let bin = '';
        for (let i = 0; i < slice.length; i += 0x8000) bin += String.fromCharCode(...slice.subarray(i, i + 0x8000));
        out.push({ time, dir: 'in', text: null, base64: btoa(bin), size, event: null, id: null });
      } else out.push(textEvent(time, decoder.decode(slice), size));
    } else out.push(textEvent(time, text.slice(at, at + length), size));
    at += length;
  }
  return at === total ? out : null;
}

function bodyEvents(e: Obj, kind: ConnectionKind, contentType: string | null, responseAt: number, warnings: string[], where: string): Ev[] {
  const content = get(get(e, 'response'), 'content');
  const raw = str(get(content, 'text'), Number.MAX_SAFE_INTEGER);
  let text = raw ?? '';
  let bytes: Uint8Array | null = null;
  if (raw !== null && get(content, 'encoding') === 'base64') {
    bytes = base64ToBytes(raw.replace(/\s+/g, ''));
    if (!bytes) {
      warnings.push(`${where}: the response body is not valid base64 and was left out.`);
      return [];
    }
    text = new TextDecoder().decode(bytes);
  }
  const chunks = get(get(e, '_durableSessions'), 'chunks');
  if (Array.isArray(chunks)) {
    const exact = chunkEvents(chunks, raw !== null && bytes ? raw : text, bytes);
    if (exact) return exact;
    warnings.push(`${where}: the recorded chunk boundaries do not match the body; it was imported without them.`);
  }
  if (text === '') return [];
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const sse = base === 'text/event-stream' || kind === 'eventsource';
  if (kind === 'eventsource') {
    const msgs: Ev[] = [];
    let lastId: string | null = null;
    for (const b of splitSseBlocks(text)) {
      const m = parseSseBlock(b);
      if (!m) continue;
      if (m.id !== null) lastId = m.id === '' ? null : m.id;
      msgs.push({ ...textEvent(responseAt, m.data), event: m.event, id: lastId });
    }
    return msgs;
  }
  if (sse) {
    const blocks = splitSseBlocks(text);
    const times = arr(get(e, '_eventSourceMessages')).map((m) => num(get(m, 'time')));
    const dispatching = blocks.filter((b) => parseSseBlock(b) !== null).length;
    let k = 0;
    return blocks.map((b) => {
      const t = times.length === dispatching && parseSseBlock(b) !== null ? times[k++] : null;
      return textEvent(t !== null && t !== undefined ? ms(t) : responseAt, b);
    });
  }
  if (/ndjson|jsonl|jsonlines|json-seq/.test(base)) return (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).map((l) => textEvent(responseAt, l));
  if (bytes && !/^text\/|json|xml|javascript/.test(base)) {
    return [{ time: responseAt, dir: 'in', text: null, base64: raw!.replace(/\s+/g, ''), size: bytes.length, event: null, id: null }];
  }
  return [textEvent(responseAt, text)];
}

function connectionOf(e: Obj, index: number, kind: ConnectionKind, segs: (string | number)[], warnings: string[]): { pageref: string | null; c: Obj } {
  const ds = get(e, '_durableSessions');
  const req = get(e, 'request');
  const res = get(e, 'response');
  if (!isObj(req)) harFail([...segs, 'request'], 'expected an object');
  const url = str(get(req, 'url'), FIELD_LIMITS.url);
  if (url === null) harFail([...segs, 'request', 'url'], 'expected a string');
  const started = str(get(e, 'startedDateTime'), 64);
  const startedIso = started === null ? NaN : Date.parse(started);
  const dsStart = num(get(ds, 'startedAt'));
  const startedAt = dsStart ?? startedIso;
  if (!Number.isFinite(startedAt) || startedAt < 0) harFail([...segs, 'startedDateTime'], `not a valid date: ${JSON.stringify(started)}`);
  const requestHeaders = headersOf(get(req, 'headers'));
  const responseHeaders = headersOf(get(res, 'headers'));
  const mime = str(get(get(res, 'content'), 'mimeType'), FIELD_LIMITS.headerValue);
  const contentType = contentTypeOf(responseHeaders) ?? (ds === undefined && mime && mime !== 'x-unknown' ? mime : null);
  const timings = get(e, 'timings');
  const before = ['blocked', 'dns', 'connect', 'send', 'wait'].reduce((a, k) => a + Math.max(0, num(get(timings, k)) ?? 0), 0);
  const responseAt = Math.round((startedAt + before) * 1000) / 1000;
  const where = formatPath(segs);
  let events: Ev[];
  if (kind === 'websocket') events = wsEvents(arr(get(e, '_webSocketMessages')), warnings, where);
  else if (kind === 'eventsource' && Array.isArray(get(e, '_eventSourceMessages'))) events = esEvents(arr(get(e, '_eventSourceMessages')));
  else events = bodyEvents(e, kind, contentType, responseAt, warnings, where);

  const status = num(get(res, 'status'));
  const error = str(get(res, '_error'), FIELD_LIMITS.detail);
  const total = num(get(e, 'time'));
  const fallbackEnd = error && /ERR_ABORTED|cancel/i.test(error) ? 'client-abort' : error || status === 0 ? 'network-error' : 'clean';
  const pick = <T>(k: string, fallback: T): unknown => (isObj(ds) && Object.hasOwn(ds, k) ? ds[k] : fallback);
  const preview = str(get(get(req, 'postData'), 'text'), 64 * 1024);
  const bodySize = num(get(req, 'bodySize'));
  const summary: Obj = {
    id: str(get(ds, 'connectionId'), FIELD_LIMITS.id) ?? `har:${index}`,
    kind,
    url,
    method: str(get(req, 'method'), FIELD_LIMITS.method) ?? 'GET',
    startedAt,
    status: pick('status', status !== null && status > 0 ? status : null),
    contentType,
    streaming: pick('streaming', kind === 'websocket' || kind === 'eventsource' || isStreamingContentType(contentType)),
    state: pick('state', 'ended'),
    endedAt: pick('endedAt', total !== null && total >= 0 ? startedAt + total : null),
    end: pick('end', fallbackEnd),
    endDetail: pick('endDetail', error),
    events: events.length,
    bytesIn: events.filter((v) => v.dir === 'in').reduce((a, v) => a + v.size, 0),
    bytesOut: events.filter((v) => v.dir === 'out').reduce((a, v) => a + v.size, 0),
    reconnects: pick('reconnects', 0),
    requestHeaders,
    responseHeaders,
    requestBodySize: bodySize !== null && bodySize >= 0 ? bodySize : null,
    requestBodyPreview: preview,
    detail: pick('detail', null),
    faults: pick('faults', []),
    endInjected: pick('endInjected', false),
    reconnectMarks: pick('reconnectMarks', []),
    joinedLate: pick('joinedLate', null),
  };
  return { pageref: str(get(e, 'pageref'), FIELD_LIMITS.id), c: { summary, events: events.map((v, seq) => ({ seq, ...v })) } };
}

/** Converts a parsed HAR into a validated trace. Never throws. */
export function harToTrace(value: unknown, options: HarImportOptions & { limits?: Partial<ImportLimits> } = {}): ImportResult {
  try {
    const warnings: string[] = [];
    const log = get(value, 'log');
    if (!isObj(log)) throw failure('format', 'Not a HAR file: there is no "log" object at the top level.', { path: 'log' });
    const entries = get(log, 'entries');
    if (!Array.isArray(entries)) harFail(['log', 'entries'], 'expected an array');
    const ds = get(log, '_durableSessions');
    const sessions = new Map<string, Obj & { connections: Obj[] }>();
    for (const s of arr(get(ds, 'sessions'))) {
      const id = str(get(s, 'id'), FIELD_LIMITS.id);
      if (id !== null && isObj(s)) sessions.set(id, { ...s, connections: [] });
    }
    arr(get(log, 'pages')).forEach((p) => {
      const id = str(get(p, 'id'), FIELD_LIMITS.id);
      if (id === null || sessions.has(id)) return;
      const title = str(get(p, 'title'), FIELD_LIMITS.url) ?? '';
      const started = Date.parse(str(get(p, 'startedDateTime'), 64) ?? '');
      const t = Number.isFinite(started) ? started : 0;
      sessions.set(id, { id, tabId: null, browserRun: 'har-import', url: /^[a-z][\w+.-]*:/i.test(title) ? title : '', startedAt: t, updatedAt: t, correlationIds: [], signals: [], connections: [] });
    });
    let skipped = 0;
    const ids = new Set<string>();
    entries.forEach((e, i) => {
      const segs = ['log', 'entries', i];
      if (!isObj(e)) harFail(segs, 'expected an object');
      const url = str(get(get(e, 'request'), 'url'), FIELD_LIMITS.url) ?? '';
      const ct = contentTypeOf(headersOf(get(get(e, 'response'), 'headers'))) ?? str(get(get(get(e, 'response'), 'content'), 'mimeType'), 256);
      const kind = kindOf(e, url, ct, get(e, '_durableSessions')) ?? (options.allEntries ? 'fetch' : null);
      if (!kind) {
        skipped++;
        return;
      }
      const { pageref, c } = connectionOf(e, i, kind, segs, warnings);
      const summary = c.summary as Obj;
      let id = summary.id as string;
      while (ids.has(id)) id = `${id}~`;
      ids.add(id);
      summary.id = id;
      const key = pageref !== null && sessions.has(pageref) ? pageref : 'har';
      if (!sessions.has(key)) {
        sessions.set(key, { id: key, tabId: null, browserRun: 'har-import', url: '', startedAt: summary.startedAt as number, updatedAt: summary.startedAt as number, correlationIds: [], signals: [], connections: [] });
      }
      const s = sessions.get(key)!;
      s.connections.push(c);
      if (ds === undefined) {
        s.startedAt = Math.min(s.startedAt as number, summary.startedAt as number);
        s.updatedAt = Math.max(s.updatedAt as number, (summary.endedAt as number | null) ?? (summary.startedAt as number));
      }
    });
    if (skipped > 0) warnings.push(`${skipped} HAR entr${skipped === 1 ? 'y was' : 'ies were'} not streaming requests (documents, scripts, images…) and were skipped.`);
    const browser = get(log, 'browser');
    const bName = str(get(browser, 'name'), 200);
    const bVersion = str(get(browser, 'version'), 200);
    const firstPage = [...sessions.values()][0];
    const candidate = {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      exportedAt: str(get(ds, 'exportedAt'), 64) ?? new Date().toISOString(),
      environment: {
        browser: bName ? `${bName}${bVersion ? ` ${bVersion}` : ''}` : 'unknown',
        extensionVersion: ds !== undefined ? (str(get(get(log, 'creator'), 'version'), 64) ?? '') : '',
        pageUrl: str(get(ds, 'pageUrl'), FIELD_LIMITS.url) ?? ((firstPage?.url as string | undefined) ?? ''),
        ...(typeof get(ds, 'userAgent') === 'string' ? { userAgent: get(ds, 'userAgent') } : {}),
      },
      redaction: get(ds, 'redaction') ?? { applied: false, rules: [], redactedCount: 0 },
      sessions: [...sessions.values()].filter((s) => s.connections.length > 0 || ds !== undefined),
      faults: get(ds, 'faults') ?? [],
      testRuns: get(ds, 'testRuns') ?? [],
      flags: get(ds, 'flags') ?? [],
      ...(get(ds, 'mocks') !== undefined ? { mocks: get(ds, 'mocks') } : {}),
    };
    const r = validateTrace(candidate, options.limits);
    return r.ok ? { ...r, warnings: [...warnings, ...r.warnings] } : r;
  } catch (e) {
    if (e instanceof ImportFailure) return { ok: false, error: e.error };
    return toImportError(e);
  }
}
