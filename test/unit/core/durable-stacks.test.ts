/**
 * The durable-session stacks, on fixtures recorded from their real client and server where
 * they run here (Durable Streams, AI SDK resume) and written to their published protocol
 * otherwise (OpenAI Realtime, Cloudflare Agents, Ably): protocol name, reassembled text,
 * resume handles, the explicit cancel, and how a resumed stream lines up with the dropped one.
 */
import { describe, expect, it } from 'vitest';
import { analyzeConnection, cancelSignals, findResumes, joinLongPolls, longPollPath } from '../../../src/core/analysis';
import { resumeRequestOf } from '../../../src/core/protocols';
import { alignResume, resumeSide } from '../../../src/core/reassembly';
import { analyze, analyzeConn, type Analysis } from './analyze';
import { exchangeCapture, exchanges } from './durable-stacks-fixture';
import { SPLITS, loadFixture, readWire, splitName } from './fixture';

const handlesOf = (a: Analysis, kind: string) => a.rec.handles.filter((h) => h.kind === kind).map((h) => h.value);
const lastMessage = (a: Analysis) => a.out.messages.filter((m) => m.text !== '').at(-1)!;
const aligned = (before: Analysis, after: Analysis) => alignResume(resumeSide(before.rec, lastMessage(before)), resumeSide(after.rec, lastMessage(after)));

const DS_ANSWER = 'Durable streams keep the answer across drops.';
const offset = (n: number) => `0000000000000000_${String(n).padStart(16, '0')}`;

