/**
 * Validation of an imported trace: takes any value (from our parser or from `JSON.parse`) and
 * returns a trace rebuilt field by field from known fields only, or an error that names the
 * problem and its JSON path. It never returns the input object or any object of it, never
 * throws, and bounds every count and string, so nothing hostile survives into the panel.
 */
import { parseMock } from '../mock/model';
import { CONNECTION_STATES, type ConnectionSummary, type ControlNote, type FiredFault, type PageSignalEvent, type ReconnectMark } from '../trace/model';
import { CONNECTION_KINDS, CONTROL_ACTIONS, DIRECTIONS, END_CAUSES, FRAME_MARKS, PAGE_SIGNALS, WORKER_TYPES, type DeepOrigin, type Header, type JoinedLate } from '../trace/records';
import { FAULT_KINDS } from '../faults/spec';
import { SEVERITIES, TEST_IDS, VERDICT_KINDS } from '../analysis/types';
import { VIEW_LIMITS, type ViewSample } from '../view/sample';
import { FORBIDDEN_KEYS, ImportFailure, failure, formatPath } from './json-stream';
import {
  DEFAULT_IMPORT_LIMITS,
  TRACE_FAULT_KINDS,
  TRACE_FORMAT,
  TRACE_VERSION,
  type Evidence,
  type FaultParams,
  type ImportLimits,
  type ImportResult,
  type TraceConnectionV1,
  type TraceEventV1,
  type TraceFault,
  type TraceFileV1,
  type TraceFlag,
  type TraceSessionV1,
  type TraceTestRun,
  type TraceTiming,
} from './trace-format';
import { GAP_BUCKET_BOUNDS, TOKEN_SOURCES, type GapStats, type MessageTiming, type ResumeWait, type Stall, type TokenCount } from '../analysis/timing';
import { MAX_VIEW_SAMPLES } from './trace-view';

/** Mocks one trace may carry (each is bounded by the mock parser). */
export const MAX_TRACE_MOCKS = 200;

/** Per-field bounds; they mirror what the capture itself keeps (records.ts), with headroom. */
export const FIELD_LIMITS = {
  id: 512,
  label: 1024,
  url: 65_536,
  method: 32,
  headerName: 256,
  headerValue: 8192,
  headers: 512,
  bodyPreview: 256 * 1024,
  detail: 4096,
  message: 16_384,
  evidence: 10_000,
  listed: 100_000,
  params: 256,
  /** The live capture's own bounds on the page's view (see trace-view.ts). */
  viewText: VIEW_LIMITS.blockChars,
  viewSamples: MAX_VIEW_SAMPLES,
} as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function isValidBase64(s: string): boolean {
  if (!BASE64.test(s)) return false;
  return s.endsWith('=') ? s.length % 4 === 0 : s.length % 4 !== 1;
}

type Obj = Record<string, unknown>;

/** Walks the input keeping the current JSON path, so every error can say where it is. */
class Checker {
  readonly segs: (string | number)[] = [];
  readonly warnings: string[] = [];
  events = 0;
  connections = 0;
  constructor(readonly limits: ImportLimits) {}

  fail(message: string, kind: 'invalid' | 'limit' = 'invalid'): never {
    const path = formatPath(this.segs);
    throw failure(kind, `Invalid trace at ${path || 'the top level'}: ${message}.`, path ? { path } : {});
  }

  at<T>(seg: string | number, f: () => T): T {
    this.segs.push(seg);
    const v = f();
    this.segs.pop();
    return v;
  }

