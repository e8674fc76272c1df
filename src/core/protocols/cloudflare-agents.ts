/**
 * Cloudflare Agents `AIChatAgent` over WebSocket (`/agents/<agent>/<name>`, via `partysocket`;
 * message types from the `agents` package's `MessageType` and `@cloudflare/ai-chat`'s handler):
 * the client sends `cf_agent_use_chat_request {id, init: {method, body}}`, and the agent answers
 * with `cf_agent_use_chat_response {id, body, done}` frames whose `body` is one AI SDK UI
 * message stream chunk as JSON text (`text-delta`, `finish`…). A reconnecting client sends
 * `cf_agent_stream_resume_request`; the agent says `cf_agent_stream_resuming {id}` (or
 * `cf_agent_stream_resume_none`), the client acknowledges with `cf_agent_stream_resume_ack {id}`,
 * and the buffered chunks come again marked `replay: true` until `replayComplete`. Stop sends
 * `cf_agent_chat_request_cancel {id}`. The request id is the resume handle (a stream id).
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, Frame, Recognizer } from './types';
import { Emitter, get, isObj, share, someFrame, str, urlPath } from './util';
import { tryJson } from '../parse/types';

const typeOf = (f: Frame): string => str(get(f.json, 'type')) ?? '';

const isAgentFrame = (f: Frame): boolean => typeOf(f).startsWith('cf_agent_');

function detect(conn: ConnectionCapture, frames: Frame[]) {
  if (conn.summary.kind !== 'websocket') return null;
  const byUrl = /\/agents\/[^/]+\/[^/]+/.test(urlPath(conn));
  const s = share(frames, (f) => typeOf(f).startsWith('cf_agent_') || typeOf(f) === 'rpc', 12);
  if (s === 0 && !someFrame(frames, isAgentFrame)) return null;
  return { confidence: Math.min(1, 0.8 + s * 0.2 + (byUrl ? 0.1 : 0)), guess: false };
}

function chunk(em: Emitter, body: unknown, messageId: string | undefined): void {
  const c = typeof body === 'string' ? tryJson(body) : body;
  const type = str(get(c, 'type')) ?? '';
  const meta = { messageId };
  if (!isObj(c)) return;
  if (type === 'text-delta') em.emit({ type: 'text-delta', text: str(c.delta) ?? str(c.textDelta) ?? '' }, meta);
  else if (type === 'reasoning-delta') em.emit({ type: 'reasoning-delta', text: str(c.delta) ?? '' }, meta);
  else if (type === 'tool-input-delta') em.emit({ type: 'tool-call-delta', toolCallId: str(c.toolCallId), argsDelta: str(c.inputTextDelta) ?? '' }, meta);
  else if (type === 'start') em.emit({ type: 'message-start', role: 'assistant' }, meta);
  else if (type === 'finish') em.emit({ type: 'finish', reason: str(c.finishReason) ?? 'finish' }, meta);
  else if (type === 'abort') em.emit({ type: 'cancel', reason: 'abort' }, meta);
  else if (type === 'error') em.emit({ type: 'error', message: str(c.errorText) ?? 'error' }, meta);
  else em.step(type || 'chunk');
}

function parse(_conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const em = new Emitter();
  /** Requests whose stream already said how it ended (its `finish` or `abort` chunk). */
  const ended = new Set<string>();
  for (const f of frames) {
    em.begin(f);
    const j = f.json;
    const type = typeOf(f);
    if (!isObj(j) || type === '') {
      if (f.data.trim() !== '') em.parseError(f, f.error ?? 'not an Agents message');
      continue;
    }
    const id = str(j.id);
    em.handle('stream-id', id);
    if (f.dir === 'out') {
      const name = type === 'cf_agent_chat_request_cancel' ? 'cancel: cf_agent_chat_request_cancel' : /resume/.test(type) ? `resume: ${type}` : type;
      em.emit({ type: 'control', name });
      continue;
    }
    if (type === 'cf_agent_use_chat_response') {
      // Replayed chunks are the same message as the live ones: keyed by the request id.
      const before = em.events.length;
      if (typeof j.body === 'string' && j.body !== '') chunk(em, j.body, id);
      if (j.error === true) em.emit({ type: 'error', message: str(j.body) ?? 'agent error' }, { messageId: id });
      if (j.replayComplete === true) em.step('replay complete');
      if (em.events.slice(before).some((e) => e.type === 'finish' || e.type === 'cancel')) ended.add(id ?? '');
      if (j.done === true && !ended.has(id ?? '')) em.emit({ type: 'finish', reason: 'done' }, { messageId: id });
      if (em.events.length === before) em.step(j.replay === true ? 'replay' : 'response');
    } else if (type === 'cf_agent_stream_resuming') em.step('stream resuming', 'start');
    else em.step(type);
  }
  return em.events;
}

export const cloudflareAgents: Recognizer = { id: 'cloudflare-agents', name: 'Cloudflare Agents (AIChatAgent)', detect, parse };
