/**
 * Socket.IO over Engine.IO long-polling, on sessions recorded from the real socket.io server and
 * socket.io-client (`test/fixtures/protocols/socketio/record-polling.ts`): the requests of one
 * session are one logical stream whose answer is the one the client put together.
 */
import { describe, expect, it } from 'vitest';
import { analyzeConnection, analyzeWithView, answerText, cancelSignals, enginePayload, enginePollPath, engineIoPoll, findResumes, joinEnginePolls, type AnalyzedConnection } from '../../../src/core/analysis';
import type { ConnectionCapture } from '../../../src/core/trace/model';
import { connection } from '../analysis/build';
import { readWire } from './fixture';
import type { PollExchange, PollFixture } from '../../fixtures/protocols/socketio/record-polling';

const load = (file: string): PollFixture => JSON.parse(readWire('socketio', file)) as PollFixture;

/** One recorded exchange as the hook captures an XHR: the response text as it came, the body sent. */
function capture(e: PollExchange, chunks = 1): ConnectionCapture {
  const events: Array<[number, string]> = [];
  if (e.respondedAt !== null && e.body !== '') {
    // A poll's answer may reach the page in several progress events.
    const size = Math.ceil(e.body.length / chunks);
    for (let i = 0; i < e.body.length; i += size) events.push([e.respondedAt + i / size, e.body.slice(i, i + size)]);
  }
  return connection({
    kind: 'xhr',
    url: e.url,
    method: e.method,
    start: e.startedAt,
    events,
    end: { time: e.endedAt, cause: e.end },
    ...(e.method === 'POST' ? { requestBodyPreview: e.requestBody } : {}),
  });
}

const analyzeAll = (f: PollFixture, chunks = 1): AnalyzedConnection[] => f.exchanges.map((e) => analyzeConnection(capture(e, chunks)));
const sessionsOf = (conns: AnalyzedConnection[]) => conns.filter((c) => c.parts !== undefined);

