/**
 * `conversationOf`: the whole answer a recognized stream delivered, not only its text. Each
 * message (keyed as `reassemble` keys it) becomes parts in arrival order — reasoning (redacted
 * reasoning as a part that says it existed), text, tool calls (arguments assembled from their
 * deltas and read as JSON, the result when the stream carries it, how long each took) and
 * sources — plus what the stream said about it: model, ids, finish reason, usage, errors.
 *
 * Every part keeps the frames it came from (text and reasoning as spans, like `reassemble`),
 * so a view can jump to the events. Events without a message id or agent speak for the whole
 * stream: they go to the conversation's own meta, and a stream-wide finish or cancel ends
 * every message, as in `reassemble`.
 */
import type { AiEvent, Recognition } from '../protocols/types';
import { messageKey, type TextSpan } from './reassemble';
import { readArgs, type ToolArgs } from './tool-args';

export const PART_KINDS = ['reasoning', 'text', 'tool-call', 'source'] as const;
export type PartKind = (typeof PART_KINDS)[number];

interface PartBase {
  /** Frame indexes the part came from, each once, in arrival order. */
  frames: number[];
  /** 1-based step of the message (AI SDK steps, LangGraph runs), when it has several. */
  step?: number;
}

export interface TextPart extends PartBase {
  kind: 'text';
  text: string;
  spans: TextSpan[];
}

export interface ReasoningPart extends PartBase {
  kind: 'reasoning';
  text: string;
  spans: TextSpan[];
  /** The provider sent this reasoning encrypted: it existed, its text is not readable. */
  redacted: boolean;
}

export interface ToolResult {
  output: string;
  isError: boolean;
  frame: number;
}

export interface ToolCallPart extends PartBase {
  kind: 'tool-call';
  id?: string;
  name?: string;
  /** The arguments exactly as streamed. */
  argsText: string;
  args: ToolArgs;
  /** The stream said the input was complete (an end event, a result, or the message finished). */
  complete: boolean;
  result?: ToolResult;
  /** Times (ms, capture clock) of the first delta and of the result, or of the last delta without one. */
  startedAt?: number;
  endedAt?: number;
  durationMs?: number;
}

export interface SourcePart extends PartBase {
  kind: 'source';
  url?: string;
  title?: string;
  sourceId?: string;
  quote?: string;
}

export type Part = TextPart | ReasoningPart | ToolCallPart | SourcePart;

export interface ConversationMeta {
  model?: string;
  responseId?: string;
  finishReason?: string;
  inputTokens?: number;
  outputTokens?: number;
  errors: string[];
}

export interface ConversationMessage {
  key: string;
  agent?: string;
  role?: string;
  parts: Part[];
  meta: ConversationMeta;
  finished: boolean;
  cancelled: boolean;
  /** Frames of the message's own status events (finish, usage, errors…). */
  metaFrames: number[];
}

export interface Conversation {
  messages: ConversationMessage[];
  /** What events for the whole stream said (e.g. a Responses API response's model and usage). */
  meta: ConversationMeta;
  metaFrames: number[];
}

interface Building extends ConversationMessage {
  step: number;
  steps: number;
  calls: Map<string, ToolCallPart>;
  ended: Set<ToolCallPart>;
  sources: Set<string>;
}

const addFrame = (frames: number[], frame: number): void => {
  if (!frames.includes(frame)) frames.push(frame);
};

function applyMeta(meta: ConversationMeta, frames: number[], e: AiEvent): void {
  switch (e.type) {
    case 'model-info':
      if (e.model !== undefined) meta.model = e.model;
      if (e.responseId !== undefined) meta.responseId = e.responseId;
      break;
    case 'usage':
      // Providers send usage in pieces (input at the start, output at the end): each value
      // is the latest one given.
      if (e.inputTokens !== undefined) meta.inputTokens = e.inputTokens;
      if (e.outputTokens !== undefined) meta.outputTokens = e.outputTokens;
      break;
    case 'finish':
      if (e.reason !== undefined) meta.finishReason = e.reason;
      break;
    case 'error':
      meta.errors.push(e.message);
      break;
    default:
      return;
  }
  addFrame(frames, e.frame);
}

