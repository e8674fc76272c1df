/**
 * Verdicts on apps built on the durable-session stacks, from traces assembled from each stack's
 * fixtures (recorded from the real library where it runs here): the reconnect-resume verdict
 * names the stack and the handle the client resumed with, the second-tab-cancel verdict names
 * the stack's own cancel message or request.
 */
import { describe, expect, it } from 'vitest';
import { analyzeWithView, passiveFlags, reconnectResumeVerdict, secondTabCancelVerdict, type AnalyzedConnection } from '../../../src/core/analysis';
import type { ConnectionCapture } from '../../../src/core/trace/model';
import type { EndCause } from '../../../src/core/trace/records';
import type { ViewSample } from '../../../src/core/view/sample';
import { exchangeCapture, exchanges } from '../core/durable-stacks-fixture';
import { captureFromBody, loadFixture, readWire, type Meta } from '../core/fixture';

let n = 0;
/** A capture as its own connection, opened at `at`, its events 10 ms apart, ended by `end`. */
function placed(c: ConnectionCapture, at: number, end: EndCause = 'clean'): ConnectionCapture {
  c.summary.id = `doc:s${++n}`;
  c.summary.startedAt = at;
  c.events.forEach((e, i) => (e.time = at + 10 * (i + 1)));
  c.summary.endedAt = at + 10 * (c.events.length + 1);
  c.summary.end = end;
  return c;
}
const ws = (protocol: string, file: string, at: number, end?: EndCause) => placed(loadFixture(protocol, file), at, end);
/** The page's answer block as it grew and as it ended. */
const page = (time: number, ...texts: string[]): ViewSample[] => texts.map((text, i) => ({ time: time + i * 500, docId: 'doc', block: 1, text }));

function resumeVerdict(conns: ConnectionCapture[], dropped: ConnectionCapture, view: ViewSample[] = []) {
  const analyzed = analyzeWithView(conns, view);
  return reconnectResumeVerdict({ conns: analyzed, droppedAt: dropped.summary.endedAt, droppedConnectionIds: [dropped.summary.id], timeoutMs: 10_000, view });
}
const reconnectLabel = (v: ReturnType<typeof resumeVerdict>) => v.evidence.find((e) => e.label.startsWith('reconnected'))!.label;

