/**
 * Vercel AI SDK data stream protocol (AI SDK 3–4, header `x-vercel-ai-data-stream: v1`): one
 * `<code>:<JSON>` part per line — `0` text, `g` reasoning, `b`/`c`/`9` tool call start/delta/
 * whole, `f`/`e` step start/finish, `d` message finish with usage, `3` error, `2`/`8` data,
 * `i` redacted reasoning, `a` tool result, `h` source.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, Frame, Recognizer } from './types';
import { Emitter, get, header, jsonText, num, share, str } from './util';

const LINE = /^([0-9a-k]):([\s\S]*)$/;

function partOf(f: Frame): { code: string; value: unknown; ok: boolean } | null {
  const m = LINE.exec(f.data.trim());
  if (!m) return null;
  try {
    return { code: m[1]!, value: JSON.parse(m[2]!) as unknown, ok: true };
  } catch {
    return { code: m[1]!, value: m[2], ok: false };
  }
}

function detect(conn: ConnectionCapture, frames: Frame[]) {
  const byHeader = header(conn, 'x-vercel-ai-data-stream', 'response') !== undefined;
  if (conn.summary.kind === 'websocket') return null;
  const s = share(frames, (f) => partOf(f)?.ok === true);
  if (!byHeader && s < 0.6) return null;
  return { confidence: byHeader ? 0.95 : 0.3 + s * 0.4, guess: false };
}

function parse(_conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const em = new Emitter();
  // With tool-call streaming on, `9` repeats the input `b`/`c` already streamed: it only ends the call.
  const streamed = new Set<string>();
  for (const f of frames) {
    if (!em.incoming(f)) continue;
    const p = partOf(f);
    if (!p || !p.ok) {
      if (f.data.trim() !== '') em.parseError(f, 'not a data stream part');
      continue;
    }
    const v = p.value;
    switch (p.code) {
      case '0':
        em.emit({ type: 'text-delta', text: str(v) ?? '' });
        break;
      case 'g':
        em.emit({ type: 'reasoning-delta', text: str(v) ?? '' });
        break;
      case 'i':
        em.emit({ type: 'reasoning-redacted' });
        break;
      case 'a':
        em.emit({ type: 'tool-result', toolCallId: str(get(v, 'toolCallId')), output: jsonText(get(v, 'result')) ?? '' });
        break;
      case 'h':
        em.emit({ type: 'source', url: str(get(v, 'url')), title: str(get(v, 'title')), sourceId: str(get(v, 'id')) });
        break;
      case 'b':
        streamed.add(str(get(v, 'toolCallId')) ?? '');
        em.emit({ type: 'tool-call-delta', toolCallId: str(get(v, 'toolCallId')), name: str(get(v, 'toolName')), argsDelta: '' });
        break;
      case 'c':
        em.emit({ type: 'tool-call-delta', toolCallId: str(get(v, 'toolCallId')), argsDelta: str(get(v, 'argsTextDelta')) ?? '' });
        break;
      case '9': {
        const id = str(get(v, 'toolCallId'));
        const args = JSON.stringify(get(v, 'args') ?? {});
        if (!streamed.has(id ?? '')) em.emit({ type: 'tool-call-delta', toolCallId: id, name: str(get(v, 'toolName')), argsDelta: args });
        em.emit({ type: 'tool-call-end', toolCallId: id, name: str(get(v, 'toolName')), args });
        break;
      }
      case 'f':
        em.messageId = str(get(v, 'messageId')) ?? em.messageId;
        em.handle('message-id', get(v, 'messageId'));
        em.emit({ type: 'step', boundary: 'start' });
        break;
      case 'e':
        em.emit({ type: 'step', boundary: 'end', name: str(get(v, 'finishReason')) });
        break;
      case 'd':
        em.emit({ type: 'usage', inputTokens: num(get(v, 'usage', 'promptTokens')), outputTokens: num(get(v, 'usage', 'completionTokens')) });
        em.emit({ type: 'finish', reason: str(get(v, 'finishReason')) });
        break;
      case '3':
        em.emit({ type: 'error', message: str(v) ?? JSON.stringify(v) });
        break;
      default:
        em.step(`part ${p.code}`);
    }
  }
  return em.events;
}

export const vercelData: Recognizer = { id: 'vercel-data', name: 'Vercel AI SDK data stream', detect, parse };