describe('Durable Streams', () => {
  const sse = exchanges('durable-streams', 'sse.json');
  const polls = exchanges('durable-streams', 'long-poll.json');

  it('reads a live=sse stream: data events are the answer, control events carry the offset and cursor', () => {
    const a = analyzeConn(exchangeCapture(sse[1]!));
    expect(a.rec).toMatchObject({ protocol: 'durable-streams', name: 'Durable Streams', guess: false });
    expect(a.text).toBe(DS_ANSWER);
    expect(handlesOf(a, 'offset')).toEqual([69, 109, 149, 186, 222, 261, 300, 338, 359].map(offset));
    expect(handlesOf(a, 'cursor')[0]).toBe('3385660');
    expect(a.of('finish').map((f) => f.reason)).toEqual(['done', 'stream closed']);
  });

  it('is chunk-independent over SSE', () => {
    const whole = analyzeConn(exchangeCapture(sse[1]!)).rec.events;
    for (const split of SPLITS) expect(analyzeConn(exchangeCapture(sse[1]!, { split })).rec.events, splitName(split)).toEqual(whole);
  });

  it('reads the catch-up answer: the user prompt is not the answer, the offset rides in Stream-Next-Offset', () => {
    const a = analyzeConn(exchangeCapture(sse[0]!));
    expect(a.rec.protocol).toBe('durable-streams');
    expect(a.text).toBe('');
    expect(a.of('message-start')).toEqual([expect.objectContaining({ role: 'user' })]);
    expect(handlesOf(a, 'offset')).toEqual([offset(69)]);
  });

  it('joins long-poll reads that chain by offset into one logical stream with the whole answer', () => {
    const reads = polls.map((e, i) => analyzeConnection(exchangeCapture(e, { startedAt: i * 100 })));
    expect(reads.map((r) => r.recognition.protocol)).toEqual(Array(polls.length).fill('durable-streams'));
    // One by one, each read carries one token and no read alone is the answer.
    expect(reads.filter((r) => r.output.messages.some((m) => m.text === DS_ANSWER))).toHaveLength(0);
    const joined = joinLongPolls(reads);
    expect(joined).toHaveLength(1);
    const [one] = joined;
    expect(one!.output.messages.map((m) => m.text).join('')).toBe(DS_ANSWER);
    expect(one!.isAiStream).toBe(true);
    expect(one!.conn.summary.id).toBe(reads.at(-1)!.conn.summary.id);
    expect(one!.conn.summary.detail).toBe(`Durable Streams: ${polls.length} reads as one stream`);
    expect(one!.recognition.handles.filter((h) => h.kind === 'offset').map((h) => h.value)).toEqual([69, 109, 149, 186, 222, 261, 300, 338, 359].map(offset));
    expect(one!.output.messages.at(-1)!.finished).toBe(true);
    // The requests stay reachable, each as it was, and a drop aimed at the stream follows its path.
    expect(one!.parts!.map((p) => p.conn.summary.id)).toEqual(reads.map((r) => r.conn.summary.id));
    expect(longPollPath(one!)).toBe(polls[0]!.url.replace(/\?.*$/, ''));
    expect(longPollPath(analyzeConnection(exchangeCapture(sse[1]!)))).toBeNull();
    // A catch-up joined with the SSE read it hands over to is followed by that one SSE read.
    expect(longPollPath(joinLongPolls(sse.map((e, i) => analyzeConnection(exchangeCapture(e, { startedAt: i * 100 }))))[0]!)).toBeNull();
  });

  it('keeps reads of other streams, and a read that does not chain, apart', () => {
    const reads = polls.slice(0, 4).map((e, i) => analyzeConnection(exchangeCapture(e, { startedAt: i * 100 })));
    const other = analyzeConnection(exchangeCapture({ ...polls[4]!, url: polls[4]!.url.replace('chat-7f3a9c21', 'chat-other') }, { startedAt: 450 }));
    const skipped = analyzeConnection(exchangeCapture(polls[6]!, { startedAt: 500 }));
    const joined = joinLongPolls([...reads, other, skipped]);
    expect(joined).toHaveLength(3);
    expect(joined[0]!.output.messages.map((m) => m.text).join('')).toBe('Durable streams keep ');
  });

  it('the catch-up read and the SSE read it hands over to are one stream', () => {
    const [catchUp, live] = sse.map((e, i) => analyzeConnection(exchangeCapture(e, { startedAt: i * 100 })));
    const joined = joinLongPolls([catchUp!, live!]);
    expect(joined).toHaveLength(1);
    expect(joined[0]!.conn.summary.url).toBe(sse[0]!.url);
    expect(joined[0]!.conn.summary.id).toBe(live!.conn.summary.id);
    expect(joined[0]!.output.messages.map((m) => m.text).join('')).toBe(DS_ANSWER);
  });

  it('a re-read from -1 after a drop replays the start: a restart, not a continuation', () => {
    const body = sse[1]!.body;
    const cut = body.slice(0, body.indexOf('\n\n', body.indexOf(offset(149))) + 2);
    const before = [analyzeConnection(exchangeCapture(sse[0]!, { startedAt: 0 })), analyzeConnection(exchangeCapture(sse[1]!, { body: cut, end: 'network-error', startedAt: 100 }))];
    // The app reads the stream again from the start: a catch-up with everything so far, then SSE.
    const again = exchanges('durable-streams', 'sse-resume.json')[0]!;
    const after = [analyzeConnection(exchangeCapture({ ...again, url: sse[0]!.url, body: JSON.stringify([{ type: 'user', text: 'q' }, ...DS_ANSWER.split(/(?<= )/).map((t) => ({ type: 'token', text: t }))]) }, { startedAt: 1200 }))];
    const [r] = findResumes(joinLongPolls([...before, ...after]));
    expect(r).toMatchObject({ request: [{ kind: 'offset', value: '-1' }], alignment: { kind: 'restart', sameStart: true } });
    expect(r!.beforeText).toBe('Durable streams ');
  });

  it('a lone catch-up read is history, not a live stream (a second tab that only loads it follows nothing)', () => {
    const [alone] = joinLongPolls([analyzeConnection(exchangeCapture(sse[0]!))]);
    expect(alone!.recognition.protocol).toBe('durable-streams');
    expect(alone!.isAiStream).toBe(false);
    const done = { ...polls[1]!, url: polls[1]!.url.replace(/&live=long-poll.*$/, '') };
    expect(joinLongPolls([analyzeConnection(exchangeCapture(done))])[0]!.isAiStream).toBe(false);
    expect(joinLongPolls([analyzeConnection(exchangeCapture(polls[1]!))])[0]!.isAiStream).toBe(true);
  });

  it('a resume from the last offset continues exactly after it (verified by the request)', () => {
    const body = sse[1]!.body;
    const cut = body.slice(0, body.indexOf('\n\n', body.indexOf(offset(149))) + 2);
    const before = analyzeConn(exchangeCapture(sse[1]!, { body: cut, end: 'network-error' }));
    const resume = exchanges('durable-streams', 'sse-resume.json')[0]!;
    const after = analyzeConn(exchangeCapture(resume));
    expect(before.text + after.text).toBe(DS_ANSWER);
    expect(resumeRequestOf(exchangeCapture(resume))).toEqual([{ kind: 'offset', value: offset(149) }]);
    // Offsets are byte positions, not counts: they must not read as a gap of 209 ids.
    expect(aligned(before, after)).toMatchObject({ kind: 'continuation', replayed: 0 });
    const a = analyzeConnection(exchangeCapture(sse[1]!, { body: cut, end: 'network-error' }));
    const b = analyzeConnection(exchangeCapture(resume, { startedAt: 1100 }));
    const [r] = findResumes([a, b]);
    expect(r).toMatchObject({ request: [{ kind: 'offset', value: offset(149) }], alignment: { kind: 'continuation', replayed: 0, verified: true } });
    expect(r!.alignment!.evidence.detail).toMatch(/^resumed from offset 0+_0+149/);
  });
});

