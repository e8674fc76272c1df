/**
 * Answer detection that needs no recognizer: a connection carries the generation when the
 * text the page shows comes from it. Every string field of every payload the connection
 * received (JSON in SSE, NDJSON, WebSocket frames, Socket.IO packets, JSON-RPC notifications)
 * is a candidate; the values of one field, joined in arrival order, are compared with the
 * page's text. An app's own event shape (`token`, `chunk`, `params.message`, `delta.content`)
 * is found that way, and named, so the panel can say where the answer rides.
 */
import type { Frame } from '../parse/types';
import { socketIoPacket } from '../protocols/socketio';
import { indexWords, orderedMatches, words } from './words';

export interface AnswerField {
  /** Identifies the field: discriminator (event type / name / method) and path. */
  key: string;
  /** For people: "params.message of “notifications/progress” messages". */
  label: string;
  /** Share of the field's words the page shows in order (0–1). */
  coverage: number;
  /** Words of the field's text the page shows. */
  matched: number;
  /** How many values (deltas) the field carried. */
  values: number;
}

export interface FieldValue {
  frame: number;
  text: string;
}

const TYPE_KEYS = ['type', 'event', 'method', 'kind', 'action', 'op'];
const MAX_DEPTH = 6;
const MAX_KEYS = 64;

/** A frame's payload as a value: parsed JSON, or a Socket.IO event's argument list. */
export function payloadOf(f: Frame): unknown {
  if (f.json !== undefined) return f.json;
  // Engine.IO message 4 carrying a Socket.IO EVENT (2) or ACK (3): 42/chat,7[…]
  if (f.data[0] !== '4' || (f.data[1] !== '2' && f.data[1] !== '3')) return undefined;
  const p = socketIoPacket(f.data.slice(1));
  return p.bad ? undefined : p.data;
}

/** The payload's discriminator: its type/event/method field, or a Socket.IO event name. */
function discriminator(x: unknown): string {
  if (Array.isArray(x)) return typeof x[0] === 'string' ? `[0]=${x[0]}` : '';
  if (typeof x !== 'object' || x === null) return '';
  const o = x as Record<string, unknown>;
  for (const k of TYPE_KEYS) if (typeof o[k] === 'string') return `${k}=${o[k] as string}`;
  return '';
}

/**
 * Walks string leaves. Array items are one field whatever their position (`[*]`), told apart by
 * their own type (`[*]{type=token}`): a batch of items (Durable Streams, NDJSON-in-JSON) carries
 * the answer in every item, not at one index. Only a Socket.IO argument list (`positional`) keeps
 * its indices, since there the position is the meaning.
 */
function walk(x: unknown, path: string, depth: number, visit: (path: string, text: string) => void, positional = false): void {
  if (typeof x === 'string') {
    if (path) visit(path, x);
    return;
  }
  if (depth >= MAX_DEPTH || typeof x !== 'object' || x === null) return;
  if (Array.isArray(x)) {
    x.slice(0, MAX_KEYS).forEach((v, i) => {
      const disc = Array.isArray(v) ? '' : discriminator(v);
      walk(v, positional ? `${path}[${i}]` : `${path}[*]${disc ? `{${disc}}` : ''}`, depth + 1, visit);
    });
    return;
  }
  let n = 0;
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
    if (n++ >= MAX_KEYS) break;
    walk(v, path ? `${path}.${k}` : k, depth + 1, visit);
  }
}

/**
 * What fieldValues read of a growing connection: its frames up to `count` (the last of them
 * `last`) and the values found. Keyed by the first frame: a live connection's recognition keeps
 * its frames and appends, so the next call walks only the new ones. The page's text changes
 * every few hundred ms while an answer streams, and each change asks for the fields again:
 * walking every payload each time cost 40–160 ms at 20,000–40,000 events.
 */
const readSoFar = new WeakMap<Frame, { count: number; last: Frame; out: Map<string, FieldValue[]> }>();

