/**
 * Mock templates: a streamed answer in one protocol's wire shape, built from the answer text,
 * to start a mock from. The shapes follow the recorded fixtures in test/fixtures/protocols/
 * (OpenAI `chat.completion.chunk` with `data: [DONE]`; Anthropic Messages events
 * `message_start` … `message_stop`; the AI SDK UI message stream `start` … `finish`, `[DONE]`,
 * with its `x-vercel-ai-ui-message-stream: v1` header), and a durable run stream: `id:` on
 * every event, so a client resumes with Last-Event-ID. The SSE ones also answer an EventSource
 * (`transport: 'eventsource'`, a GET). Two answer a WebSocket: Socket.IO v4 over Engine.IO v4
 * (the recorded test/fixtures/protocols/socketio/chat.json: the open packet
 * `0{"sid",…,"pingInterval"}`, the namespace connect `40{"sid"}`, then `42["token",{delta,seq}]`
 * events and a `42["done",{seq}]`), and plain JSON messages `{"type":"delta","delta",…}`
 * ending with `{"type":"done"}`.
 */
import type { Header } from '../trace/records';
import { parseMock, type Mock, type MockStep, type MockTransport, type Parsed } from './model';
import { DEFAULT_PACE_MS, SSE_HEADERS } from './load';

export const TEMPLATE_IDS = ['openai-chat', 'anthropic', 'vercel-ui', 'durable-sse', 'socketio', 'json-websocket'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

/** The templates whose events are SSE blocks: they answer fetch/XHR, or an EventSource. */
const SSE_TEMPLATES: readonly TemplateId[] = ['openai-chat', 'anthropic', 'vercel-ui', 'durable-sse'];
/** The transport a template answers by default (absent: fetch/XHR). */
export const TEMPLATE_TRANSPORT: Partial<Record<TemplateId, MockTransport>> = { socketio: 'websocket', 'json-websocket': 'websocket' };

export const TEMPLATE_LABELS: Record<TemplateId, string> = {
  'openai-chat': 'OpenAI chat completions',
  anthropic: 'Anthropic messages',
  'vercel-ui': 'AI SDK UI message stream',
  'durable-sse': 'Durable run stream (SSE with ids)',
  socketio: 'Socket.IO (WebSocket)',
  'json-websocket': 'JSON messages (WebSocket)',
};

const DEFAULT_REQUEST: Record<TemplateId, { method: string; url: string }> = {
  'openai-chat': { method: 'POST', url: 'https://api.openai.com/v1/chat/completions' },
  anthropic: { method: 'POST', url: 'https://api.anthropic.com/v1/messages' },
  'vercel-ui': { method: 'POST', url: 'http://localhost:3000/api/chat' },
  'durable-sse': { method: 'GET', url: 'http://localhost:3000/api/runs/*/stream' },
  // The query (EIO=4&transport=websocket) is not matched, only origin and path.
  socketio: { method: 'GET', url: 'ws://localhost:3000/socket.io/' },
  'json-websocket': { method: 'GET', url: 'ws://localhost:3000/ws' },
};

export interface TemplateOptions {
  url?: string;
  method?: string;
  paceMs?: number;
  /** For an SSE template: `eventsource` answers the app's EventSource instead of a fetch. */
  transport?: MockTransport;
}

/** Word-sized pieces (each with the whitespace before it) whose concatenation is the text. */
export function answerPieces(text: string): string[] {
  const pieces = text.match(/\s*\S+/g) ?? [];
  const covered = pieces.join('').length;
  if (covered < text.length) {
    if (pieces.length === 0) return text === '' ? [] : [text];
    pieces[pieces.length - 1] += text.slice(covered);
  }
  return pieces;
}

const sse = (data: unknown, event?: string, id?: number): string =>
  `${id !== undefined ? `id: ${id}\n` : ''}${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

function openaiChat(pieces: string[]): string[] {
  const head = { id: 'chatcmpl-mock0000000000000000', object: 'chat.completion.chunk', created: 1730000000, model: 'gpt-4o-mini-2024-07-18', system_fingerprint: 'fp_mock' };
  const chunk = (delta: object, finish: string | null) => sse({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null });
  return [chunk({ role: 'assistant', content: '', refusal: null }, null), ...pieces.map((p) => chunk({ content: p }, null)), chunk({}, 'stop'), sse('[DONE]')];
}

function anthropic(pieces: string[]): string[] {
  return [
    sse({ type: 'message_start', message: { id: 'msg_mock000000000000000000', type: 'message', role: 'assistant', content: [], model: 'claude-sonnet-4-5', stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } }, 'message_start'),
    sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
    sse({ type: 'ping' }, 'ping'),
    ...pieces.map((p) => sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } }, 'content_block_delta')),
    sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
    sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: pieces.length } }, 'message_delta'),
    sse({ type: 'message_stop' }, 'message_stop'),
  ];
}

function vercelUi(pieces: string[]): string[] {
  return [
    sse({ type: 'start', messageId: 'msg_mock0000000000' }),
    sse({ type: 'start-step' }),
    sse({ type: 'text-start', id: 'txt_0' }),
    ...pieces.map((p) => sse({ type: 'text-delta', id: 'txt_0', delta: p })),
    sse({ type: 'text-end', id: 'txt_0' }),
    sse({ type: 'finish-step' }),
    sse({ type: 'finish' }),
    sse('[DONE]'),
  ];
}

/** Ids count from 1, as a durable log's sequence numbers do; `done` ends the run. */
function durableSse(pieces: string[]): string[] {
  return [...pieces.map((p, i) => sse({ delta: p, seq: i + 1 }, 'delta', i + 1)), sse({ reason: 'stop', seq: pieces.length + 1 }, 'done', pieces.length + 1)];
}

/** Socket.IO v4 over Engine.IO v4, as socket.io-client 4 reads it with `transports: ['websocket']`. */
function socketio(pieces: string[]): string[] {
  const open = { sid: 'mockEngineSid0000000', upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1000000 };
  return [
    `0${JSON.stringify(open)}`,
    `40${JSON.stringify({ sid: 'mockSocketSid0000000' })}`,
    ...pieces.map((p, i) => `42${JSON.stringify(['token', { delta: p, seq: i + 1 }])}`),
    `42${JSON.stringify(['done', { seq: pieces.length + 1 }])}`,
  ];
}

function jsonWebSocket(pieces: string[]): string[] {
  return [
    JSON.stringify({ type: 'start', message_id: 'msg_mock0000000000' }),
    ...pieces.map((p, i) => JSON.stringify({ type: 'delta', delta: p, seq: i + 1 })),
    JSON.stringify({ type: 'done', seq: pieces.length + 1 }),
  ];
}

const HEADERS: Record<TemplateId, Header[]> = {
  'openai-chat': SSE_HEADERS,
  anthropic: SSE_HEADERS,
  'vercel-ui': [...SSE_HEADERS, ['x-vercel-ai-ui-message-stream', 'v1']],
  'durable-sse': SSE_HEADERS,
  socketio: [],
  'json-websocket': [],
};

const BUILD: Record<TemplateId, (pieces: string[]) => string[]> = { 'openai-chat': openaiChat, anthropic, 'vercel-ui': vercelUi, 'durable-sse': durableSse, socketio, 'json-websocket': jsonWebSocket };

/** A mock answering with `answer` in the template's protocol, one event per word, at the pace. */
export function templateMock(id: TemplateId, answer: string, opts: TemplateOptions = {}): Parsed<Mock> {
  if (!TEMPLATE_IDS.includes(id)) return { ok: false, error: `unknown template ${String(id)} (${TEMPLATE_IDS.join(', ')})` };
  if (answer.trim() === '') return { ok: false, error: 'the answer text is empty' };
  const transport = opts.transport ?? TEMPLATE_TRANSPORT[id];
  if (transport === 'eventsource' && !SSE_TEMPLATES.includes(id)) return { ok: false, error: `the ${TEMPLATE_LABELS[id]} template answers a WebSocket, not an EventSource` };
  if (transport === 'websocket' && SSE_TEMPLATES.includes(id)) return { ok: false, error: `the ${TEMPLATE_LABELS[id]} template is SSE: it answers a fetch or an EventSource, not a WebSocket` };
  // An EventSource only GETs: its default URL is the template's with the method dropped.
  const base = transport === 'eventsource' ? { ...DEFAULT_REQUEST[id], method: 'GET' } : DEFAULT_REQUEST[id];
  const req = { ...base, ...(opts.url ? { url: opts.url } : {}), ...(opts.method ? { method: opts.method.toUpperCase() } : {}) };
  const paceMs = opts.paceMs ?? DEFAULT_PACE_MS;
  const steps: MockStep[] = BUILD[id](answerPieces(answer)).map((data) => ({ kind: 'event', delayMs: paceMs, data }));
  const status = transport === 'websocket' ? 101 : 200;
  // The whole mock through the strict parser: the URL's scheme and the method fit the transport.
  return parseMock({ name: `${TEMPLATE_LABELS[id]} mock`, ...(transport ? { transport } : {}), request: req, response: { status, headers: HEADERS[id] }, steps });
}