  obj(x: unknown, what: string): Obj {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) this.fail(`expected ${what} (an object), found ${typeName(x)}`);
    for (const k of Object.keys(x)) if (FORBIDDEN_KEYS.has(k)) this.at(k, () => this.fail(`forbidden key "${k}"`));
    // A JSON.parse result can carry an own "__proto__" that Object.keys does not hide; check it too.
    if (Object.hasOwn(x, '__proto__')) this.at('__proto__', () => this.fail('forbidden key "__proto__"'));
    return x as Obj;
  }

  field(o: Obj, k: string): unknown {
    return Object.hasOwn(o, k) ? o[k] : undefined;
  }

  str(o: Obj, k: string, max: number): string {
    return this.at(k, () => {
      const v = this.field(o, k);
      if (typeof v !== 'string') this.fail(`expected a string, found ${typeName(v)}`);
      if (v.length > max) this.fail(`string of ${v.length} characters is longer than the ${max} allowed`, 'limit');
      return v;
    });
  }

  strOrNull(o: Obj, k: string, max: number): string | null {
    const v = this.field(o, k);
    return v === null ? null : this.str(o, k, max);
  }

  optStr(o: Obj, k: string, max: number): string | undefined {
    return this.field(o, k) === undefined ? undefined : this.str(o, k, max);
  }

  num(o: Obj, k: string, opts: { int?: boolean; min?: number } = {}): number {
    return this.at(k, () => this.numValue(this.field(o, k), opts));
  }

  numValue(v: unknown, opts: { int?: boolean; min?: number } = {}): number {
    if (typeof v !== 'number') this.fail(`expected a number, found ${typeName(v)}`);
    if (!Number.isFinite(v)) this.fail(`expected a finite number, found ${v}`);
    if (opts.int && !Number.isInteger(v)) this.fail(`expected an integer, found ${v}`);
    if (opts.min !== undefined && v < opts.min) this.fail(`expected a number >= ${opts.min}, found ${v}`);
    return v;
  }

  numOrNull(o: Obj, k: string, opts: { int?: boolean; min?: number } = {}): number | null {
    return this.field(o, k) === null ? null : this.num(o, k, opts);
  }

  optNum(o: Obj, k: string, opts: { int?: boolean; min?: number } = {}): number | undefined {
    return this.field(o, k) === undefined ? undefined : this.num(o, k, opts);
  }

  bool(o: Obj, k: string): boolean {
    return this.at(k, () => {
      const v = this.field(o, k);
      if (typeof v !== 'boolean') this.fail(`expected true or false, found ${typeName(v)}`);
      return v;
    });
  }

  oneOf<T extends string>(o: Obj, k: string, allowed: readonly T[]): T {
    return this.at(k, () => {
      const v = this.field(o, k);
      if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
        this.fail(`expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, found ${describe(v)}`);
      }
      return v as T;
    });
  }

  oneOfOrNull<T extends string>(o: Obj, k: string, allowed: readonly T[]): T | null {
    return this.field(o, k) === null ? null : this.oneOf(o, k, allowed);
  }

  /** Maps an array field with bounded length, each element under its index in the path. */
  list<T>(o: Obj, k: string, max: number, each: (x: unknown, i: number) => T): T[] {
    return this.at(k, () => {
      const v = this.field(o, k);
      if (!Array.isArray(v)) this.fail(`expected an array, found ${typeName(v)}`);
      if (v.length > max) this.fail(`${v.length} items is more than the ${max} allowed`, 'limit');
      const out: T[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        this.segs.push(i);
        out[i] = each(v[i], i);
        this.segs.pop();
      }
      return out;
    });
  }

  optList<T>(o: Obj, k: string, max: number, each: (x: unknown, i: number) => T): T[] | undefined {
    return this.field(o, k) === undefined ? undefined : this.list(o, k, max, each);
  }
}

function typeName(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (x === undefined) return 'nothing (missing)';
  return typeof x === 'object' ? 'an object' : `a ${typeof x}`;
}

function describe(x: unknown): string {
  return typeof x === 'string' ? JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x) : typeName(x);
}

function headers(c: Checker, o: Obj, k: string): Header[] {
  return c.list(o, k, FIELD_LIMITS.headers, (h) => {
    if (!Array.isArray(h) || h.length !== 2) c.fail('expected a [name, value] pair');
    const name = c.at(0, () => c.str({ v: h[0] }, 'v', FIELD_LIMITS.headerName));
    const value = c.at(1, () => c.str({ v: h[1] }, 'v', FIELD_LIMITS.headerValue));
    return [name, value] as Header;
  });
}