describe('Engine.IO polling', () => {
  const whole = load('polling.json');
  const drop = load('polling-drop.json');
  const cancel = load('polling-cancel.json');

  it('names polling requests by their URL', () => {
    expect(engineIoPoll('https://chat.example.com/socket.io/?EIO=4&transport=polling&t=x&sid=abc')).toEqual({ eio: 4, sid: 'abc' });
    expect(engineIoPoll('https://chat.example.com/socket.io/?EIO=3&transport=polling&t=x')).toEqual({ eio: 3, sid: null });
    expect(engineIoPoll('wss://chat.example.com/socket.io/?EIO=4&transport=websocket&sid=abc')).toBeNull();
    expect(engineIoPoll('https://chat.example.com/api?transport=polling')).toBeNull();
  });

  it('splits payloads: EIO 4 by the record separator, EIO 3 by length prefixes, binary as base64', () => {
    expect(enginePayload('42["a"]\u001e42["b"]\u001ebAQI=', 4).map((p) => [p.text, p.binary])).toEqual([['42["a"]', false], ['42["b"]', false], ['AQI=', true]]);
    expect(enginePayload('7:42["é"]2:406:b4AQI=', 3).map((p) => [p.text, p.binary])).toEqual([['42["é"]', false], ['40', false], ['AQI=', true]]);
    expect(enginePayload('9:42', 3)[0]!.error).toMatch(/length prefix/);
  });

  it('joins a session into one Socket.IO stream whose answer is the one the client read', () => {
    const reads = analyzeAll(whole);
    // One by one, no request carries the answer.
    expect(reads.filter((r) => answerText(r).includes(whole.clientText))).toHaveLength(0);
    const joined = joinEnginePolls(reads);
    expect(joined).toHaveLength(1);
    const [s] = joined;
    expect(s!.parts).toHaveLength(whole.exchanges.length);
    expect(s!.recognition).toMatchObject({ protocol: 'socketio', name: 'Socket.IO', guess: false });
    expect(answerText(s!)).toBe(whole.clientText);
    expect(s!.isAiStream).toBe(true);
    expect(s!.conn.summary.end).toBe('clean');
    expect(s!.recognition.handles.find((h) => h.kind === 'session-id')?.value).toBe(whole.sids[0]);
    // What the client sent (connect, the question, disconnect, close) is the outgoing side.
    expect(s!.recognition.frames.filter((f) => f.dir === 'out').map((f) => f.data)).toEqual(['40', '42["ask",{"prompt":"why poll"}]', '41', '1']);
    expect(s!.recognition.events.filter((e) => e.type === 'control').map((e) => e.type === 'control' && e.name)).toEqual(['connect', 'ask', 'disconnect', 'close']);
    // Events in the order they crossed the wire.
    const times = s!.conn.events.map((e) => e.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(s!.conn.events.map((e) => e.seq)).toEqual(s!.conn.events.map((_, i) => i));
    expect(analyzeWithView(reads.map((r) => r.conn), [])).toHaveLength(1);
    // The session keeps its id while it polls on (a test waiting for it to end finds it again).
    const early = joinEnginePolls(reads.slice(0, 5)).filter((c) => c.parts);
    expect(early.map((c) => c.conn.summary.id)).toEqual([s!.conn.summary.id]);
  });

  it('reads packets batched in one poll and polls answered in many chunks alike', () => {
    const batched = whole.exchanges.find((e) => e.body.includes('\u001e'))!;
    const [s] = joinEnginePolls(analyzeAll(whole));
    const frames = s!.recognition.frames.filter((f) => batched.body.split('\u001e').includes(f.data));
    expect(frames).toHaveLength(2);
    expect(frames[0]!.at).toEqual(frames[1]!.at);
    for (const chunks of [2, 3, 7]) {
      const [c] = joinEnginePolls(analyzeAll(whole, chunks));
      expect(answerText(c!), `${chunks} chunks`).toBe(whole.clientText);
      expect(c!.recognition.events.map(({ frame: _f, ...e }) => e)).toEqual(s!.recognition.events.map(({ frame: _f, ...e }) => e));
    }
  });

  it('a cut poll ends its session; the new sid is the reconnect, and recovery resumes from the offset', () => {
    const joined = joinEnginePolls(analyzeAll(drop));
    const sessions = sessionsOf(joined);
    expect(sessions).toHaveLength(2);
    expect(sessions.map((s) => s.recognition.handles.find((h) => h.kind === 'session-id')?.value)).toEqual(drop.sids);
    const [before, after] = sessions;
    expect(before!.conn.summary.end).toBe('network-error');
    expect(after!.conn.summary.end).toBe('clean');
    // With connection-state recovery the missed tokens are replayed: the two halves are the answer.
    expect(answerText(before!) + answerText(after!)).toBe(drop.clientText);
    const [resume] = findResumes(joined);
    expect(resume).toMatchObject({ before: { connectionId: before!.conn.summary.id }, after: { connectionId: after!.conn.summary.id } });
    expect(resume!.request.map((h) => h.kind)).toContain('offset');
    expect(resume!.alignment?.kind).toBe('continuation');
    // A drop armed on the session follows it to the poll that waits.
    expect(enginePollPath(after!)).toBe('https://chat.example.com/socket.io/');
    expect(enginePollPath(analyzeConnection(capture(drop.exchanges[0]!)))).toBeNull();
  });

  it('still counts the cancel the client sent in a polling POST', () => {
    const joined = joinEnginePolls(analyzeAll(cancel));
    expect(joined).toHaveLength(1);
    const post = cancel.exchanges.find((e) => e.requestBody.includes('"cancel"'))!;
    const signals = cancelSignals(joined);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.label).toContain(post.requestBody);
    expect(joined[0]!.recognition.events.some((e) => e.type === 'control' && e.name === 'cancel')).toBe(true);
    expect(answerText(joined[0]!)).toBe(cancel.clientText);
  });

  it('a session that upgraded to WebSocket: its polling prelude carries the resume, the new WebSocket is the stream that continues', () => {
    // socket.io-client's defaults after a drop: a new handshake over polling, the recovery
    // `40{"pid","offset"}` in a POST, then the upgrade; the tokens come over the new WebSocket.
    const origin = 'https://chat.example.com/socket.io/?EIO=4';
    const token = (t: string, offset: string) => `42["token",{"token":"${t}"},"${offset}"]`;
    const dropped = connection({
      kind: 'websocket', url: `${origin.replace('https', 'wss')}&transport=websocket&sid=A`, start: 0,
      events: [[1, '2probe', 'out'], [2, '3probe'], [3, '5', 'out'], [10, '40{"sid":"s1","pid":"P"}'], [20, token('Polling ', 'o1')], [30, token('keeps ', 'o2')]],
      end: { time: 40, cause: 'network-error' },
    });
    const prelude = [
      connection({ kind: 'xhr', url: `${origin}&transport=polling&t=1`, start: 100, events: [[102, '0{"sid":"B","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}']], end: { time: 102, cause: 'clean' } }),
      connection({ kind: 'xhr', url: `${origin}&transport=polling&t=2&sid=B`, method: 'POST', start: 105, requestBodyPreview: '40{"pid":"P","offset":"o2"}', events: [[107, 'ok']], end: { time: 107, cause: 'clean' } }),
      connection({ kind: 'xhr', url: `${origin}&transport=polling&t=3&sid=B`, start: 106, events: [[108, '40{"sid":"s1","pid":"P"}']], end: { time: 108, cause: 'clean' } }),
    ];
    const resumed = connection({
      kind: 'websocket', url: `${origin.replace('https', 'wss')}&transport=websocket&sid=B`, start: 110,
      events: [[111, '2probe', 'out'], [112, '3probe'], [113, '5', 'out'], [120, token('the ', 'o3')], [130, token('answer.', 'o4')]],
    });
    const conns = [dropped, ...prelude, resumed].map(analyzeConnection);
    const joined = joinEnginePolls(conns);
    const session = joined.find((c) => c.parts)!;
    expect(session.parts).toHaveLength(3);
    expect(session.conn.summary.streaming).toBe(false);
    expect(session.conn.summary.detail).toMatch(/upgraded to WebSocket$/);
    const [r] = findResumes(joined);
    expect(r!.after.connectionId).toBe(resumed.summary.id);
    expect(r!.request).toEqual([{ kind: 'offset', value: 'o2' }]);
  });

  it('leaves a lone handshake, other requests and a WebSocket with the same sid as they are', () => {
    const reads = analyzeAll(whole);
    const ws = analyzeConnection(connection({ kind: 'websocket', url: `wss://chat.example.com/socket.io/?EIO=4&transport=websocket&sid=${whole.sids[0]}`, start: 2000, events: [[2001, '2probe', 'out'], [2002, '3probe']] }));
    const other = analyzeConnection(connection({ url: 'https://chat.example.com/api/me', start: 5, events: [[6, '{}']] }));
    const joined = joinEnginePolls([other, reads[0]!, ws]);
    expect(joined).toEqual([other, reads[0], ws]);
    expect(joinEnginePolls([other, ...reads, ws]).map((c) => c.conn.summary.kind)).toEqual(['fetch', 'xhr', 'websocket']);
  });
});
