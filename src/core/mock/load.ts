/**
 * Mock loaders: a file someone has (an SSE body, NDJSON, a JSON list of frames, a HAR, or a
 * mock saved as JSON) becomes a Mock, or a clear error saying what is wrong and where.
 *
 * SSE bodies take their timing and special steps from comment lines, which an SSE parser
 * ignores anyway (WHATWG HTML §9.2.6: a line starting with ":" is a comment):
 *
 *   : mock delay 250      in a block: wait 250 ms before sending this block (default: the pace)
 *   : mock stall 2000     a block of its own: 2000 ms with nothing
 *   : mock duplicate      a block of its own: the previous block again
 *   : mock drop           a block of its own: the connection fails here (ends the mock)
 *
 * The `: mock …` lines are removed from what is served; other comments (`: ping`) stay.
 * NDJSON: one event per non-empty line (each must be JSON), at the pace. Frames: a JSON list of
 * `{ "delayMs": 120, "data": "…" }` (a string is sent as is, any other JSON value as one NDJSON
 * line), `{ "stall": 2000 }`, `{ "duplicate": true }` or `{ "drop": true }`.
 */
import { harToTrace } from '../export/har-import';
import { canReplay, recordingOf } from '../replay/recording';
import { splitSseBlocks } from '../export/sse-split';
import type { Header } from '../trace/records';
import { checkMockUrl, checkSteps, MOCK_LIMITS, parseMock, type Mock, type MockStep, type Parsed } from './model';

export interface LoadOptions {
  /** The request the mock answers, for formats that do not carry one (all but HAR and a saved mock). */
  url?: string;
  method?: string;
  /** Delay before each event that names none (ms). */
  paceMs?: number;
  name?: string;
}

export const DEFAULT_PACE_MS = 50;
/** Largest file a loader reads (characters). */
export const MAX_MOCK_FILE = 2 * MOCK_LIMITS.bytes;

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

export const SSE_HEADERS: Header[] = [['content-type', 'text/event-stream; charset=utf-8'], ['cache-control', 'no-cache']];
export const NDJSON_HEADERS: Header[] = [['content-type', 'application/x-ndjson']];

function finish(steps: MockStep[], headers: Header[], opts: LoadOptions): Parsed<Mock> {
  const url = opts.url ?? '';
  const urlError = checkMockUrl(url);
  if (urlError) return fail(`the mock needs the request it answers: ${urlError}`);
  const method = (opts.method ?? 'GET').toUpperCase();
  if (!/^[A-Z]{1,16}$/.test(method)) return fail(`bad request method ${opts.method}`);
  const stepsError = checkSteps(steps);
  if (stepsError) return fail(stepsError);
  return { ok: true, value: { name: opts.name ?? 'mock', request: { method, url }, response: { status: 200, headers }, steps } };
}

function pace(opts: LoadOptions): number | string {
  const p = opts.paceMs ?? DEFAULT_PACE_MS;
  return Number.isFinite(p) && p >= 0 && p <= MOCK_LIMITS.delayMs ? p : `the pace must be from 0 to ${MOCK_LIMITS.delayMs} ms`;
}

const DIRECTIVE = /^: ?mock\s+(\S+)(?:\s+(\S+))?\s*$/;