describe('reconnect-resume on each stack names the handle it resumed with', () => {
  it('Durable Streams over SSE: PASS, resumed with the last offset', () => {
    const sse = exchanges('durable-streams', 'sse.json')[1]!;
    const off = '0000000000000000_0000000000000149';
    const cut = sse.body.slice(0, sse.body.indexOf('\n\n', sse.body.indexOf(off)) + 2);
    const before = placed(exchangeCapture(sse, { body: cut }), 0, 'network-error');
    const after = placed(exchangeCapture(exchanges('durable-streams', 'sse-resume.json')[0]!), 900);
    const v = resumeVerdict([before, after], before);
    expect(v.verdict, v.reason).toBe('pass');
    expect(reconnectLabel(v)).toBe(`reconnected with offset ${off} (Durable Streams)`);
    expect(v.reason).not.toMatch(/judged by the text/);
  });

  it('Durable Streams over long-poll: the reads form one stream, and the re-read of the dropped poll resumes it', () => {
    const polls = exchanges('durable-streams', 'long-poll.json');
    const first = polls.slice(0, 3).map((e, i) => placed(exchangeCapture(e), i * 100));
    // The fourth poll was waiting when the network dropped: no answer at all.
    const dropped = placed(exchangeCapture({ ...polls[3]!, status: 0, responseHeaders: [], body: '' }), 300, 'network-error');
    dropped.events = [];
    const rest = polls.slice(3).map((e, i) => placed(exchangeCapture(e), 1200 + i * 100));
    const v = resumeVerdict([...first, dropped, ...rest], dropped);
    expect(v.verdict, v.reason).toBe('pass');
    expect(reconnectLabel(v)).toBe('reconnected with offset 0000000000000000_0000000000000149, cursor 3385685 (Durable Streams)');
    expect(v.evidence.find((e) => e.label === 'text after reconnecting')!.text).toBe('keep the answer across drops.');
  });

  it('AI SDK resume: PASS when the replay of the same message shows once, linked by the chat id', () => {
    const meta = JSON.parse(readWire('vercel-ui', 'resume-meta.json')) as Array<Meta & { responseHeaders: Array<[string, string]> }>;
    const body = readWire('vercel-ui', 'resume.txt');
    const post: Meta = { url: 'https://app.example.com/api/chat', method: 'POST', responseHeaders: meta[0]!.responseHeaders, requestBody: JSON.stringify({ id: 'chat-4b7e2a91', messages: [] }) };
    const before = placed(captureFromBody(body.slice(0, body.indexOf('"replay "')), post), 0, 'network-error');
    const after = placed(captureFromBody(body, { url: meta[0]!.url, method: 'GET', responseHeaders: meta[0]!.responseHeaders }), 900);
    const v = resumeVerdict([before, after], before, page(100, 'Resumed streams', 'Resumed streams replay the answer.'));
    expect(v.verdict, v.reason).toBe('pass');
    expect(reconnectLabel(v)).toBe('reconnected to chat-4b7e2a91, msg-resume-1, asking for no position to resume from (Vercel AI SDK UI message stream)');
    expect(v.reason).toMatch(/replayed the same generation from its start/);
  });

  it('Cloudflare Agents: PASS on the resume handshake naming the request it resumes', () => {
    const before = ws('cloudflare-agents', 'before-drop.json', 0, 'network-error');
    const after = ws('cloudflare-agents', 'resume.json', 900);
    const v = resumeVerdict([before, after], before, page(100, 'Agents keep state', 'Agents keep state in Durable Objects.'));
    expect(v.verdict, v.reason).toBe('pass');
    expect(reconnectLabel(v)).toBe('reconnected with stream-id req_a81f29c4 (Cloudflare Agents (AIChatAgent))');
  });

  it('Ably: PASS, resumed with the connection key and the last channel serial', () => {
    const before = ws('ably', 'before-drop.json', 0, 'network-error');
    const after = ws('ably', 'resume.json', 900);
    const v = resumeVerdict([before, after], before);
    expect(v.verdict, v.reason).toBe('pass');
    expect(reconnectLabel(v)).toBe('reconnected with session-id a8Fq2!kM3wXyZ9-1f, cursor 108uyDJAgBOihn12345:4 (Ably realtime (AI Transport))');
  });

  it('LangGraph join: PASS, rejoined the run with Last-Event-ID', () => {
    const thread = 'https://agent.example.com/threads/8d2b1f3e-4c5a-4e6f-9a7b-0c1d2e3f4a5b';
    const sse: Array<[string, string]> = [['content-type', 'text/event-stream; charset=utf-8']];
    const before = placed(captureFromBody(readWire('langgraph', 'join-before.txt'), { url: `${thread}/runs/stream`, method: 'POST', responseHeaders: sse }, { kind: 'fixed', size: 90 }), 0, 'network-error');
    const after = placed(captureFromBody(readWire('langgraph', 'join-after.txt'), { url: `${thread}/runs/1ef9c3a2-7b1e-6f60-8d3a-2f0c5b9e4a11/stream`, method: 'GET', requestHeaders: [['Last-Event-ID', '1732000001000-4']], responseHeaders: sse }, { kind: 'fixed', size: 90 }), 900);
    const v = resumeVerdict([before, after], before);
    expect(v.verdict, v.reason).toBe('pass');
    expect(reconnectLabel(v)).toBe('reconnected with event-id 1732000001000-4 (LangGraph / LangServe)');
    expect(v.evidence.find((e) => e.label === 'text after reconnecting')!.text).toBe('the last event.');
  });

  it('OpenAI Responses background mode: PASS, resumed with starting_after', () => {
    const before = placed(loadFixture('openai-responses', 'background-dropped.txt'), 0, 'network-error');
    const after = placed(loadFixture('openai-responses', 'resume.txt'), 900);
    const v = resumeVerdict([before, after], before);
    expect(v.verdict, v.reason).toBe('pass');
    expect(reconnectLabel(v)).toBe('reconnected with sequence 6 (OpenAI Responses API)');
  });

  it('OpenAI Realtime: FAIL, a new session has no handle to resume with', () => {
    const before = ws('openai-realtime', 'cancel.json', 0, 'network-error');
    before.events.splice(-2);
    const after = ws('openai-realtime', 'text.json', 900);
    const v = resumeVerdict([before, after], before);
    expect(v.verdict, v.reason).toBe('fail');
    expect(reconnectLabel(v)).toMatch(/^reconnected .*\(OpenAI Realtime API\)$/);
    expect(reconnectLabel(v)).not.toMatch(/offset|cursor|sequence|event-id/);
    expect(v.reason).toMatch(/a new message \(item_C9xA1\) replaced the interrupted one \(item_C7kB2\)/);
  });
});

