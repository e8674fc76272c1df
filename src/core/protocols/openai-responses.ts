/**
 * OpenAI Responses API streaming: typed events (`response.created`, `response.output_text.delta`,
 * …) each with a `sequence_number`. Background responses resume with
 * `GET /v1/responses/{id}?stream=true&starting_after=N`, so `sequence_number` is the resume
 * cursor ('sequence' handle) and the response id the 'response-id'. Lifecycle events that do
 * not touch the answer become `step`s so every sequence number stays visible. Each output item
 * (reasoning, message, function call) is its own message, keyed by item id; `url_citation`
 * annotations are the answer's sources.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, Frame, Recognizer } from './types';
import { Emitter, get, isObj, num, share, str, urlPath } from './util';

const typeOf = (f: Frame): string | undefined => str(get(f.json, 'type'));

function detect(conn: ConnectionCapture, frames: Frame[]) {
  const byUrl = /\/responses(\/[^/]+)?\/?$/.test(urlPath(conn));
  const s = share(frames, (f) => (typeOf(f) ?? '').startsWith('response.') || (typeOf(f) === 'error' && get(f.json, 'sequence_number') !== undefined));
  if (s === 0) return byUrl && frames.length === 0 ? { confidence: 0.3, guess: false } : null;
  return { confidence: Math.min(1, 0.6 + s * 0.3 + (byUrl ? 0.2 : 0)), guess: false };
}

function responseError(r: unknown): string {
  return str(get(r, 'error', 'message')) ?? str(get(r, 'incomplete_details', 'reason')) ?? str(get(r, 'status')) ?? 'response failed';
}

function parse(_conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const em = new Emitter();
  const calls = new Map<string, { callId?: string; name?: string }>();
  for (const f of frames) {
    if (!em.incoming(f)) continue;
    const j = f.json;
    const type = typeOf(f);
    if (!isObj(j) || type === undefined) {
      if (f.data.trim() === '[DONE]') em.step('[DONE]');
      else if (f.data.trim() !== '') em.parseError(f, f.error ?? 'not a Responses API event');
      continue;
    }
    em.handle('sequence', j.sequence_number);
    const resp = j.response;
    if (isObj(resp)) em.handle('response-id', resp.id);
    const itemId = str(j.item_id) ?? str(get(j, 'item', 'id'));
    if (itemId !== undefined) em.messageId = itemId;
    switch (type) {
      case 'response.created':
        em.emit({ type: 'model-info', model: str(get(resp, 'model')), responseId: str(get(resp, 'id')) }, { messageId: undefined });
        break;
      case 'response.output_text.annotation.added': {
        const a = j.annotation;
        const url = str(get(a, 'url'));
        const title = str(get(a, 'title')) ?? str(get(a, 'filename'));
        if (url !== undefined || title !== undefined) em.emit({ type: 'source', url, title, sourceId: str(get(a, 'file_id')) });
        else em.step(type);
        break;
      }
      case 'response.function_call_arguments.done': {
        const c = itemId ? calls.get(itemId) : undefined;
        em.emit({ type: 'tool-call-end', toolCallId: c?.callId ?? itemId, name: c?.name ?? str(j.name), args: str(j.arguments) });
        break;
      }
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        em.emit({ type: 'text-delta', text: str(j.delta) ?? '' });
        break;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        em.emit({ type: 'reasoning-delta', text: str(j.delta) ?? '' });
        break;
      case 'response.output_item.added': {
        const item = j.item;
        if (get(item, 'type') === 'function_call' && itemId) calls.set(itemId, { callId: str(get(item, 'call_id')), name: str(get(item, 'name')) });
        if (get(item, 'type') === 'message') em.emit({ type: 'message-start', role: str(get(item, 'role')) ?? 'assistant' });
        else em.step(type, 'start');
        break;
      }
      case 'response.function_call_arguments.delta': {
        const c = itemId ? calls.get(itemId) : undefined;
        em.emit({ type: 'tool-call-delta', toolCallId: c?.callId ?? itemId, name: c?.name, argsDelta: str(j.delta) ?? '' });
        break;
      }
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
      case 'response.cancelled': {
        const usage = get(resp, 'usage');
        if (isObj(usage)) em.emit({ type: 'usage', inputTokens: num(usage.input_tokens), outputTokens: num(usage.output_tokens) }, { messageId: undefined });
        const status = str(get(resp, 'status'));
        if (type === 'response.cancelled' || status === 'cancelled') em.emit({ type: 'cancel', reason: status ?? 'cancelled' }, { messageId: undefined });
        else if (type === 'response.failed') em.emit({ type: 'error', message: responseError(resp) }, { messageId: undefined });
        else em.emit({ type: 'finish', reason: type === 'response.incomplete' ? `incomplete: ${responseError(resp)}` : status ?? 'completed' }, { messageId: undefined });
        break;
      }
      case 'error':
        em.emit({ type: 'error', message: str(j.message) ?? str(j.code) ?? 'error' }, { messageId: undefined });
        break;
      default:
        em.step(type, /\.(added|created|in_progress|queued)$/.test(type) ? 'start' : 'end');
    }
  }
  return em.events;
}

export const openaiResponses: Recognizer = { id: 'openai-responses', name: 'OpenAI Responses API', detect, parse };