describe('AI SDK resume (GET <api>/<chatId>/stream)', () => {
  const meta = JSON.parse(readWire('vercel-ui', 'resume-meta.json')) as Array<{ url: string; method: string; status: number; responseHeaders: Array<[string, string]> }>;

  it('reads the replayed UI message stream and names the chat it resumes', () => {
    const a = analyze('vercel-ui', 'resume.txt', undefined, { url: meta[0]!.url, method: 'GET', responseHeaders: meta[0]!.responseHeaders });
    expect(a.rec).toMatchObject({ protocol: 'vercel-ui', guess: false });
    expect(a.text).toBe('Resumed streams replay the answer.');
    expect(a.rec.handles).toEqual([{ kind: 'conversation-id', value: 'chat-4b7e2a91' }, { kind: 'message-id', value: 'msg-resume-1' }]);
  });

  it('reads a 204 (nothing running) as a resume of that chat, with no answer', () => {
    const c = exchangeCapture({ ...meta[1]!, body: '' });
    const a = analyzeConn(c);
    expect(a.rec).toMatchObject({ protocol: 'vercel-ui', guess: true });
    expect(a.text).toBe('');
    expect(a.rec.handles).toEqual([{ kind: 'conversation-id', value: 'chat-idle-0001' }]);
  });

  it('a replay from the start is told apart from a continuation', () => {
    const before = analyze('vercel-ui', 'resume.txt', undefined, { url: 'https://app.example.com/api/chat', method: 'POST' });
    const cut = analyzeConn(loadFixture('vercel-ui', 'resume.txt', undefined, { url: 'https://app.example.com/api/chat', method: 'POST' }));
    const after = analyze('vercel-ui', 'resume.txt', undefined, { url: meta[0]!.url, method: 'GET', responseHeaders: meta[0]!.responseHeaders });
    expect(before.text).toBe(cut.text);
    expect(aligned(before, after)).toMatchObject({ kind: 'restart', sameStart: true });
  });
});