function summary(c: Checker, x: unknown): ConnectionSummary {
  const o = c.obj(x, 'a connection summary');
  return {
    id: c.str(o, 'id', FIELD_LIMITS.id),
    kind: c.oneOf(o, 'kind', CONNECTION_KINDS),
    url: c.str(o, 'url', FIELD_LIMITS.url),
    method: c.str(o, 'method', FIELD_LIMITS.method),
    startedAt: c.num(o, 'startedAt', { min: 0 }),
    status: c.numOrNull(o, 'status', { int: true, min: 0 }),
    contentType: c.strOrNull(o, 'contentType', FIELD_LIMITS.headerValue),
    streaming: c.bool(o, 'streaming'),
    state: c.oneOf(o, 'state', CONNECTION_STATES),
    endedAt: c.numOrNull(o, 'endedAt', { min: 0 }),
    end: c.oneOfOrNull(o, 'end', END_CAUSES),
    endDetail: c.strOrNull(o, 'endDetail', FIELD_LIMITS.detail),
    events: c.num(o, 'events', { int: true, min: 0 }),
    bytesIn: c.num(o, 'bytesIn', { int: true, min: 0 }),
    bytesOut: c.num(o, 'bytesOut', { int: true, min: 0 }),
    reconnects: c.num(o, 'reconnects', { int: true, min: 0 }),
    requestHeaders: headers(c, o, 'requestHeaders'),
    responseHeaders: headers(c, o, 'responseHeaders'),
    requestBodySize: c.numOrNull(o, 'requestBodySize', { int: true, min: 0 }),
    requestBodyPreview: c.strOrNull(o, 'requestBodyPreview', FIELD_LIMITS.bodyPreview),
    detail: c.strOrNull(o, 'detail', FIELD_LIMITS.detail),
    faults: c.list(o, 'faults', FIELD_LIMITS.evidence, (f) => firedFault(c, f)),
    endInjected: c.bool(o, 'endInjected'),
    reconnectMarks: c.list(o, 'reconnectMarks', FIELD_LIMITS.evidence, (m) => reconnectMark(c, m)),
    // Absent in traces written before connections could join late: they all started captured.
    joinedLate: c.field(o, 'joinedLate') == null ? null : c.at('joinedLate', () => joinedLate(c, c.field(o, 'joinedLate'))),
    // Absent for connections the page hook captured (and in traces from before deep capture).
    ...(c.field(o, 'deep') == null ? {} : { deep: c.at('deep', () => deepOrigin(c, c.field(o, 'deep'))) }),
    // Absent where the WebSocket control did nothing (and in traces from before it).
    ...(c.field(o, 'controls') == null ? {} : { controls: c.list(o, 'controls', FIELD_LIMITS.evidence, (n) => controlNote(c, n)) }),
  };
}

function controlNote(c: Checker, x: unknown): ControlNote {
  const o = c.obj(x, 'a WebSocket control step');
  return {
    time: c.num(o, 'time', { min: 0 }),
    action: c.oneOf(o, 'action', CONTROL_ACTIONS),
    dir: c.oneOfOrNull(o, 'dir', DIRECTIONS),
    holdId: c.strOrNull(o, 'holdId', FIELD_LIMITS.id),
    detail: c.strOrNull(o, 'detail', FIELD_LIMITS.detail),
    error: c.strOrNull(o, 'error', FIELD_LIMITS.detail),
  };
}

function deepOrigin(c: Checker, x: unknown): DeepOrigin {
  const o = c.obj(x, 'the worker a deep-captured connection came from');
  return { via: c.oneOf(o, 'via', ['deep-capture'] as const), workerType: c.oneOf(o, 'workerType', WORKER_TYPES), workerUrl: c.str(o, 'workerUrl', FIELD_LIMITS.url) };
}

