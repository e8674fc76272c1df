/**
 * Field heuristics for home-grown streaming formats: which property holds the text delta,
 * which hold resume handles, and what a `type` like "done" or "abort" means. Used by the
 * generic recognizers (always labelled guesses) and for app-defined Socket.IO payloads.
 */
import type { ResumeHandle } from './types';
import { Emitter, get, idText, isObj, str, type Obj } from './util';

type Path = Array<string | number>;

const TEXT_PATHS: Path[] = [
  ['delta'], ['delta', 'content'], ['delta', 'text'], ['textDelta'], ['text_delta'], ['text'], ['content'], ['token'],
  ['chunk'], ['message', 'content'], ['choices', 0, 'delta', 'content'], ['output'],
];
const NESTED = ['data', 'payload', 'body', 'result'];

const HANDLE_FIELDS: Record<string, ResumeHandle['kind']> = {
  seq: 'sequence', sequence: 'sequence', seqno: 'sequence', seq_no: 'sequence', sequence_number: 'sequence', sequencenumber: 'sequence',
  offset: 'offset', cursor: 'cursor',
  runid: 'run-id', run_id: 'run-id',
  streamid: 'stream-id', stream_id: 'stream-id',
  conversationid: 'conversation-id', conversation_id: 'conversation-id', threadid: 'conversation-id', thread_id: 'conversation-id', chatid: 'conversation-id',
  messageid: 'message-id', message_id: 'message-id', msgid: 'message-id',
  sessionid: 'session-id', session_id: 'session-id', sid: 'session-id',
  responseid: 'response-id', response_id: 'response-id',
  eventid: 'event-id', event_id: 'event-id', lasteventid: 'event-id', last_event_id: 'event-id',
};
const AGENT_FIELDS = ['agent', 'agentId', 'agent_id', 'agentName', 'agent_name', 'node', 'sender'];
const TYPE_FIELDS = ['type', 'event', 'kind', 'op', 'action'];

export type Meaning = 'cancel' | 'finish' | 'error' | 'heartbeat' | 'start' | 'resume' | 'subscribe' | 'ack';

export function typeMeaning(type: string | undefined): Meaning | undefined {
  if (!type) return undefined;
  const t = type.toLowerCase();
  if (/(^|[._:-])(cancel(l?ed)?|abort(ed)?|stop(ped)?|interrupt(ed)?)$/.test(t)) return 'cancel';
  if (/(^|[._:-])(done|end(ed)?|finish(ed)?|complete(d)?|stop_reason|final)$|stream[._-]?end|message[._-]?end/.test(t)) return 'finish';
  if (/(^|[._:-])(error|fail(ed|ure)?)$/.test(t)) return 'error';
  if (/(^|[._:-])(ping|pong|heartbeat|keep-?alive)$/.test(t)) return 'heartbeat';
  if (/(^|[._:-])(resume|reconnect|replay)$/.test(t)) return 'resume';
  if (/(^|[._:-])(subscribe|join)$/.test(t)) return 'subscribe';
  if (/(^|[._:-])ack$/.test(t)) return 'ack';
  if (/(^|[._:-])(start(ed)?|begin|open)$/.test(t)) return 'start';
  return undefined;
}

/**
 * The object's type. Envelopes often say only `type: "event"` and put the meaning in another
 * field (`{"type":"event","kind":"done"}`): a type field with a known meaning wins.
 */
export function typeOf(x: unknown): string | undefined {
  let first: string | undefined;
  for (const k of TYPE_FIELDS) {
    const v = str(get(x, k));
    if (!v) continue;
    if (typeMeaning(v) !== undefined) return v;
    first ??= v;
  }
  return first;
}

function levels(x: Obj): Obj[] {
  return [x, ...NESTED.map((k) => x[k]).filter(isObj)];
}

export function deltaText(x: unknown): string | undefined {
  if (!isObj(x)) return undefined;
  for (const o of levels(x)) {
    for (const p of TEXT_PATHS) {
      const v = str(get(o, ...p));
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

export function handlesOf(x: unknown): ResumeHandle[] {
  if (!isObj(x)) return [];
  const out: ResumeHandle[] = [];
  for (const o of levels(x)) {
    for (const [k, v] of Object.entries(o)) {
      const lk = k.toLowerCase();
      const kind = lk === 'id' ? (typeof v === 'number' ? 'sequence' : 'event-id') : HANDLE_FIELDS[lk];
      const value = idText(v);
      if (kind && value !== undefined && !out.some((h) => h.kind === kind && h.value === value)) out.push({ kind, value });
    }
  }
  return out;
}

/** Whether a decoded object looks like part of a streamed answer. */
export function looksLikeDelta(x: unknown): boolean {
  return deltaText(x) !== undefined || typeMeaning(typeOf(x)) !== undefined;
}

export interface PayloadOptions {
  /** A bare string payload is text (e.g. a Socket.IO "token" event). */
  textIfString?: boolean;
  /** Type to use when the object has none (e.g. the SSE event name). */
  fallbackType?: string | undefined;
}

/** Emits what a payload means; returns nothing — inspect `em.events` for what was added. */
export function payloadEvents(em: Emitter, x: unknown, opts: PayloadOptions = {}): void {
  if (typeof x === 'string') {
    if (opts.textIfString && x !== '') em.emit({ type: 'text-delta', text: x });
    return;
  }
  if (!isObj(x)) return;
  for (const h of handlesOf(x)) em.handle(h.kind, h.value);
  const messageId = str(x.messageId) ?? str(x.message_id);
  const agent = AGENT_FIELDS.map((k) => str(x[k])).find((v) => v !== undefined);
  const meta = { messageId: messageId ?? em.messageId, agent: agent ?? em.agent };
  const type = typeOf(x) ?? opts.fallbackType;
  const meaning = typeMeaning(type);
  if (meaning === 'heartbeat') return em.emit({ type: 'heartbeat' }, meta);
  if (meaning === 'cancel') return em.emit({ type: 'cancel', reason: str(x.reason) ?? type }, meta);
  if (meaning === 'error') {
    const message = str(x.message) ?? str(x.error) ?? str(get(x, 'error', 'message')) ?? str(x.errorText) ?? type ?? 'error';
    return em.emit({ type: 'error', message }, meta);
  }
  if (meaning !== 'finish') {
    const text = deltaText(x);
    if (text) em.emit({ type: /reason|think/i.test(type ?? '') ? 'reasoning-delta' : 'text-delta', text }, meta);
  }
  if (meaning === 'finish' || x.done === true || x.finished === true || x.final === true) {
    em.emit({ type: 'finish', reason: str(x.reason) ?? str(x.finishReason) ?? str(x.finish_reason) ?? type ?? 'done' }, meta);
  }
}

/** A client-sent payload as a control event (cancel, resume, subscribe, ack…). */
export function controlEvent(em: Emitter, x: unknown): void {
  for (const h of handlesOf(x)) em.handle(h.kind, h.value);
  const type = typeOf(x);
  const meaning = typeMeaning(type);
  em.emit({ type: 'control', name: meaning === 'cancel' || meaning === 'resume' || meaning === 'subscribe' || meaning === 'ack' ? meaning : type ?? 'message' });
}