describe('OpenAI Realtime API', () => {
  it('reads the spoken answer from audio transcript deltas, with session and response ids', () => {
    const a = analyze('openai-realtime', 'text.json');
    expect(a.rec).toMatchObject({ protocol: 'openai-realtime', name: 'OpenAI Realtime API', guess: false });
    expect(a.text).toBe('Realtime voices speak the answer.');
    expect(a.rec.handles).toEqual([{ kind: 'session-id', value: 'sess_C9xRt2' }, { kind: 'response-id', value: 'resp_C9xR1' }]);
    expect(a.of('finish').map((f) => f.reason)).toEqual(['completed']);
    expect(a.of('usage')).toEqual([expect.objectContaining({ inputTokens: 20, outputTokens: 40 })]);
  });

  it('sees response.cancel as the explicit cancel and response.done cancelled as the cancellation', () => {
    const a = analyze('openai-realtime', 'cancel.json');
    expect(a.of('control').map((c) => c.name)).toEqual(['response.create', 'cancel: response.cancel']);
    expect(a.of('cancel')).toEqual([expect.objectContaining({ reason: 'cancelled: client_cancelled' })]);
    expect(a.out.messages.find((m) => m.text !== '')).toMatchObject({ text: 'The long story ', cancelled: true });
    const conn = analyzeConnection(loadFixture('openai-realtime', 'cancel.json'));
    expect(cancelSignals([conn]).map((s) => s.label)).toEqual(['sent response.cancel (OpenAI Realtime API)']);
  });

  it('wins over the Responses API whose event names it shares', () => {
    expect(analyze('openai-realtime', 'text.json').rec.protocol).toBe('openai-realtime');
    expect(analyze('openai-responses', 'text.txt').rec.protocol).toBe('openai-responses');
  });
});

describe('Cloudflare Agents (AIChatAgent)', () => {
  it('reads the AI SDK chunks inside cf_agent_use_chat_response, keyed by the request id', () => {
    const a = analyze('cloudflare-agents', 'chat.json');
    expect(a.rec).toMatchObject({ protocol: 'cloudflare-agents', name: 'Cloudflare Agents (AIChatAgent)', guess: false });
    expect(a.text).toBe('Agents keep state in Durable Objects.');
    expect(a.rec.handles).toEqual([{ kind: 'stream-id', value: 'req_a81f29c4' }]);
    expect(a.out.messages).toEqual([expect.objectContaining({ key: 'req_a81f29c4', finished: true })]);
    expect(a.of('finish')).toHaveLength(1);
  });

  it('sees the resume handshake, and the replay repeats what the client had before the drop', () => {
    const a = analyze('cloudflare-agents', 'resume.json');
    expect(a.of('control').map((c) => c.name)).toEqual(['resume: cf_agent_stream_resume_request', 'resume: cf_agent_stream_resume_ack']);
    expect(a.of('step').map((s) => s.name)).toContain('replay complete');
    expect(a.text).toBe('Agents keep state in Durable Objects.');
    const before = analyze('cloudflare-agents', 'before-drop.json');
    expect(before.text).toBe('Agents keep state ');
    // The agent replays the buffered chunks from the start of the same message.
    expect(aligned(before, a)).toMatchObject({ kind: 'restart', sameStart: true });
    expect(lastMessage(before).key).toBe(lastMessage(a).key);
  });

  it('sees cf_agent_chat_request_cancel as the explicit cancel and the abort chunk as the cancellation', () => {
    const a = analyze('cloudflare-agents', 'cancel.json');
    expect(a.of('cancel')).toHaveLength(1);
    expect(a.out.messages[0]).toMatchObject({ text: 'Agents keep ', cancelled: true });
    expect(cancelSignals([analyzeConnection(loadFixture('cloudflare-agents', 'cancel.json'))]).map((s) => s.label)).toEqual(['sent cf_agent_chat_request_cancel (Cloudflare Agents (AIChatAgent))']);
  });
});