function joinedLate(c: Checker, x: unknown): JoinedLate {
  const o = c.obj(x, 'what a late connection missed');
  const uncounted = c.field(o, 'uncounted');
  if (uncounted !== undefined && uncounted !== true) c.at('uncounted', () => c.fail(`expected true or nothing, found ${typeName(uncounted)}`));
  return { missedFrames: c.num(o, 'missedFrames', { int: true, min: 0 }), missedBytes: c.num(o, 'missedBytes', { int: true, min: 0 }), ...(uncounted === true ? { uncounted: true as const } : {}) };
}

function firedFault(c: Checker, x: unknown): FiredFault {
  const o = c.obj(x, 'a fired fault');
  return {
    id: c.str(o, 'id', FIELD_LIMITS.id),
    kind: c.oneOf(o, 'kind', FAULT_KINDS),
    time: c.num(o, 'time', { min: 0 }),
    connectionId: c.strOrNull(o, 'connectionId', FIELD_LIMITS.id),
    detail: c.strOrNull(o, 'detail', FIELD_LIMITS.detail),
  };
}

function reconnectMark(c: Checker, x: unknown): ReconnectMark {
  const o = c.obj(x, 'a reconnect mark');
  return {
    time: c.num(o, 'time', { min: 0 }),
    afterEvents: c.num(o, 'afterEvents', { int: true, min: 0 }),
    lastEventId: c.strOrNull(o, 'lastEventId', FIELD_LIMITS.label),
    reopenedAt: c.numOrNull(o, 'reopenedAt', { min: 0 }),
  };
}

/** Copies a JSON value with bounded depth; objects come back with only their own data keys. */
function jsonValue(c: Checker, x: unknown, depth: number): unknown {
  if (x === null || typeof x === 'boolean' || typeof x === 'string') {
    if (typeof x === 'string' && x.length > c.limits.maxStringLength) c.fail('string too long', 'limit');
    return x;
  }
  if (typeof x === 'number') return c.numValue(x);
  if (depth > c.limits.maxDepth) c.fail(`nesting deeper than ${c.limits.maxDepth} levels`, 'limit');
  if (Array.isArray(x)) {
    if (x.length > FIELD_LIMITS.listed) c.fail('array too long', 'limit');
    return x.map((v, i) => c.at(i, () => jsonValue(c, v, depth + 1)));
  }
  if (typeof x === 'object') {
    const o = c.obj(x, 'an object');
    const out: Obj = {};
    for (const k of Object.keys(o)) out[k] = c.at(k, () => jsonValue(c, o[k], depth + 1));
    return out;
  }
  return c.fail(`expected a JSON value, found ${typeName(x)}`);
}

function event(c: Checker, x: unknown, index: number): TraceEventV1 {
  const o = c.obj(x, 'an event');
  const seq = c.num(o, 'seq', { int: true, min: 0 });
  if (seq !== index) c.at('seq', () => c.fail(`expected ${index} (events are numbered from 0 in order), found ${seq}`));
  const text = c.strOrNull(o, 'text', c.limits.maxStringLength);
  const base64 = c.strOrNull(o, 'base64', c.limits.maxStringLength);
  if (base64 !== null && !isValidBase64(base64)) c.at('base64', () => c.fail('not valid base64'));
  if (text !== null && base64 !== null) c.fail('an event carries text or base64, not both');
  const e: TraceEventV1 = {
    seq,
    time: c.num(o, 'time', { min: 0 }),
    dir: c.oneOf(o, 'dir', DIRECTIONS),
    text,
    base64,
    size: c.num(o, 'size', { int: true, min: 0 }),
    event: c.strOrNull(o, 'event', FIELD_LIMITS.label),
    id: c.strOrNull(o, 'id', FIELD_LIMITS.label),
  };
  if (c.field(o, 'mark') !== undefined) e.mark = c.oneOf(o, 'mark', FRAME_MARKS);
  const parsed = c.field(o, 'parsed');
  if (parsed !== undefined) {
    e.parsed = c.at('parsed', () => {
      const p = c.obj(parsed, 'parsed fields');
      return Object.hasOwn(p, 'json') ? { json: c.at('json', () => jsonValue(c, p.json, 0)) } : {};
    });
  }
  return e;
}