/** Reads an SSE body with `: mock …` directives into steps. */
export function loadSse(text: string, opts: LoadOptions = {}): Parsed<Mock> {
  if (text.length > MAX_MOCK_FILE) return fail(`the SSE file is larger than ${MAX_MOCK_FILE} characters`);
  const paceMs = pace(opts);
  if (typeof paceMs === 'string') return fail(paceMs);
  const steps: MockStep[] = [];
  const blocks = splitSseBlocks(text);
  let line = 1;
  for (const block of blocks) {
    const lines = block.split(/\r\n|\r|\n/);
    let delay: number | null = null;
    const kept: string[] = [];
    const special: MockStep[] = [];
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      const m = DIRECTIVE.exec(l);
      if (!m) {
        // `split` leaves an empty string after the last line break: not a line of the file.
        if (i < lines.length - 1 || l !== '') kept.push(l);
        continue;
      }
      const where = `line ${line + i}`;
      const ms = m[2] === undefined ? null : Number(m[2]);
      const okMs = ms !== null && Number.isFinite(ms) && ms >= 0 && ms <= MOCK_LIMITS.delayMs;
      switch (m[1]) {
        case 'delay':
          if (!okMs) return fail(`${where}: ": mock delay" needs a number of ms from 0 to ${MOCK_LIMITS.delayMs}`);
          delay = ms;
          break;
        case 'stall':
          if (!okMs) return fail(`${where}: ": mock stall" needs a number of ms from 0 to ${MOCK_LIMITS.delayMs}`);
          special.push({ kind: 'stall', ms: ms! });
          break;
        case 'duplicate':
          special.push({ kind: 'duplicate', delayMs: ms !== null && okMs ? ms : paceMs });
          break;
        case 'drop':
          special.push({ kind: 'drop', delayMs: ms !== null && okMs ? ms : 0 });
          break;
        default:
          return fail(`${where}: unknown directive ": mock ${m[1]}" (delay, stall, duplicate or drop)`);
      }
    }
    line += lines.length - 1;
    const content = kept.some((l) => l.trim() !== '');
    if (content && special.length > 0) return fail(`line ${line}: ": mock ${special[0]!.kind}" must be in a block of its own, between blank lines`);
    if (content) steps.push({ kind: 'event', delayMs: delay ?? paceMs, data: kept.join('\n') + '\n' });
    else steps.push(...special);
  }
  if (!steps.some((s) => s.kind === 'event')) return fail('the SSE file has no events');
  return finish(steps, SSE_HEADERS, opts);
}

/** One event per NDJSON line, each checked to be JSON. */
export function loadNdjson(text: string, opts: LoadOptions = {}): Parsed<Mock> {
  if (text.length > MAX_MOCK_FILE) return fail(`the NDJSON file is larger than ${MAX_MOCK_FILE} characters`);
  const paceMs = pace(opts);
  if (typeof paceMs === 'string') return fail(paceMs);
  const steps: MockStep[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === '') continue;
    try {
      JSON.parse(l);
    } catch (e) {
      return fail(`line ${i + 1} is not JSON (${(e as Error).message})`);
    }
    steps.push({ kind: 'event', delayMs: paceMs, data: `${l}\n` });
  }
  if (steps.length === 0) return fail('the NDJSON file has no lines');
  return finish(steps, NDJSON_HEADERS, opts);
}

/** A JSON list of frames and special steps. */
export function loadFrames(list: unknown, opts: LoadOptions = {}): Parsed<Mock> {
  if (!Array.isArray(list)) return fail('frames must be a JSON list');
  if (list.length > MOCK_LIMITS.steps) return fail(`more than ${MOCK_LIMITS.steps} frames`);
  const paceMs = pace(opts);
  if (typeof paceMs === 'string') return fail(paceMs);
  const steps: MockStep[] = [];
  let ndjson = false;
  for (let i = 0; i < list.length; i++) {
    const f = list[i] as Record<string, unknown> | null;
    const where = `frame ${i + 1}`;
    if (typeof f !== 'object' || f === null || Array.isArray(f)) return fail(`${where}: expected an object`);
    const delay = f.delayMs ?? paceMs;
    if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0 || delay > MOCK_LIMITS.delayMs) return fail(`${where}: "delayMs" must be a number of ms from 0 to ${MOCK_LIMITS.delayMs}`);
    if ('data' in f) {
      if (f.data === undefined) return fail(`${where}: "data" is missing`);
      if (typeof f.data !== 'string') ndjson = true;
      steps.push({ kind: 'event', delayMs: delay, data: typeof f.data === 'string' ? f.data : `${JSON.stringify(f.data)}\n` });
    } else if ('stall' in f) {
      const ms = f.stall;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MOCK_LIMITS.delayMs) return fail(`${where}: "stall" must be a number of ms from 0 to ${MOCK_LIMITS.delayMs}`);
      steps.push({ kind: 'stall', ms });
    } else if (f.duplicate === true) steps.push({ kind: 'duplicate', delayMs: delay });
    else if (f.drop === true) steps.push({ kind: 'drop', delayMs: typeof f.delayMs === 'number' ? delay : 0 });
    else return fail(`${where}: expected "data", "stall", "duplicate": true or "drop": true`);
  }
  if (!steps.some((s) => s.kind === 'event')) return fail('the frames have no data');
  const first = steps.find((s): s is Extract<MockStep, { kind: 'event' }> => s.kind === 'event')!;
  const sse = !ndjson && /^(data|event|id|retry)?:/.test(first.data);
  return finish(steps, ndjson ? NDJSON_HEADERS : sse ? SSE_HEADERS : [['content-type', 'text/plain; charset=utf-8']], opts);
}

