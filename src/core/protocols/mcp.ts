/**
 * MCP Streamable HTTP: JSON-RPC 2.0 messages in an SSE stream or a single JSON body. The
 * `Mcp-Session-Id` header is the 'session-id' handle and SSE ids are what `Last-Event-ID`
 * resumes from. Tool results' text content is the answer; `notifications/progress` marks
 * progress (a `step` per notification, which also shows the stream is alive), and
 * `notifications/cancelled` is a cancel (or a client `control` when the page sent it).
 * A `tools/call` request the page POSTed is the tool call (name and arguments from the request
 * body) and its JSON-RPC result the tool's result, keyed `rpc:<id>` like the answer.
 */
import type { ConnectionCapture } from '../trace/model';
import type { AiEvent, Frame, Recognizer } from './types';
import { tryJson } from '../parse/types';
import { Emitter, get, header, idText, isObj, jsonText, num, share, str, urlPath } from './util';

const isRpc = (x: unknown): boolean => get(x, 'jsonrpc') === '2.0' || (Array.isArray(x) && get(x, 0, 'jsonrpc') === '2.0');

function detect(conn: ConnectionCapture, frames: Frame[]) {
  const byHeader = header(conn, 'mcp-session-id') !== undefined || header(conn, 'mcp-protocol-version') !== undefined;
  const byUrl = /\/mcp\/?$/.test(urlPath(conn));
  const s = share(frames, (f) => isRpc(f.json));
  if (s === 0 && !byHeader) return null;
  return { confidence: Math.min(1, 0.3 + s * 0.4 + (byHeader ? 0.3 : 0) + (byUrl ? 0.1 : 0)), guess: false };
}

function progressName(p: unknown): string {
  const progress = num(get(p, 'progress'));
  const total = num(get(p, 'total'));
  const message = str(get(p, 'message'));
  return `progress ${progress ?? '?'}${total !== undefined ? `/${total}` : ''}${message ? `: ${message}` : ''}`;
}

function one(em: Emitter, m: unknown, dir: 'in' | 'out'): void {
  if (!isObj(m)) return;
  const method = str(m.method);
  const rpcId = idText(m.id);
  const key = rpcId !== undefined ? `rpc:${rpcId}` : undefined;
  if (dir === 'out') {
    const name = method === 'notifications/cancelled' ? 'cancel' : method ?? (m.result !== undefined ? 'response' : 'message');
    em.emit({ type: 'control', name }, { messageId: key });
    return;
  }
  if (method === 'notifications/progress') em.emit({ type: 'step', boundary: 'end', name: progressName(m.params) });
  else if (method === 'notifications/cancelled') {
    const target = idText(get(m, 'params', 'requestId'));
    em.emit({ type: 'cancel', reason: str(get(m, 'params', 'reason')) }, { messageId: target !== undefined ? `rpc:${target}` : undefined });
  } else if (method === 'notifications/message') em.step(`log ${str(get(m, 'params', 'level')) ?? ''}`.trim());
  else if (method !== undefined) em.step(method, 'start');
  else if (isObj(m.error)) em.emit({ type: 'error', message: `${num(get(m, 'error', 'code')) ?? ''} ${str(get(m, 'error', 'message')) ?? ''}`.trim() }, { messageId: key });
  else if (m.result !== undefined) {
    const content = get(m, 'result', 'content');
    const texts = (Array.isArray(content) ? content : []).map((c) => (get(c, 'type') === 'text' ? str(get(c, 'text')) ?? '' : '')).filter((t) => t !== '');
    for (const text of texts) em.emit({ type: 'text-delta', text }, { messageId: key });
    const isError = get(m, 'result', 'isError') === true;
    em.emit({ type: 'tool-result', toolCallId: key, output: texts.length > 0 ? texts.join('\n') : jsonText(get(m, 'result')) ?? '', ...(isError ? { isError } : {}) }, { messageId: key });
    if (isError) em.emit({ type: 'error', message: texts.join('\n') || 'tool error' }, { messageId: key });
    else em.emit({ type: 'finish', reason: 'result' }, { messageId: key });
  }
}

/** The `tools/call` requests in the POSTed body (one message or a batch), by JSON-RPC id. */
function toolCallsSent(conn: ConnectionCapture): Array<{ key: string; name?: string; args: string }> {
  const body = tryJson(conn.summary.requestBodyPreview ?? '');
  return (Array.isArray(body) ? body : [body]).flatMap((m) => {
    const id = idText(get(m, 'id'));
    if (get(m, 'method') !== 'tools/call' || id === undefined) return [];
    return [{ key: `rpc:${id}`, name: str(get(m, 'params', 'name')), args: jsonText(get(m, 'params', 'arguments') ?? {}) ?? '{}' }];
  });
}

function parse(conn: ConnectionCapture, frames: Frame[]): AiEvent[] {
  const em = new Emitter();
  const session = header(conn, 'mcp-session-id');
  let sessionReported = false;
  const sent = toolCallsSent(conn);
  for (const f of frames) {
    em.begin(f);
    if (session !== undefined && !sessionReported) {
      em.handle('session-id', session);
      sessionReported = true;
    }
    // The request has no frame of its own: the call is shown where its stream begins.
    for (const c of sent.splice(0)) {
      em.emit({ type: 'tool-call-delta', toolCallId: c.key, name: c.name, argsDelta: c.args }, { messageId: c.key });
      em.emit({ type: 'tool-call-end', toolCallId: c.key, name: c.name }, { messageId: c.key });
    }
    if (f.kind === 'sse-comment') {
      em.emit({ type: 'heartbeat' });
      continue;
    }
    const j = f.json;
    if (j === undefined || (!isObj(j) && !Array.isArray(j))) {
      if (f.data.trim() !== '') em.parseError(f, f.error ?? 'not a JSON-RPC message');
      else if (f.id !== undefined) em.step('event-id');
      continue;
    }
    const before = em.events.length;
    for (const m of Array.isArray(j) ? j : [j]) one(em, m, f.dir);
    if (em.events.length === before) em.step('message');
  }
  return em.events;
}

export const mcp: Recognizer = { id: 'mcp', name: 'MCP Streamable HTTP', detect, parse };