export function conversationOf(rec: Pick<Recognition, 'events' | 'frames'>): Conversation {
  const timeOf = (frame: number): number | undefined => rec.frames[frame]?.time;
  const byKey = new Map<string, Building>();
  const conversation: Conversation = { messages: [], meta: { errors: [] }, metaFrames: [] };

  const ensure = (e: AiEvent): Building => {
    const key = messageKey(e);
    let m = byKey.get(key);
    if (!m) {
      m = { key, parts: [], meta: { errors: [] }, finished: false, cancelled: false, metaFrames: [], step: 0, steps: 0, calls: new Map(), ended: new Set(), sources: new Set() };
      if (e.agent !== undefined) m.agent = e.agent;
      byKey.set(key, m);
    }
    return m;
  };
  const streamWide = (e: AiEvent): boolean => e.messageId === undefined && e.agent === undefined;
  const stamp = <P extends Part>(m: Building, p: P): P => {
    if (m.step > 0) p.step = m.step;
    m.parts.push(p);
    return p;
  };

  const appendText = (m: Building, kind: 'text' | 'reasoning', e: AiEvent & { text: string }): void => {
    const last = m.parts.at(-1);
    const same = last && last.kind === kind && (last.kind === 'text' || !last.redacted) && last.step === (m.step > 0 ? m.step : undefined);
    const fresh: TextPart | ReasoningPart = kind === 'text' ? { kind, text: '', spans: [], frames: [] } : { kind, text: '', spans: [], frames: [], redacted: false };
    const p = same ? (last as TextPart | ReasoningPart) : stamp(m, fresh);
    const start = p.text.length;
    p.text += e.text;
    const span = p.spans.at(-1);
    if (span && span.frame === e.frame && span.end === start) span.end = p.text.length;
    else p.spans.push({ start, end: p.text.length, frame: e.frame });
    addFrame(p.frames, e.frame);
  };

  const callFor = (m: Building, id: string | undefined, name: string | undefined, frame: number): ToolCallPart => {
    if (id !== undefined) {
      const known = m.calls.get(id);
      if (known) return known;
    } else {
      // No id (some compatible servers): the open call this delta continues.
      const open = [...m.parts].reverse().find((p): p is ToolCallPart => p.kind === 'tool-call' && !m.ended.has(p) && (name === undefined || p.name === undefined || p.name === name));
      if (open) return open;
    }
    const p = stamp(m, { kind: 'tool-call', argsText: '', args: { state: 'empty' }, complete: false, frames: [] } as ToolCallPart);
    if (id !== undefined) {
      p.id = id;
      m.calls.set(id, p);
    }
    const t = timeOf(frame);
    if (t !== undefined) p.startedAt = t;
    return p;
  };

  const touchCall = (p: ToolCallPart, e: AiEvent, name: string | undefined): void => {
    if (name && !p.name) p.name = name;
    addFrame(p.frames, e.frame);
    const t = timeOf(e.frame);
    if (t !== undefined && !p.result) p.endedAt = t;
  };

  for (const e of rec.events) {
    switch (e.type) {
      case 'message-start': {
        const m = ensure(e);
        if (e.role !== undefined) m.role = e.role;
        break;
      }
      case 'step':
        if (e.boundary === 'start' && e.name === undefined && !streamWide(e)) {
          const m = ensure(e);
          m.steps++;
          m.step = m.steps;
        }
        break;
      case 'text-delta':
        if (e.text !== '') appendText(ensure(e), 'text', e);
        break;
      case 'reasoning-delta':
        if (e.text !== '') appendText(ensure(e), 'reasoning', e);
        break;
      case 'reasoning-redacted': {
        const m = ensure(e);
        stamp(m, { kind: 'reasoning', text: '', spans: [], frames: [e.frame], redacted: true });
        break;
      }
      case 'tool-call-delta': {
        const m = ensure(e);
        const p = callFor(m, e.toolCallId, e.name, e.frame);
        p.argsText += e.argsDelta;
        touchCall(p, e, e.name);
        break;
      }
      case 'tool-call-end': {
        const m = ensure(e);
        const p = callFor(m, e.toolCallId, e.name, e.frame);
        if (p.argsText === '' && e.args !== undefined) p.argsText = e.args;
        m.ended.add(p);
        touchCall(p, e, e.name);
        break;
      }
      case 'tool-result': {
        // A result may come in another message than its call (a later step): find the call by id.
        const owner = e.toolCallId !== undefined ? [...byKey.values()].find((x) => x.calls.has(e.toolCallId!)) : undefined;
        const m = owner ?? ensure(e);
        const p = callFor(m, e.toolCallId, e.name, e.frame);
        m.ended.add(p);
        touchCall(p, e, e.name);
        p.result = { output: e.output, isError: e.isError === true, frame: e.frame };
        const t = timeOf(e.frame);
        if (t !== undefined) p.endedAt = t;
        break;
      }
      case 'source': {
        const m = ensure(e);
        const id = JSON.stringify([e.url, e.title, e.sourceId, e.quote]);
        if (m.sources.has(id)) break;
        m.sources.add(id);
        const p = stamp(m, { kind: 'source', frames: [e.frame] } as SourcePart);
        if (e.url !== undefined) p.url = e.url;
        if (e.title !== undefined) p.title = e.title;
        if (e.sourceId !== undefined) p.sourceId = e.sourceId;
        if (e.quote !== undefined) p.quote = e.quote;
        break;
      }
      case 'model-info':
      case 'usage':
      case 'finish':
      case 'cancel':
      case 'error': {
        if (streamWide(e)) {
          applyMeta(conversation.meta, conversation.metaFrames, e);
          if (e.type === 'finish') for (const m of byKey.values()) m.finished = true;
          if (e.type === 'cancel') for (const m of byKey.values()) m.cancelled = true;
        } else {
          const m = ensure(e);
          applyMeta(m.meta, m.metaFrames, e);
          if (e.type === 'finish') m.finished = true;
          if (e.type === 'cancel') m.cancelled = true;
        }
        if (e.type === 'cancel') addFrame(streamWide(e) ? conversation.metaFrames : ensure(e).metaFrames, e.frame);
        break;
      }
      default:
        break;
    }
  }

  for (const m of byKey.values()) {
    for (const p of m.parts) {
      if (p.kind !== 'tool-call') continue;
      p.complete = m.ended.has(p) || p.result !== undefined || m.finished;
      p.args = readArgs(p.argsText, p.complete);
      if (p.startedAt !== undefined && p.endedAt !== undefined) p.durationMs = p.endedAt - p.startedAt;
    }
    // A single step is no step: the numbers only help to tell several apart.
    if (m.steps < 2) for (const p of m.parts) delete p.step;
    const { step: _s, steps: _n, calls: _c, ended: _e, sources: _src, ...message } = m;
    conversation.messages.push(message);
  }
  return conversation;
}