/** A HAR entry's streamed response (the first that can be served, or `entry`, 0-based). */
export function loadHar(har: unknown, opts: LoadOptions & { entry?: number } = {}): Parsed<Mock> {
  const r = harToTrace(har);
  if (!r.ok) return fail(r.error.message);
  const conns = r.trace.sessions.flatMap((s) => s.connections);
  const usable = conns.filter(canReplay);
  const conn = opts.entry === undefined ? usable[0] : conns[opts.entry];
  if (!conn) return fail(opts.entry === undefined ? 'the HAR has no streamed fetch/XHR response to serve' : `the HAR has no streaming entry ${opts.entry}`);
  if (!canReplay(conn)) return fail(`HAR entry ${opts.entry}: only a streamed fetch/XHR response with a body can be served`);
  const rec = recordingOf(conn);
  const steps: MockStep[] = [];
  let last = 0;
  for (const c of rec.chunks) {
    steps.push({ kind: 'event', delayMs: Math.min(MOCK_LIMITS.delayMs, Math.max(0, c.at - last)), data: c.text });
    last = c.at;
  }
  const headers = rec.headers.filter(([n]) => !/^(content-length|content-encoding|transfer-encoding)$/i.test(n));
  const mock = { name: opts.name ?? 'from HAR', request: { method: opts.method ?? rec.method, url: opts.url ?? rec.url }, response: { status: rec.status, headers }, steps };
  return parseMock(mock);
}

/** Picks the loader by the file's name, and for `.json` by its shape. */
export function loadMockFile(fileName: string, text: string, opts: LoadOptions = {}): Parsed<Mock> {
  if (text.length > MAX_MOCK_FILE) return fail(`${fileName} is larger than ${MAX_MOCK_FILE} characters`);
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (ext === 'ndjson' || ext === 'jsonl') return loadNdjson(text, opts);
  if (ext === 'json' || ext === 'har') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return fail(`${fileName} is not JSON (${(e as Error).message})`);
    }
    if (ext === 'har' || (typeof value === 'object' && value !== null && 'log' in value)) return loadHar(value, opts);
    if (Array.isArray(value)) return loadFrames(value, opts);
    if (typeof value === 'object' && value !== null && 'steps' in value) {
      const parsed = parseMock(value);
      if (!parsed.ok) return parsed;
      // The command line's URL, when given, retargets a saved mock.
      if (opts.url) parsed.value.request = { method: (opts.method ?? parsed.value.request.method).toUpperCase(), url: opts.url };
      return opts.url ? parseMock(parsed.value) : parsed;
    }
    return fail(`${fileName}: expected a saved mock ({ request, response, steps }), a list of frames, or a HAR`);
  }
  return loadSse(text, opts);
}