describe('Ably realtime (AI Transport)', () => {
  it('grows one message from create and appends sharing a serial; the echoed prompt is not the answer', () => {
    const a = analyze('ably', 'stream.json');
    expect(a.rec).toMatchObject({ protocol: 'ably', name: 'Ably realtime (AI Transport)', guess: false });
    expect(a.text).toBe('Ably appends each token to one message.');
    expect(a.out.messages.filter((m) => m.text !== '')).toEqual([expect.objectContaining({ key: '01733000000000-000@e7lsY2H6wBb5da:000', finished: true })]);
    expect(a.rec.handles[0]).toEqual({ kind: 'session-id', value: 'a8Fq2!kM3wXyZ9-1f' });
    expect(handlesOf(a, 'cursor').slice(0, 3)).toEqual(['108uyDJAgBOihn12345:0', '108uyDJAgBOihn12345:1', '108uyDJAgBOihn12345:2']);
    expect(a.of('heartbeat')).toHaveLength(1);
  });

  it('reads a resumed connection: resume=<connectionKey>, ATTACH from the last channel serial, RESUMED', () => {
    const a = analyze('ably', 'resume.json');
    expect(resumeRequestOf(loadFixture('ably', 'resume.json'))).toEqual([{ kind: 'session-id', value: 'a8Fq2!kM3wXyZ9-1f' }]);
    expect(a.of('control').map((c) => c.name)).toEqual(['resume: ATTACH from 108uyDJAgBOihn12345:4']);
    expect(a.of('step').map((s) => s.name)).toContain('ATTACHED RESUMED HAS_BACKLOG');
    const before = analyze('ably', 'before-drop.json');
    expect(before.text + a.text).toBe('Ably appends each token to one message.');
    expect(aligned(before, a)).toMatchObject({ kind: 'continuation', replayed: 0 });
  });

  it('sees x-ably-cancel as the explicit cancel and x-ably-status aborted as the cancellation', () => {
    const a = analyze('ably', 'cancel.json');
    expect(a.of('control').map((c) => c.name)).toContain('cancel: x-ably-cancel');
    expect(a.of('cancel')).toEqual([expect.objectContaining({ reason: 'aborted' })]);
    expect(a.out.messages.find((m) => m.text !== '')).toMatchObject({ text: 'Ably appends ', cancelled: true });
    expect(cancelSignals([analyzeConnection(loadFixture('ably', 'cancel.json'))]).map((s) => s.label)).toEqual(['sent x-ably-cancel (Ably realtime (AI Transport))']);
  });

  it('reports a msgpack (binary) frame as undecoded instead of guessing', () => {
    const c = loadFixture('ably', 'stream.json');
    c.events.push({ seq: c.events.length, time: 9999, dir: 'in', text: null, base64: 'g6ZhY3Rpb24P', size: 9, event: null, id: null });
    expect(analyzeConn(c).of('parse-error').at(-1)!.message).toBe('binary frame: msgpack format is not decoded');
  });
});

describe('LangGraph joins', () => {
  it('a run join names its thread and run from the URL, and the Last-Event-ID it resumes after', () => {
    const url = 'https://agent.example.com/threads/8d2b1f3e-4c5a-4e6f-9a7b-0c1d2e3f4a5b/runs/1ef9c3a2-run-join-0001/stream';
    const conn = loadFixture('langgraph', 'messages.txt', undefined, { url, method: 'GET', requestHeaders: [['Last-Event-ID', '1732000000000-2']] });
    const a = analyzeConn(conn);
    expect(a.rec.protocol).toBe('langgraph');
    expect(a.rec.handles).toContainEqual({ kind: 'run-id', value: '1ef9c3a2-run-join-0001' });
    expect(a.rec.handles).toContainEqual({ kind: 'conversation-id', value: '8d2b1f3e-4c5a-4e6f-9a7b-0c1d2e3f4a5b' });
    expect(resumeRequestOf(conn)).toEqual([{ kind: 'event-id', value: '1732000000000-2' }]);
  });

  it('a thread stream names its thread', () => {
    const a = analyze('langgraph', 'messages.txt', undefined, { url: 'https://agent.example.com/threads/thread-77aa01/stream', method: 'GET' });
    expect(a.rec.protocol).toBe('langgraph');
    expect(a.rec.handles).toContainEqual({ kind: 'conversation-id', value: 'thread-77aa01' });
  });
});
