/**
 * Gemini `streamGenerateContent` (Google AI and Vertex AI), either SSE (`?alt=sse`) or the
 * default progressively streamed JSON array. Each chunk carries `candidates[].content.parts[]`
 * (text, `thought: true` parts as reasoning, `functionCall` whole), `finishReason` on the last
 * one and `usageMetadata`. There is no cancel message and no resume: `responseId` is the only id.
 * A `functionCall` part is a whole call; `groundingMetadata.groundingChunks` are the sources
 * of a grounded answer.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, Frame, Recognizer } from './types';
import { Emitter, get, isObj, num, share, str } from './util';

const isChunk = (f: Frame): boolean => Array.isArray(get(f.json, 'candidates')) || isObj(get(f.json, 'usageMetadata')) || isObj(get(f.json, 'promptFeedback'));

function detect(conn: ConnectionCapture, frames: Frame[]) {
  const byUrl = /:streamGenerateContent\b/.test(conn.summary.url) || /:generateContent\b/.test(conn.summary.url);
  const s = share(frames, isChunk);
  if (s === 0 && !byUrl) return null;
  return { confidence: Math.min(1, (byUrl ? 0.6 : 0.3) + s * 0.4), guess: false };
}

function parse(_conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const em = new Emitter();
  const started = new Set<string>();
  for (const f of frames) {
    if (!em.incoming(f)) continue;
    const j = f.json;
    if (!isObj(j)) {
      if (f.data.trim() !== '') em.parseError(f, f.error ?? 'not a Gemini chunk');
      continue;
    }
    if (isObj(j.error)) {
      em.emit({ type: 'error', message: [str(get(j, 'error', 'status')), str(get(j, 'error', 'message'))].filter(Boolean).join(': ') || 'error' });
      continue;
    }
    em.handle('response-id', j.responseId);
    const responseId = str(j.responseId);
    const candidates = Array.isArray(j.candidates) ? j.candidates : [];
    let emitted = false;
    for (const c of candidates) {
      const index = num(get(c, 'index')) ?? 0;
      em.messageId = index > 0 ? `${responseId ?? 'candidate'}#${index}` : responseId;
      const key = em.messageId ?? 'default';
      if (!started.has(key)) {
        started.add(key);
        em.emit({ type: 'message-start', role: str(get(c, 'content', 'role')) ?? 'model' });
        const model = str(j.modelVersion);
        if (model) em.emit({ type: 'model-info', model, responseId });
      }
      const parts = get(c, 'content', 'parts');
      for (const p of Array.isArray(parts) ? parts : []) {
        const text = str(get(p, 'text'));
        if (text) em.emit({ type: get(p, 'thought') === true ? 'reasoning-delta' : 'text-delta', text });
        const call = get(p, 'functionCall');
        if (isObj(call)) {
          em.emit({ type: 'tool-call-delta', toolCallId: str(call.id), name: str(call.name), argsDelta: JSON.stringify(call.args ?? {}) });
          em.emit({ type: 'tool-call-end', toolCallId: str(call.id), name: str(call.name) });
        }
      }
      const chunks = get(c, 'groundingMetadata', 'groundingChunks');
      for (const g of Array.isArray(chunks) ? chunks : []) {
        const web = get(g, 'web') ?? get(g, 'retrievedContext');
        if (isObj(web)) em.emit({ type: 'source', url: str(web.uri), title: str(web.title) ?? str(web.domain) });
      }
      const reason = str(get(c, 'finishReason'));
      if (reason) em.emit({ type: 'finish', reason });
      emitted = true;
    }
    const block = str(get(j, 'promptFeedback', 'blockReason'));
    if (block) em.emit({ type: 'error', message: `prompt blocked: ${block}` });
    const u = j.usageMetadata;
    if (isObj(u) && candidates.some((c) => str(get(c, 'finishReason')))) {
      em.emit({ type: 'usage', inputTokens: num(u.promptTokenCount), outputTokens: num(u.candidatesTokenCount) });
    } else if (!emitted && !block) em.step('chunk');
  }
  return em.events;
}

export const gemini: Recognizer = { id: 'gemini', name: 'Google Gemini', detect, parse };