function tokenCount(c: Checker, x: unknown): TokenCount {
  const o = c.obj(x, 'a token count');
  return { tokens: c.num(o, 'tokens', { int: true, min: 0 }), source: c.oneOf(o, 'source', TOKEN_SOURCES), chars: c.num(o, 'chars', { int: true, min: 0 }) };
}

function gapStatsOf(c: Checker, x: unknown): GapStats {
  const o = c.obj(x, 'gap statistics');
  return {
    count: c.num(o, 'count', { int: true, min: 0 }),
    p50Ms: c.numOrNull(o, 'p50Ms', { min: 0 }),
    p95Ms: c.numOrNull(o, 'p95Ms', { min: 0 }),
    maxMs: c.numOrNull(o, 'maxMs', { min: 0 }),
    histogram: c.list(o, 'histogram', GAP_BUCKET_BOUNDS.length + 1, (b) => {
      const h = c.obj(b, 'a histogram bucket');
      return { fromMs: c.num(h, 'fromMs', { min: 0 }), toMs: c.numOrNull(h, 'toMs', { min: 0 }), count: c.num(h, 'count', { int: true, min: 0 }) };
    }),
  };
}

function stall(c: Checker, x: unknown): Stall {
  const o = c.obj(x, 'a stall');
  return { start: c.num(o, 'start'), end: c.num(o, 'end'), durationMs: c.num(o, 'durationMs', { min: 0 }), fromSeq: c.num(o, 'fromSeq', { int: true, min: 0 }), toSeq: c.num(o, 'toSeq', { int: true, min: 0 }) };
}

function messageTiming(c: Checker, x: unknown): MessageTiming {
  const o = c.obj(x, 'a message timing');
  return {
    key: c.str(o, 'key', FIELD_LIMITS.id),
    firstTokenMs: c.num(o, 'firstTokenMs'),
    lastTokenMs: c.num(o, 'lastTokenMs'),
    tokens: c.at('tokens', () => tokenCount(c, c.field(o, 'tokens'))),
    tokensPerSecond: c.numOrNull(o, 'tokensPerSecond', { min: 0 }),
  };
}

/** Derived figures, rebuilt field by field like everything else (they are shown as they are). */
function timing(c: Checker, x: unknown): TraceTiming {
  const o = c.obj(x, 'stream timing');
  return {
    firstByteMs: c.numOrNull(o, 'firstByteMs'),
    firstTokenMs: c.numOrNull(o, 'firstTokenMs'),
    totalMs: c.numOrNull(o, 'totalMs'),
    tokens: c.at('tokens', () => tokenCount(c, c.field(o, 'tokens'))),
    tokensPerSecond: c.numOrNull(o, 'tokensPerSecond', { min: 0 }),
    gaps: c.at('gaps', () => gapStatsOf(c, c.field(o, 'gaps'))),
    stallMs: c.num(o, 'stallMs', { min: 0 }),
    stalls: c.list(o, 'stalls', FIELD_LIMITS.listed, (v) => stall(c, v)),
    messages: c.list(o, 'messages', FIELD_LIMITS.listed, (v) => messageTiming(c, v)),
  };
}

function resumeWait(c: Checker, x: unknown): ResumeWait {
  const o = c.obj(x, 'a wait across a reconnect');
  return {
    beforeConnectionId: c.str(o, 'beforeConnectionId', FIELD_LIMITS.id),
    afterConnectionId: c.str(o, 'afterConnectionId', FIELD_LIMITS.id),
    brokeAt: c.num(o, 'brokeAt', { min: 0 }),
    reopenedAt: c.num(o, 'reopenedAt', { min: 0 }),
    lastTextAt: c.numOrNull(o, 'lastTextAt', { min: 0 }),
    nextTextAt: c.numOrNull(o, 'nextTextAt', { min: 0 }),
    waitedMs: c.numOrNull(o, 'waitedMs'),
  };
}

