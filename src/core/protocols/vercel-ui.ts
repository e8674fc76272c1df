/**
 * Vercel AI SDK UI message stream (AI SDK 5+, header `x-vercel-ai-ui-message-stream: v1`): SSE
 * whose data are typed JSON parts (`start`, `text-delta`, `tool-input-delta`, `finish`,
 * `abort`…) ended by `[DONE]`. The `start` part's messageId keys the message; resumable streams
 * (resumable-stream) replay it from the start, which is why alignment matters here. Tool
 * input is complete at `tool-input-available`, its result is `tool-output-available` (or
 * `-error`); `source-url` / `source-document` are the answer's sources.
 *
 * Resume (the `ai` package's `DefaultChatTransport.reconnectToStream`, `dist/index.mjs`): the
 * client GETs `<api>/<chatId>/stream`; the server replays the active stream with the same
 * header, or answers 204 when nothing runs. The chat id in that URL is the resume handle.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, Frame, Recognizer } from './types';
import { Emitter, get, header, isObj, jsonText, num, share, someFrame, str, urlPath } from './util';

const TYPES = /^(start|finish|abort|error|start-step|finish-step|message-metadata|(text|reasoning)-(start|delta|end)|tool-(input|output)-[a-z-]+|source-[a-z]+|file|data-.+)$/;

/** The chat id of an AI SDK resume request (`GET <api>/<chatId>/stream`), if this is one. */
function resumeChatId(conn: ConnectionCapture): string | undefined {
  if (conn.summary.method !== 'GET') return undefined;
  const m = /\/([^/]+)\/stream\/?$/.exec(urlPath(conn));
  return m ? decodeURIComponent(m[1]!) : undefined;
}

const isDistinctive = (f: Frame): boolean => /^(start|start-step|text-(start|delta)|tool-input-.+)$/.test(str(get(f.json, 'type')) ?? '');

function detect(conn: ConnectionCapture, frames: Frame[]) {
  // A resume with nothing to resume: no body, no header, only its shape says what it was.
  if (conn.summary.status === 204 && frames.length === 0 && resumeChatId(conn) !== undefined && /\/(api\/)?chat/.test(urlPath(conn))) return { confidence: 0.3, guess: true };
  const byHeader = header(conn, 'x-vercel-ai-ui-message-stream', 'response') !== undefined;
  if (conn.summary.kind === 'websocket') return null;
  const s = share(frames, (f) => TYPES.test(str(get(f.json, 'type')) ?? '') || f.data.trim() === '[DONE]');
  // `error`/`finish` alone are too common in home-grown streams to mean this protocol.
  const distinctive = someFrame(frames, isDistinctive);
  if (!byHeader && (s < 0.5 || !distinctive)) return null;
  return { confidence: byHeader ? 0.95 : 0.4 + s * 0.4, guess: false };
}

function parse(conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const em = new Emitter();
  const tools = new Map<string, string>();
  const chatId = resumeChatId(conn);
  if (chatId !== undefined && frames.length === 0 && conn.summary.status === 204) {
    em.begin({ index: 0, dir: 'in', kind: 'text', data: '', at: { first: 0, last: 0 }, time: conn.summary.startedAt });
    em.handle('conversation-id', chatId);
    em.step('resume: nothing running (204)');
  }
  let first = true;
  for (const f of frames) {
    if (!em.incoming(f)) continue;
    if (first && chatId !== undefined) em.handle('conversation-id', chatId);
    first = false;
    if (f.data.trim() === '[DONE]') {
      em.step('[DONE]');
      continue;
    }
    const j = f.json;
    const type = str(get(j, 'type'));
    if (!isObj(j) || type === undefined) {
      if (f.data.trim() !== '') em.parseError(f, f.error ?? 'not a UI message stream part');
      continue;
    }
    // Not part of the SDK's protocol, but multi-agent apps built on its part shapes tag each
    // part with the agent that produced it; keeping it is what exposes a funnelled orchestrator.
    em.agent = str(j.agent);
    switch (type) {
      case 'start':
        em.messageId = str(j.messageId) ?? em.messageId;
        em.handle('message-id', j.messageId);
        em.emit({ type: 'message-start', role: 'assistant' });
        break;
      case 'text-delta':
        em.emit({ type: 'text-delta', text: str(j.delta) ?? str(j.textDelta) ?? '' });
        break;
      case 'reasoning-delta':
        em.emit({ type: 'reasoning-delta', text: str(j.delta) ?? '' });
        break;
      case 'tool-input-start':
        if (str(j.toolCallId)) tools.set(str(j.toolCallId)!, str(j.toolName) ?? '');
        em.emit({ type: 'tool-call-delta', toolCallId: str(j.toolCallId), name: str(j.toolName), argsDelta: '' });
        break;
      case 'tool-input-delta':
        em.emit({ type: 'tool-call-delta', toolCallId: str(j.toolCallId), name: tools.get(str(j.toolCallId) ?? ''), argsDelta: str(j.inputTextDelta) ?? '' });
        break;
      case 'tool-input-available':
      case 'tool-input-error':
        em.emit({ type: 'tool-call-end', toolCallId: str(j.toolCallId), name: str(j.toolName) ?? tools.get(str(j.toolCallId) ?? ''), args: jsonText(j.input) });
        if (type === 'tool-input-error') em.emit({ type: 'error', message: `tool input: ${str(j.errorText) ?? 'invalid'}` });
        break;
      case 'tool-output-available':
        em.emit({ type: 'tool-result', toolCallId: str(j.toolCallId), name: tools.get(str(j.toolCallId) ?? ''), output: jsonText(j.output) ?? '' });
        break;
      case 'tool-output-error':
        em.emit({ type: 'tool-result', toolCallId: str(j.toolCallId), name: tools.get(str(j.toolCallId) ?? ''), output: str(j.errorText) ?? 'error', isError: true });
        break;
      case 'source-url':
        em.emit({ type: 'source', url: str(j.url), title: str(j.title), sourceId: str(j.sourceId) });
        break;
      case 'source-document':
        em.emit({ type: 'source', title: str(j.title) ?? str(j.filename), sourceId: str(j.sourceId) });
        break;
      case 'start-step':
        em.emit({ type: 'step', boundary: 'start' });
        break;
      case 'finish-step':
        em.emit({ type: 'step', boundary: 'end' });
        break;
      case 'finish': {
        // Apps put the model in the message metadata (the SDK's documented example does).
        const model = str(get(j, 'messageMetadata', 'model'));
        if (model) em.emit({ type: 'model-info', model });
        const usage = get(j, 'messageMetadata', 'usage');
        if (isObj(usage)) em.emit({ type: 'usage', inputTokens: num(get(usage, 'inputTokens')), outputTokens: num(get(usage, 'outputTokens')) });
        em.emit({ type: 'finish', reason: str(j.finishReason) });
        break;
      }
      case 'abort':
        em.emit({ type: 'cancel', reason: str(j.reason) });
        break;
      case 'error':
        em.emit({ type: 'error', message: str(j.errorText) ?? 'error' });
        break;
      default:
        em.step(type, /-start$/.test(type) ? 'start' : 'end');
    }
  }
  return em.events;
}

export const vercelUi: Recognizer = { id: 'vercel-ui', name: 'Vercel AI SDK UI message stream', detect, parse };