describe('second-tab-cancel on each stack names the cancel', () => {
  /** Tab A streams the fixture's answer and receives its cancellation; tab B sends the cancel at `pressedAt`. */
  function cancelVerdict(tabA: ConnectionCapture, tabB: ConnectionCapture[], pressedAt: number) {
    const a: AnalyzedConnection[] = analyzeWithView([tabA], []);
    const b: AnalyzedConnection[] = analyzeWithView(tabB, []);
    return secondTabCancelVerdict({ tabA: a, tabB: b, stop: { found: true, enabled: true, label: 'Stop', pressedAt }, endedAt: 5000 });
  }
  const cancelLabels = (v: ReturnType<typeof cancelVerdict>) => v.evidence.filter((e) => e.label.startsWith('tab B sent an explicit cancel')).map((e) => e.label);
  /** The time of the frame of a WebSocket fixture that tab B's Stop sent. */
  const sentAt = (c: ConnectionCapture, needle: string) => c.events.find((e) => e.dir === 'out' && e.text?.includes(needle))!.time;

  it.each([
    ['cloudflare-agents', 'cf_agent_chat_request_cancel', 'sent cf_agent_chat_request_cancel (Cloudflare Agents (AIChatAgent))'],
    ['ably', 'x-ably-cancel', 'sent x-ably-cancel (Ably realtime (AI Transport))'],
    ['openai-realtime', 'response.cancel', 'sent response.cancel (OpenAI Realtime API)'],
  ])('%s: PASS on its cancel message', (protocol, needle, label) => {
    const tabA = ws(protocol, 'cancel.json', 0);
    const tabB = ws(protocol, 'cancel.json', 0);
    const v = cancelVerdict(tabA, [tabB], sentAt(tabB, needle) - 5);
    expect(v.verdict, v.reason).toBe('pass');
    expect(cancelLabels(v)).toEqual([`tab B sent an explicit cancel: ${label}`]);
    expect(v.reason).toMatch(/ended with a cancellation/);
  });

  it.each([
    ['LangGraph', 'langgraph', 'cancel.txt', 'https://agent.example.com/threads/8d2b1f3e-4c5a-4e6f-9a7b-0c1d2e3f4a5b/runs/1ef9c3a2-7b1e-6f60-8d3a-2f0c5b9e4a11/cancel'],
    ['OpenAI Responses', 'openai-responses', 'background-dropped.txt', 'https://api.openai.com/v1/responses/resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b/cancel'],
  ])('%s: the cancel request is named by its URL', (_name, protocol, file, cancelUrl) => {
    const tabA = placed(loadFixture(protocol, file, { kind: 'fixed', size: 64 }), 0);
    // Stop pressed just before the stream's cancellation arrived.
    const press = tabA.events.at(-2)!.time + 5;
    const tabB = placed(captureFromBody('{"status":"cancelled"}', { url: cancelUrl, method: 'POST', responseHeaders: [['content-type', 'application/json']] }), press + 5);
    tabB.summary.streaming = false;
    const v = cancelVerdict(tabA, [tabB], press);
    expect(cancelLabels(v)).toEqual([`tab B sent an explicit cancel: POST ${cancelUrl}`]);
  });
});

describe('passive flags on the stacks', () => {
  it('an SSE stream that resumes by offset or sequence number is not flagged for lacking SSE ids', () => {
    const ds = placed(exchangeCapture(exchanges('durable-streams', 'sse.json')[1]!), 0);
    const responses = placed(loadFixture('openai-responses', 'text.txt', { kind: 'fixed', size: 64 }), 0);
    const plain = placed(loadFixture('openai-chat', 'text.txt', { kind: 'fixed', size: 64 }), 0);
    const ids = (c: ConnectionCapture) => passiveFlags(analyzeWithView([c], []), 5000).map((f) => f.id);
    expect(ids(ds)).not.toContain('sse-without-ids');
    expect(ids(responses)).not.toContain('sse-without-ids');
    expect(ids(plain)).toContain('sse-without-ids');
  });
});
