/**
 * OpenAI Chat Completions streaming (`chat.completion.chunk` objects over SSE, ended by
 * `data: [DONE]`). Also used by many compatible servers (vLLM, OpenRouter, DeepSeek…), whose
 * `delta.reasoning_content` / `delta.reasoning` become reasoning. With n>1 each choice is its
 * own message, keyed `<id>#<index>`. The chunk id is reported as a 'message-id' handle: the API
 * has no server-side resume, so it only identifies the answer.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, Frame, FrameParser, Recognizer } from './types';
import { Emitter, get, isObj, num, share, someFrame, str, urlPath } from './util';

function isChunk(f: Frame): boolean {
  return get(f.json, 'object') === 'chat.completion.chunk' || (Array.isArray(get(f.json, 'choices')) && isObj(get(f.json, 'choices', 0, 'delta')));
}

const isCompletionObject = (f: Frame): boolean => get(f.json, 'object') === 'chat.completion.chunk' || get(f.json, 'object') === 'chat.completion';

function detect(conn: ConnectionCapture, frames: Frame[]) {
  const byUrl = /\/chat\/completions\/?$/.test(urlPath(conn));
  const s = share(frames, isChunk);
  const object = someFrame(frames, isCompletionObject);
  if (!byUrl && s === 0 && !object) return null;
  const confidence = Math.min(1, (object ? 0.7 : 0) + s * 0.3 + (byUrl ? 0.3 : 0));
  return { confidence: Math.max(confidence, byUrl ? 0.5 : 0.3), guess: false };
}

/** A fold over frames (FrameParser): what a chunk means depends only on the chunks before it. */
function parser(): FrameParser {
  const em = new Emitter();
  const started = new Set<string>();
  const toolIds = new Map<string, string>();
  let finished = false;
  const feed = (frames: readonly Frame[], from: number): void => {
    for (let i = from; i < frames.length; i++) {
      const f = frames[i]!;
      if (!em.incoming(f)) continue;
      if (f.data.trim() === '[DONE]') {
        if (finished) em.step('[DONE]');
        else em.emit({ type: 'finish', reason: '[DONE]' });
        continue;
      }
      const j = f.json;
      if (!isObj(j)) {
        if (f.data.trim() !== '') em.parseError(f, f.error ?? 'not a JSON chunk');
        continue;
      }
      if (j.error !== undefined) {
        em.emit({ type: 'error', message: str(get(j, 'error', 'message')) ?? (typeof j.error === 'string' ? j.error : JSON.stringify(j.error)) });
        continue;
      }
      const id = str(j.id) ?? 'default';
      em.handle('message-id', j.id);
      const choices = Array.isArray(j.choices) ? j.choices : [];
      for (const c of choices) {
        const index = num(get(c, 'index')) ?? 0;
        const key = index > 0 ? `${id}#${index}` : id;
        em.messageId = key;
        const delta = get(c, 'delta') ?? get(c, 'message');
        const role = str(get(delta, 'role'));
        if (role !== undefined && !started.has(key)) {
          started.add(key);
          em.emit({ type: 'message-start', role });
          const model = str(j.model);
          if (model) em.emit({ type: 'model-info', model, responseId: str(j.id) });
        }
        for (const field of ['reasoning_content', 'reasoning']) {
          const r = str(get(delta, field));
          if (r) em.emit({ type: 'reasoning-delta', text: r });
        }
        const text = str(get(delta, 'content')) ?? str(get(delta, 'refusal'));
        if (text) em.emit({ type: 'text-delta', text });
        // Search models cite the pages they read as `url_citation` annotations.
        const annotations = get(delta, 'annotations');
        for (const a of Array.isArray(annotations) ? annotations : []) {
          const c = get(a, 'url_citation');
          if (isObj(c)) em.emit({ type: 'source', url: str(c.url), title: str(c.title) });
        }
        const calls = get(delta, 'tool_calls');
        if (Array.isArray(calls)) {
          for (const tc of calls) {
            const slot = `${key}/${num(get(tc, 'index')) ?? 0}`;
            const tcId = str(get(tc, 'id'));
            if (tcId) toolIds.set(slot, tcId);
            const name = str(get(tc, 'function', 'name'));
            const known = toolIds.get(slot);
            const argsDelta = str(get(tc, 'function', 'arguments')) ?? '';
            em.emit({ type: 'tool-call-delta', argsDelta, ...(known ? { toolCallId: known } : {}), ...(name ? { name } : {}) });
          }
        }
        const reason = str(get(c, 'finish_reason'));
        if (reason) {
          finished = true;
          em.emit({ type: 'finish', reason });
        }
      }
      const usage = get(j, 'usage');
      if (isObj(usage)) {
        em.emit({ type: 'usage', inputTokens: num(usage.prompt_tokens), outputTokens: num(usage.completion_tokens) }, { messageId: id });
      }
      if (choices.length === 0 && !isObj(usage)) em.step('chunk');
    }
  };
  return { events: em.events, feed };
}

function parse(_conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const p = parser();
  p.feed(frames, 0);
  return p.events as AiEvent[];
}

export const openaiChat: Recognizer = { id: 'openai-chat', name: 'OpenAI Chat Completions', detect, parse, parser };