function connection(c: Checker, x: unknown): TraceConnectionV1 {
  const o = c.obj(x, 'a connection');
  if (++c.connections > c.limits.maxConnections) c.fail(`more than ${c.limits.maxConnections} connections`, 'limit');
  const s = c.at('summary', () => summary(c, c.field(o, 'summary')));
  const t = c.field(o, 'timing');
  const timed = t === undefined ? undefined : c.at('timing', () => timing(c, t));
  const evs = c.field(o, 'events');
  if (Array.isArray(evs) && c.events + evs.length > c.limits.maxEvents) {
    c.at('events', () => c.fail(`more than ${c.limits.maxEvents} events in the trace`, 'limit'));
  }
  const events = c.list(o, 'events', c.limits.maxEvents, (e, i) => event(c, e, i));
  c.events += events.length;
  if (s.events !== events.length) {
    c.warnings.push(`${formatPath([...c.segs, 'summary', 'events'])} says ${s.events} events but ${events.length} are present.`);
  }
  return timed === undefined ? { summary: s, events } : { summary: s, timing: timed, events };
}

function signal(c: Checker, x: unknown): PageSignalEvent {
  const o = c.obj(x, 'a page signal');
  return {
    time: c.num(o, 'time', { min: 0 }),
    signal: c.oneOf(o, 'signal', PAGE_SIGNALS),
    detail: c.strOrNull(o, 'detail', FIELD_LIMITS.detail),
    docId: c.str(o, 'docId', FIELD_LIMITS.id),
  };
}

function viewSample(c: Checker, x: unknown): ViewSample {
  const o = c.obj(x, 'a view sample');
  const time = c.num(o, 'time', { min: 0 });
  const docId = c.str(o, 'docId', FIELD_LIMITS.id);
  const block = c.num(o, 'block', { int: true, min: 0 });
  // The relay's block numbers are safe integers (sanitizeViewSamples refuses others live).
  if (!Number.isSafeInteger(block)) c.at('block', () => c.fail(`expected a safe integer, found ${block}`));
  return { time, docId, block, text: c.str(o, 'text', FIELD_LIMITS.viewText) };
}

function session(c: Checker, x: unknown): TraceSessionV1 {
  const o = c.obj(x, 'a session');
  const s: TraceSessionV1 = {
    id: c.str(o, 'id', FIELD_LIMITS.id),
    tabId: c.numOrNull(o, 'tabId', { int: true }),
    browserRun: c.str(o, 'browserRun', FIELD_LIMITS.id),
    url: c.str(o, 'url', FIELD_LIMITS.url),
    startedAt: c.num(o, 'startedAt', { min: 0 }),
    updatedAt: c.num(o, 'updatedAt', { min: 0 }),
    correlationIds: c.list(o, 'correlationIds', 1000, (_, i) => c.at(i, () => c.str({ v: _ }, 'v', FIELD_LIMITS.label))),
    signals: c.list(o, 'signals', FIELD_LIMITS.listed, (s) => signal(c, s)),
    connections: [],
  };
  // Optional: traces written before the view existed have none.
  const view = c.optList(o, 'view', FIELD_LIMITS.viewSamples, (v) => viewSample(c, v));
  if (view !== undefined) s.view = view;
  const waits = c.optList(o, 'resumeWaits', FIELD_LIMITS.listed, (w) => resumeWait(c, w));
  if (waits !== undefined) s.resumeWaits = waits;
  s.connections = c.list(o, 'connections', c.limits.maxConnections, (k) => connection(c, k));
  return s;
}

