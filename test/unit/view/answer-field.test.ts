import { describe, expect, it } from 'vitest';
import { connection, TOKENS } from '../analysis/build';
import { analyzeConnection, analyzeWithView, answerText } from '../../../src/core/analysis';
import type { ViewSample } from '../../../src/core/view/sample';

const ANSWER = TOKENS.join('');
const view = (text: string, time = 5000): ViewSample[] => [{ time, docId: 'doc', block: 1, text }];

/** MCP Streamable HTTP: the answer rides in notifications/progress `params.message`. */
function mcpStream() {
  return connection({
    url: 'http://app.test/mcp', method: 'POST', contentType: 'text/event-stream', start: 0,
    events: [
      ...TOKENS.map((t, i): [number, string] => [10 + i * 10, `id: ev-${i}\nevent: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 7, progress: i + 1, total: TOKENS.length, message: t } })}\n\n`]),
      [400, `id: ev-99\nevent: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: 3, result: { content: [{ type: 'text', text: ANSWER }] } })}\n\n`],
    ],
    end: { time: 410, cause: 'clean' },
  });
}

/** Socket.IO with connection-state recovery: `42["token",{…,"token":" surface"},"<offset>"]`. */
function socketIoStream() {
  return connection({
    kind: 'websocket', url: 'ws://app.test/socket.io/?EIO=4&transport=websocket', start: 0,
    events: [
      [5, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}'],
      [6, '40', 'out'],
      [7, '40{"sid":"s1","pid":"p1"}'],
      [8, '42["chat",{"prompt":"hello there friend"}]', 'out'],
      ...TOKENS.map((t, i): [number, string] => [10 + i * 10, `42["token",${JSON.stringify({ chatId: 'c1', messageId: 'm1', token: t })},"off-${i}"]`]),
      [400, '42["done",{"chatId":"c1","messageId":"m1"},"off-99"]'],
    ],
  });
}

describe('answer detection from what the page shows', () => {
  it('finds MCP progress messages as the live answer, where the recognizer sees only the final result', () => {
    const conn = mcpStream();
    expect(analyzeConnection(conn).recognition.events.filter((e) => e.type === 'text-delta')).toHaveLength(1);
    const [a] = analyzeWithView([conn], view(`You: hello\nAssistant:${ANSWER}`));
    expect(a!.isAiStream).toBe(true);
    expect(answerText(a!)).toBe(ANSWER);
    expect(a!.recognition.name).toContain('params.message of “notifications/progress” messages');
    expect(a!.recognition.events.filter((e) => e.type === 'text-delta')).toHaveLength(TOKENS.length);
  });

  it('finds Socket.IO event arguments as the answer, with the done event ending it', () => {
    const [a] = analyzeWithView([socketIoStream()], view(ANSWER.trim()));
    expect(answerText(a!)).toBe(ANSWER);
    expect(a!.output.messages[0]!.finished).toBe(true);
  });

  it('finds the answer in an app-defined field no heuristic knows', () => {
    const conn = connection({
      kind: 'websocket', url: 'ws://app.test/live', start: 0,
      events: TOKENS.map((t, i): [number, string] => [10 + i * 10, JSON.stringify({ kind: 'gen', seqNo: i, piece: { say: t } })]),
    });
    expect(analyzeConnection(conn).isAiStream).toBe(false);
    const [a] = analyzeWithView([conn], view(ANSWER));
    expect(answerText(a!)).toBe(ANSWER);
    expect(a!.recognition.name).toContain('piece.say of “gen” messages');
  });

  it('finds nothing when the page does not show the stream’s text', () => {
    const conn = mcpStream();
    const [a] = analyzeWithView([conn], view('Something else entirely is on this page, nothing streamed here'));
    expect(a).toBe(analyzeConnection(conn));
  });

  it('keeps a recognizer’s text when it is what the page shows', () => {
    const conn = connection({
      url: 'http://app.test/v1/chat/completions', method: 'POST', contentType: 'text/event-stream', start: 0,
      events: TOKENS.map((t, i): [number, string] => [10 + i * 10, `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: t } }], note: `step ${i} of the plan` })}\n\n`]),
    });
    const base = analyzeConnection(conn);
    const [a] = analyzeWithView([conn], view(ANSWER));
    expect(a).toBe(base);
  });

  it('matches a page that renders the answer with other whitespace and markup words between', () => {
    const shown = TOKENS.map((t, i) => (i === 4 ? `${t} ` : t)).join('').replace(/ /g, '  ');
    const [a] = analyzeWithView([mcpStream()], view(`Assistant • ${shown} • copy`));
    expect(a!.isAiStream).toBe(true);
  });

  it('reads a batch of typed items as one field, whatever their position (JSON batches of app items)', () => {
    const items = TOKENS.map((t) => ({ type: 'token', text: t }));
    const batches = [[{ type: 'user', text: 'tell me about durable sessions please' }, ...items.slice(0, 3)], items.slice(3, 7), items.slice(7)];
    const conn = connection({
      url: 'http://app.test/streams/chat-1', contentType: 'text/event-stream', start: 0,
      events: batches.map((b, i): [number, string] => [10 + i * 100, `event: data\ndata: ${JSON.stringify(b)}\n\n`]),
    });
    const [a] = analyzeWithView([conn], view(ANSWER));
    expect(answerText(a!)).toBe(ANSWER);
    expect(a!.recognition.name).toContain('[*]{type=token}.text');
    // The same batches with Durable Streams' control events: its recognizer reads them itself.
    const ds = connection({
      url: 'http://app.test/streams/chat-1?offset=-1&live=sse', contentType: 'text/event-stream', start: 0,
      events: batches.map((b, i): [number, string] => [10 + i * 100, `event: data\ndata: ${JSON.stringify(b)}\n\nevent: control\ndata: {"streamNextOffset":"${i}_${b.length}"}\n\n`]),
    });
    const [d] = analyzeWithView([ds], view(ANSWER));
    expect(answerText(d!)).toBe(ANSWER);
    expect(d!.recognition.name).toBe('Durable Streams');
  });
});