/** Every string field the server sent, with its values in arrival order, keyed `disc|path`. */
export function fieldValues(frames: readonly Frame[]): Map<string, FieldValue[]> {
  const first = frames[0];
  if (!first) return new Map();
  const hit = readSoFar.get(first);
  const from = hit && hit.count <= frames.length && frames[hit.count - 1] === hit.last ? hit.count : 0;
  const out = from > 0 ? hit!.out : new Map<string, FieldValue[]>();
  if (from < frames.length) addFieldValues(out, frames, from);
  readSoFar.set(first, { count: frames.length, last: frames.at(-1)!, out });
  // A copy of each list: a caller may keep what it got while the cache goes on growing.
  const copy = new Map<string, FieldValue[]>();
  for (const [key, values] of out) copy.set(key, values.slice());
  return copy;
}

function addFieldValues(out: Map<string, FieldValue[]>, frames: readonly Frame[], from: number): void {
  const add = (key: string, frame: number, text: string) => {
    // An empty value (OpenAI's opening `content: ""`) is no delta and must not outnumber the recognizer's.
    if (text === '') return;
    const list = out.get(key);
    if (list) list.push({ frame, text });
    else out.set(key, [{ frame, text }]);
  };
  for (let i = from; i < frames.length; i++) {
    const f = frames[i]!;
    if (f.dir !== 'in' || f.kind === 'sse-comment' || f.kind === 'ws-binary' || f.envelope?.binary === true) continue;
    const x = payloadOf(f);
    if (x === undefined) {
      if (f.data !== '' && !/^[0-6]/.test(f.kind === 'ws-text' ? f.data : '')) add('|(data)', f.index, f.data);
      continue;
    }
    const disc = discriminator(x);
    const discPath = disc.split('=')[0];
    walk(x, '', 0, (path, text) => {
      if (path === discPath || (disc.startsWith('[0]') && path === '[0]')) return;
      add(`${disc}|${path}`, f.index, text);
    }, disc.startsWith('[0]'));
  }
}

export function labelOf(key: string): string {
  const bar = key.indexOf('|');
  const disc = key.slice(0, bar);
  const path = key.slice(bar + 1);
  if (!disc) return path === '(data)' ? 'the raw message data' : path;
  const [k, v] = [disc.slice(0, disc.indexOf('=')), disc.slice(disc.indexOf('=') + 1)];
  return `${path} of “${v}” ${k === '[0]' ? 'events' : 'messages'}`;
}

/** A field must stream: several values, not all the same, that add up to some text. */
function streams(values: FieldValue[]): boolean {
  if (values.length < 3) return false;
  const distinct = new Set(values.slice(0, 50).map((v) => v.text));
  return distinct.size >= 2 && values.reduce((n, v) => n + v.text.length, 0) >= 10;
}

export interface PageText {
  words: string[];
  index: Map<string, number[]>;
}

export function pageText(text: string): PageText {
  const w = words(text);
  return { words: w, index: indexWords(w) };
}

/**
 * The field of this connection whose text the page shows, best first, or null. A field
 * qualifies when the page shows at least 70% of its words, in order, and at least 3 of them.
 */
export function detectAnswerField(frames: readonly Frame[], pages: readonly PageText[], fields: Map<string, FieldValue[]> = fieldValues(frames)): AnswerField | null {
  if (pages.length === 0) return null;
  let best: AnswerField | null = null;
  for (const [key, values] of fields) {
    if (!streams(values)) continue;
    const cand = words(values.map((v) => v.text).join(''));
    if (cand.length < 3) continue;
    for (const p of pages) {
      const matched = orderedMatches(cand, p.words, p.index);
      const coverage = matched / cand.length;
      if (matched < 3 || coverage < 0.7) continue;
      if (!best || matched > best.matched || (matched === best.matched && coverage > best.coverage)) best = { key, label: labelOf(key), coverage, matched, values: values.length };
    }
  }
  return best;
}

export interface FieldCandidate {
  key: string;
  label: string;
  values: number;
  /** The field's values joined, as a preview (first 200 characters). */
  preview: string;
}

/** Every streaming string field of a connection, most values first: what a user may pick as the answer. */
export function candidateFields(frames: readonly Frame[]): FieldCandidate[] {
  return [...fieldValues(frames)]
    .filter(([, values]) => streams(values))
    .map(([key, values]) => ({ key, label: labelOf(key), values: values.length, preview: values.map((v) => v.text).join('').slice(0, 200) }))
    .sort((a, b) => b.values - a.values);
}

/** A field the user picked, as `withAnswerField` takes it. */
export function pickedField(key: string): AnswerField {
  return { key, label: labelOf(key), coverage: 1, matched: 0, values: 0 };
}