function evidence(c: Checker, x: unknown): Evidence {
  const o = c.obj(x, 'an evidence item');
  const e: Evidence = { label: c.str(o, 'label', FIELD_LIMITS.label) };
  const connectionId = c.optStr(o, 'connectionId', FIELD_LIMITS.id);
  if (connectionId !== undefined) e.connectionId = connectionId;
  const eventSeqs = c.optList(o, 'eventSeqs', FIELD_LIMITS.evidence, (s) => c.numValue(s, { int: true, min: 0 }));
  if (eventSeqs !== undefined) e.eventSeqs = eventSeqs;
  const time = c.optNum(o, 'time', { min: 0 });
  if (time !== undefined) e.time = time;
  const text = c.optStr(o, 'text', FIELD_LIMITS.message);
  if (text !== undefined) e.text = text;
  return e;
}

function params(c: Checker, x: unknown): FaultParams {
  const o = c.obj(x, 'fault parameters');
  const keys = Object.keys(o);
  if (keys.length > FIELD_LIMITS.params) c.fail(`more than ${FIELD_LIMITS.params} parameters`, 'limit');
  const out: FaultParams = {};
  for (const k of keys) {
    c.at(k, () => {
      if (k.length > 64) c.fail('parameter name longer than 64 characters', 'limit');
      const v = o[k];
      if (typeof v === 'string') out[k] = c.str(o, k, FIELD_LIMITS.label);
      else if (typeof v === 'number') out[k] = c.numValue(v);
      else if (typeof v === 'boolean') out[k] = v;
      else c.fail(`expected a string, number or boolean, found ${typeName(v)}`);
    });
  }
  return out;
}

function fault(c: Checker, x: unknown): TraceFault {
  const o = c.obj(x, 'a fault');
  const f: TraceFault = { id: c.str(o, 'id', FIELD_LIMITS.id), kind: c.oneOf(o, 'kind', TRACE_FAULT_KINDS), firedAt: c.num(o, 'firedAt', { min: 0 }), params: {} };
  const sessionId = c.optStr(o, 'sessionId', FIELD_LIMITS.id);
  if (sessionId !== undefined) f.sessionId = sessionId;
  const connectionId = c.optStr(o, 'connectionId', FIELD_LIMITS.id);
  if (connectionId !== undefined) f.connectionId = connectionId;
  f.params = c.at('params', () => params(c, c.field(o, 'params')));
  return f;
}

function testRun(c: Checker, x: unknown): TraceTestRun {
  const o = c.obj(x, 'a test run');
  const r: TraceTestRun = {
    id: c.str(o, 'id', FIELD_LIMITS.id),
    test: c.oneOf(o, 'test', TEST_IDS),
    startedAt: c.num(o, 'startedAt', { min: 0 }),
    verdict: c.oneOfOrNull(o, 'verdict', VERDICT_KINDS),
    reason: c.str(o, 'reason', FIELD_LIMITS.message),
    evidence: c.list(o, 'evidence', FIELD_LIMITS.evidence, (e) => evidence(c, e)),
  };
  const sessionId = c.optStr(o, 'sessionId', FIELD_LIMITS.id);
  if (sessionId !== undefined) r.sessionId = sessionId;
  const endedAt = c.optNum(o, 'endedAt', { min: 0 });
  if (endedAt !== undefined) r.endedAt = endedAt;
  const advice = c.field(o, 'advice');
  if (advice !== undefined) r.advice = c.strOrNull(o, 'advice', FIELD_LIMITS.message);
  return r;
}

function flag(c: Checker, x: unknown): TraceFlag {
  const o = c.obj(x, 'a flag');
  const f: TraceFlag = {
    id: c.str(o, 'id', FIELD_LIMITS.id),
    severity: c.oneOf(o, 'severity', SEVERITIES),
    message: c.str(o, 'message', FIELD_LIMITS.message),
    evidence: c.list(o, 'evidence', FIELD_LIMITS.evidence, (e) => evidence(c, e)),
  };
  const capability = c.optStr(o, 'capability', FIELD_LIMITS.label);
  if (capability !== undefined) f.capability = capability;
  const learnMore = c.optStr(o, 'learnMore', FIELD_LIMITS.label);
  if (learnMore !== undefined) f.learnMore = learnMore;
  return f;
}

