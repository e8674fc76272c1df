/**
 * OpenAI Realtime API over WebSocket (`wss://api.openai.com/v1/realtime?model=…`; event names
 * from the `openai` package, `resources/realtime/realtime.d.ts`): the server sends
 * `session.created`, `conversation.item.*`, `response.created`, `response.output_text.delta` /
 * `response.output_audio_transcript.delta` (the words of a spoken answer), and `response.done`
 * whose `response.status` is `completed`, `cancelled`, `incomplete` or `failed`; the client
 * sends `session.update`, `conversation.item.create`, `response.create` and the explicit cancel
 * `response.cancel`. A Realtime session does not resume: a dropped socket is a new session, so
 * the handles are the session, response and item ids, never a position.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, Frame, Recognizer } from './types';
import { Emitter, get, isObj, num, share, someFrame, str, urlPath } from './util';

const typeOf = (f: Frame): string => str(get(f.json, 'type')) ?? '';
const REALTIME = /^(session\.(created|updated)|conversation\.(created|item\.[a-z_.]+)|input_audio_buffer\.[a-z_]+|response\.(created|done|output_audio(_transcript)?\.[a-z]+|output_text\.[a-z]+|output_item\.[a-z]+|content_part\.[a-z]+|function_call_arguments\.[a-z]+)|rate_limits\.updated|error)$/;

const isSessionFrame = (f: Frame): boolean => f.dir === 'in' && /^session\.created$|^conversation\.item\.|^response\.output_audio/.test(typeOf(f));

function detect(conn: ConnectionCapture, frames: Frame[]) {
  if (conn.summary.kind !== 'websocket') return null;
  const byUrl = /\/realtime\/?$/.test(urlPath(conn));
  const s = share(frames, (f) => REALTIME.test(typeOf(f)), 12);
  const session = someFrame(frames, isSessionFrame);
  if (s === 0 || (!session && !byUrl)) return null;
  // Above the Responses API (which shares `response.*` names) and every generic fallback.
  return { confidence: Math.min(1, 0.7 + s * 0.2 + (byUrl ? 0.2 : 0) + (session ? 0.1 : 0)), guess: false };
}

function parse(_conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const em = new Emitter();
  for (const f of frames) {
    em.begin(f);
    const j = f.json;
    const type = typeOf(f);
    if (!isObj(j) || type === '') {
      if (f.data.trim() !== '') em.parseError(f, f.error ?? 'not a Realtime event');
      continue;
    }
    if (f.dir === 'out') {
      // What the client asked for: `response.cancel` is the explicit cancel.
      em.handle('response-id', j.response_id);
      em.emit({ type: 'control', name: type === 'response.cancel' ? 'cancel: response.cancel' : type });
      continue;
    }
    em.handle('session-id', get(j, 'session', 'id'));
    em.handle('response-id', j.response_id ?? get(j, 'response', 'id'));
    const itemId = str(j.item_id) ?? str(get(j, 'item', 'id'));
    const responseId = str(j.response_id) ?? str(get(j, 'response', 'id'));
    if (itemId !== undefined) em.messageId = itemId;
    switch (type) {
      case 'response.created':
        em.emit({ type: 'model-info', responseId }, { messageId: undefined });
        break;
      case 'response.output_item.added':
        if (get(j, 'item', 'type') === 'message') em.emit({ type: 'message-start', role: str(get(j, 'item', 'role')) ?? 'assistant' });
        else em.step(type, 'start');
        break;
      case 'response.output_text.delta':
      case 'response.output_audio_transcript.delta':
        em.emit({ type: 'text-delta', text: str(j.delta) ?? '' });
        break;
      case 'response.function_call_arguments.delta':
        em.emit({ type: 'tool-call-delta', toolCallId: str(j.call_id) ?? itemId, argsDelta: str(j.delta) ?? '' });
        break;
      case 'response.function_call_arguments.done':
        em.emit({ type: 'tool-call-end', toolCallId: str(j.call_id) ?? itemId, name: str(j.name), args: str(j.arguments) });
        break;
      case 'response.done': {
        const r = j.response;
        const usage = get(r, 'usage');
        if (isObj(usage)) em.emit({ type: 'usage', inputTokens: num(usage.input_tokens), outputTokens: num(usage.output_tokens) });
        const status = str(get(r, 'status')) ?? 'completed';
        const reason = str(get(r, 'status_details', 'reason'));
        if (status === 'cancelled') em.emit({ type: 'cancel', reason: reason ? `cancelled: ${reason}` : 'cancelled' });
        else if (status === 'failed') em.emit({ type: 'error', message: str(get(r, 'status_details', 'error', 'message')) ?? 'response failed' });
        else em.emit({ type: 'finish', reason: reason ? `${status}: ${reason}` : status });
        break;
      }
      case 'error':
        em.emit({ type: 'error', message: str(get(j, 'error', 'message')) ?? str(get(j, 'error', 'code')) ?? 'error' }, { messageId: undefined });
        break;
      default:
        em.step(type, /\.(added|created|started)$/.test(type) ? 'start' : 'end');
    }
  }
  return em.events;
}

export const openaiRealtime: Recognizer = { id: 'openai-realtime', name: 'OpenAI Realtime API', detect, parse };
