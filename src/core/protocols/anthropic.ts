/**
 * Anthropic Messages streaming: `message_start`, `content_block_start/delta/stop`,
 * `message_delta` (stop_reason, cumulative output usage), `message_stop`, `ping`, `error`.
 * `finish` is only emitted at `message_stop`: a stream cut after `message_delta` has its stop
 * reason but was not delivered whole. A `redacted_thinking` block is reported as such (its data
 * is encrypted), a `tool_use` block's input is complete at its `content_block_stop`, and
 * `citations_delta` names the document or web page a text block rests on.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, Frame, Recognizer } from './types';
import { Emitter, get, header, isObj, num, share, someFrame, str, urlPath } from './util';

const TYPES = new Set(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'ping']);

const isDistinctive = (f: Frame): boolean => /^(message_start|content_block_|message_delta)/.test(str(get(f.json, 'type')) ?? '');

function detect(conn: ConnectionCapture, frames: Frame[]) {
  const byUrl = /\/v1\/messages\/?$/.test(urlPath(conn)) || header(conn, 'anthropic-version', 'request') !== undefined;
  const s = share(frames, (f) => TYPES.has(str(get(f.json, 'type')) ?? '') || TYPES.has(f.event ?? ''));
  // `ping` alone is too common to mean this protocol.
  const distinctive = someFrame(frames, isDistinctive);
  if (s === 0 || (!distinctive && !byUrl)) return null;
  return { confidence: Math.min(1, 0.6 + s * 0.3 + (byUrl ? 0.2 : 0)), guess: false };
}

function parse(_conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const em = new Emitter();
  const blocks = new Map<number, { kind: string; id?: string; name?: string }>();
  let stopReason: string | undefined;
  for (const f of frames) {
    if (!em.incoming(f)) continue;
    const j = f.json;
    const type = str(get(j, 'type')) ?? f.event;
    if (!isObj(j) || type === undefined) {
      if (f.data.trim() !== '') em.parseError(f, f.error ?? 'not an Anthropic event');
      continue;
    }
    switch (type) {
      case 'message_start': {
        const m = j.message;
        em.messageId = str(get(m, 'id'));
        em.handle('message-id', get(m, 'id'));
        em.emit({ type: 'message-start', role: str(get(m, 'role')) ?? 'assistant' });
        const model = str(get(m, 'model'));
        if (model) em.emit({ type: 'model-info', model });
        const u = get(m, 'usage');
        if (isObj(u)) em.emit({ type: 'usage', inputTokens: num(u.input_tokens), outputTokens: num(u.output_tokens) });
        break;
      }
      case 'content_block_start': {
        const b = j.content_block;
        const kind = str(get(b, 'type')) ?? 'text';
        blocks.set(num(j.index) ?? 0, { kind, id: str(get(b, 'id')), name: str(get(b, 'name')) });
        const initial = str(get(b, 'text'));
        if (initial) em.emit({ type: 'text-delta', text: initial });
        else if (kind === 'redacted_thinking') em.emit({ type: 'reasoning-redacted' });
        else em.step(`content_block:${kind}`, 'start');
        break;
      }
      case 'content_block_delta': {
        const d = j.delta;
        const dt = str(get(d, 'type'));
        if (dt === 'text_delta') em.emit({ type: 'text-delta', text: str(get(d, 'text')) ?? '' });
        else if (dt === 'thinking_delta') em.emit({ type: 'reasoning-delta', text: str(get(d, 'thinking')) ?? '' });
        else if (dt === 'input_json_delta') {
          const b = blocks.get(num(j.index) ?? 0);
          em.emit({ type: 'tool-call-delta', toolCallId: b?.id, name: b?.name, argsDelta: str(get(d, 'partial_json')) ?? '' });
        } else if (dt === 'citations_delta') {
          const c = get(d, 'citation');
          em.emit({ type: 'source', url: str(get(c, 'url')), title: str(get(c, 'title')) ?? str(get(c, 'document_title')), quote: str(get(c, 'cited_text')) });
        } else em.step(dt ?? 'content_block_delta');
        break;
      }
      case 'content_block_stop': {
        const b = blocks.get(num(j.index) ?? 0);
        if (b?.kind === 'tool_use' || b?.kind === 'server_tool_use') em.emit({ type: 'tool-call-end', toolCallId: b.id, name: b.name });
        else em.step(`content_block:${b?.kind ?? 'unknown'}`, 'end');
        break;
      }
      case 'message_delta': {
        stopReason = str(get(j, 'delta', 'stop_reason')) ?? stopReason;
        const u = j.usage;
        if (isObj(u)) em.emit({ type: 'usage', inputTokens: num(u.input_tokens), outputTokens: num(u.output_tokens) });
        else em.step('message_delta');
        break;
      }
      case 'message_stop':
        em.emit({ type: 'finish', reason: stopReason ?? 'message_stop' });
        break;
      case 'ping':
        em.emit({ type: 'heartbeat' });
        break;
      case 'error':
        em.emit({ type: 'error', message: [str(get(j, 'error', 'type')), str(get(j, 'error', 'message'))].filter(Boolean).join(': ') || 'error' });
        break;
      default:
        em.step(type);
    }
  }
  return em.events;
}

export const anthropic: Recognizer = { id: 'anthropic', name: 'Anthropic Messages', detect, parse };