function trace(c: Checker, x: unknown): TraceFileV1 {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) {
    throw failure('format', `Not a Durable Sessions trace: the file holds ${typeName(x)}, not an object.`);
  }
  const o = c.obj(x, 'a trace');
  const format = c.field(o, 'format');
  if (format !== TRACE_FORMAT) {
    throw failure('format', `Not a Durable Sessions trace: "format" is ${describe(format)}, expected "${TRACE_FORMAT}".`, { path: 'format' });
  }
  const version = c.field(o, 'version');
  if (version !== TRACE_VERSION) {
    const newer = typeof version === 'number' && version > TRACE_VERSION;
    throw failure(
      'version',
      `Unsupported trace version ${typeof version === 'number' ? version : describe(version)}: this inspector reads version ${TRACE_VERSION}${newer ? '; update the extension to open it' : ''}.`,
      { path: 'version' },
    );
  }
  const exportedAt = c.str(o, 'exportedAt', 64);
  if (!Number.isFinite(Date.parse(exportedAt))) c.at('exportedAt', () => c.fail(`not an ISO 8601 date: ${describe(exportedAt)}`));
  const environment = c.at('environment', () => {
    const e = c.obj(c.field(o, 'environment'), 'the environment');
    const env: TraceFileV1['environment'] = {
      browser: c.str(e, 'browser', FIELD_LIMITS.label),
      extensionVersion: c.str(e, 'extensionVersion', 64),
      pageUrl: c.str(e, 'pageUrl', FIELD_LIMITS.url),
    };
    const ua = c.optStr(e, 'userAgent', FIELD_LIMITS.label);
    if (ua !== undefined) env.userAgent = ua;
    return env;
  });
  const redaction = c.at('redaction', () => {
    const r = c.obj(c.field(o, 'redaction'), 'the redaction block');
    return {
      applied: c.bool(r, 'applied'),
      rules: c.list(r, 'rules', 10_000, (_, i) => c.at(i, () => c.str({ v: _ }, 'v', FIELD_LIMITS.label))),
      redactedCount: c.num(r, 'redactedCount', { int: true, min: 0 }),
    };
  });
  const trace: TraceFileV1 = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    exportedAt,
    environment,
    redaction,
    sessions: c.list(o, 'sessions', 100_000, (s) => session(c, s)),
    faults: c.list(o, 'faults', FIELD_LIMITS.listed, (f) => fault(c, f)),
    testRuns: c.list(o, 'testRuns', FIELD_LIMITS.listed, (r) => testRun(c, r)),
    flags: c.list(o, 'flags', FIELD_LIMITS.listed, (f) => flag(c, f)),
  };
  // Optional: traces written before mocks existed have none.
  const mocks = c.optList(o, 'mocks', MAX_TRACE_MOCKS, (m) => {
    const parsed = parseMock(m);
    if (!parsed.ok) c.fail(parsed.error);
    return parsed.value;
  });
  if (mocks !== undefined) trace.mocks = mocks;
  return trace;
}

/** Turns anything thrown into an ImportError; unexpected exceptions become a generic one. */
export function toImportError(e: unknown): ImportResult<never> {
  if (e instanceof ImportFailure) return { ok: false, error: e.error };
  const what = e instanceof RangeError ? 'the file is too complex to process' : 'an unexpected problem occurred while reading it';
  return { ok: false, error: { kind: 'invalid', message: `Could not import the trace: ${what}.` } };
}

/** Validates and rebuilds a trace value. Never throws. */
export function validateTrace(value: unknown, limits: Partial<ImportLimits> = {}): ImportResult {
  const c = new Checker({ ...DEFAULT_IMPORT_LIMITS, ...limits });
  try {
    const t = trace(c, value);
    return { ok: true, trace: t, warnings: c.warnings };
  } catch (e) {
    return toImportError(e);
  }
}
