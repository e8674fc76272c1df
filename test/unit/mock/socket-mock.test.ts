import { describe, expect, it } from 'vitest';
import { compileAnyMock, compileEventSourceMock, compileWebSocketMock, parseMock, sseBlockMessages, templateMock, type Mock } from '../../../src/core/mock';
import { parseSocketRecording, type EsRecording, type WsRecording } from '../../../src/core/replay/socket-recording';
import { parseAnyRecording } from '../../../src/core/replay/any';
import { servedBy, SERVED_DETAIL } from '../../../src/core/replay/served';
import { captureFromMessages } from '../core/fixture';
import { analyzeConn } from '../core/analyze';

const ok = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const ANSWER = 'Hello from a socket mock, été!';

const wsMock: Mock = {
  name: 'ws', transport: 'websocket', request: { method: 'GET', url: 'ws://app.test/ws' }, response: { status: 101, headers: [['sec-websocket-protocol', 'chat.v1']] },
  steps: [
    { kind: 'event', delayMs: 10, data: '{"a":1}' },
    { kind: 'duplicate', delayMs: 5 },
    { kind: 'stall', ms: 100 },
    { kind: 'event', delayMs: 1, data: 'AAEC', binary: true },
    { kind: 'drop', delayMs: 4 },
  ],
};

describe('WebSocket mocks', () => {
  it('compile to server frames at their times, a duplicate repeated, and a drop as close 1006 not clean after an error', () => {
    const r = compileWebSocketMock(wsMock);
    expect(r.frames).toEqual([
      { at: 10, dir: 'in', text: '{"a":1}', base64: null },
      { at: 15, dir: 'in', text: '{"a":1}', base64: null },
      { at: 116, dir: 'in', text: null, base64: 'AAEC' },
    ]);
    expect(r.close).toEqual({ at: 120, code: 1006, reason: '', wasClean: false, error: true });
    expect(r.protocol).toBe('chat.v1');
    expect(r.mock).toBe(true);
    // What the hook receives passes the socket recording's strict parser unchanged.
    expect(parseAnyRecording(JSON.parse(JSON.stringify(r)))).toEqual({ ok: true, recording: r });
  });

  it('a close step closes cleanly with its code and reason; no end leaves the socket open', () => {
    const closed = compileWebSocketMock({ ...wsMock, steps: [{ kind: 'event', delayMs: 1, data: 'x' }, { kind: 'close', delayMs: 2, code: 4000, reason: 'bye' }] });
    expect(closed.close).toEqual({ at: 3, code: 4000, reason: 'bye', wasClean: true, error: false });
    expect(compileWebSocketMock({ ...wsMock, steps: [{ kind: 'event', delayMs: 1, data: 'x' }] }).close).toBeUndefined();
  });

  it('parses a saved socket mock back to itself, and old mocks without a transport stay http', () => {
    expect(parseMock(JSON.parse(JSON.stringify(wsMock)))).toEqual({ ok: true, value: wsMock });
    const http = ok(parseMock({ request: { url: 'http://app.test/x' }, steps: [{ kind: 'event', data: 'a' }] }));
    expect(http.transport).toBeUndefined();
    expect(compileAnyMock(http)).toMatchObject({ url: 'http://app.test/x', chunks: [{ at: 0, text: 'a' }], mock: true });
  });

  it('refuses, with the reason, what a socket mock cannot be', () => {
    const bad = (patch: Record<string, unknown>) => {
      const r = parseMock({ ...JSON.parse(JSON.stringify(wsMock)), ...patch });
      return r.ok ? 'accepted' : r.error;
    };
    expect(bad({ transport: 'smtp' })).toMatch(/"transport" must be "websocket" or "eventsource"/);
    expect(bad({ request: { method: 'GET', url: 'http://app.test/ws' } })).toMatch(/not a ws\(s\) URL/);
    expect(bad({ request: { method: 'POST', url: 'ws://app.test/ws' } })).toMatch(/answers a GET/);
    expect(bad({ response: { status: 200 } })).toMatch(/101/);
    expect(bad({ steps: [{ kind: 'event', data: '%%%', binary: true }] })).toMatch(/standard base64/);
    expect(bad({ steps: [{ kind: 'close', code: 1006 }] })).toMatch(/close "code"/);
    expect(bad({ steps: [{ kind: 'close', reason: 'x'.repeat(124) }] })).toMatch(/123 UTF-8 bytes/);
    expect(bad({ steps: [{ kind: 'close' }, { kind: 'event', data: 'late' }] })).toMatch(/step 1: a close ends the socket/);
    // The other transports have no close step and no binary events.
    expect(parseMock({ request: { url: 'http://app.test/x' }, steps: [{ kind: 'close' }] })).toMatchObject({ ok: false, error: expect.stringMatching(/close step is for WebSocket mocks/) });
    expect(parseMock({ request: { url: 'http://app.test/x' }, steps: [{ kind: 'event', data: 'AA==', binary: true }] })).toMatchObject({ ok: false, error: expect.stringMatching(/binary events are for WebSocket/) });
  });
});

describe('EventSource mocks', () => {
  const esMock: Mock = {
    name: 'es', transport: 'eventsource', request: { method: 'GET', url: 'http://app.test/events' }, response: { status: 200, headers: [] },
    steps: [
      { kind: 'event', delayMs: 5, data: 'retry: 300\nid: 7\nevent: delta\ndata: line one\ndata: line two\n\n' },
      { kind: 'event', delayMs: 5, data: ': a comment\ndata: {"x":1}\n\ndata:second\n\n' },
      { kind: 'drop', delayMs: 10 },
    ],
  };

  it('compile each SSE block to its messages, take retry from the stream, and end the response at a drop', () => {
    const r = compileEventSourceMock(esMock);
    expect(r.retryMs).toBe(300);
    expect(r.responses).toEqual([{
      messages: [
        { at: 5, event: 'delta', data: 'line one\nline two', id: '7' },
        { at: 10, event: 'message', data: '{"x":1}', id: null },
        { at: 10, event: 'message', data: 'second', id: null },
      ],
      endAt: 20,
    }]);
    expect(parseSocketRecording(JSON.parse(JSON.stringify(r)))).toEqual({ ok: true, recording: r });
  });

  it('without a drop the stream stays open', () => {
    expect(compileEventSourceMock({ ...esMock, steps: esMock.steps.slice(0, 1) }).responses[0]!.endAt).toBeNull();
  });

  it('an event that is no SSE message is refused', () => {
    expect(parseMock({ ...esMock, steps: [{ kind: 'event', data: 'hello' }] })).toMatchObject({ ok: false, error: expect.stringMatching(/step 1: an EventSource event must be an SSE block/) });
  });

  it('reads SSE fields as the standard says: one space dropped, a NUL id ignored, a retry of digits only', () => {
    expect(sseBlockMessages('data:  two spaces\nid: a\0b\nretry: 1x\n')).toEqual({ messages: [{ event: 'message', data: ' two spaces', id: null }], retryMs: null });
    expect(sseBlockMessages('event: only\n\n')).toEqual({ messages: [], retryMs: null });
  });
});

describe('socket templates', () => {
  it('socketio: the Engine.IO open and Socket.IO connect, then token events our recognizer names Socket.IO and reassembles', () => {
    const m = ok(templateMock('socketio', ANSWER));
    expect(m.transport).toBe('websocket');
    const r = compileAnyMock(m) as WsRecording;
    expect(r.frames[0]!.text).toMatch(/^0\{"sid":"[^"]+","upgrades":\[\],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000\}$/);
    expect(r.frames[1]!.text).toMatch(/^40\{"sid":"[^"]+"\}$/);
    expect(r.frames.at(-1)!.text).toMatch(/^42\["done",/);
    const a = analyzeConn(captureFromMessages(r.frames.map((f) => ({ dir: f.dir, text: f.text! })), { url: 'ws://localhost:3000/socket.io/?EIO=4&transport=websocket' }));
    expect(a.rec).toMatchObject({ protocol: 'socketio', name: 'Socket.IO' });
    expect(a.text).toBe(ANSWER);
    expect(a.of('finish')).toHaveLength(1);
  });

  it('json-websocket: JSON messages the generic recognizer reassembles', () => {
    const r = compileAnyMock(ok(templateMock('json-websocket', ANSWER, { url: 'wss://app.test/live' }))) as WsRecording;
    expect(r.url).toBe('wss://app.test/live');
    const a = analyzeConn(captureFromMessages(r.frames.map((f) => ({ dir: f.dir, text: f.text! })), { url: r.url }));
    expect(a.rec.protocol).toBe('generic-ws-json');
    expect(a.text).toBe(ANSWER);
  });

  it('an SSE template answers an EventSource with the same events', () => {
    const m = ok(templateMock('durable-sse', 'a b', { transport: 'eventsource' }));
    expect(m.request.method).toBe('GET');
    const r = compileAnyMock(m) as EsRecording;
    expect(r.responses[0]!.messages.map((x) => [x.event, x.id, x.data])).toEqual([['delta', '1', '{"delta":"a","seq":1}'], ['delta', '2', '{"delta":" b","seq":2}'], ['done', '3', '{"reason":"stop","seq":3}']]);
    const a = analyzeConn(captureFromMessages(r.responses[0]!.messages.map((x) => ({ dir: 'in' as const, text: x.data, event: x.event, id: x.id ?? undefined })), { url: 'http://localhost:3000/api/runs/1/stream' }, 'eventsource'));
    expect(a.text).toBe('a b');
  });

  it('a template refuses a transport it cannot speak or a URL of the wrong scheme', () => {
    expect(templateMock('socketio', 'x', { transport: 'eventsource' })).toMatchObject({ ok: false, error: expect.stringMatching(/answers a WebSocket/) });
    expect(templateMock('openai-chat', 'x', { transport: 'websocket' })).toMatchObject({ ok: false, error: expect.stringMatching(/is SSE/) });
    expect(templateMock('socketio', 'x', { url: 'http://app.test/socket.io/' })).toMatchObject({ ok: false, error: expect.stringMatching(/ws\(s\) URL/) });
  });
});

describe('served marker', () => {
  it('names what served a connection from its open detail, and nothing for the network', () => {
    expect(servedBy(SERVED_DETAIL.mock)).toBe('mock');
    expect(servedBy(`${SERVED_DETAIL.recording}; protocols: a`)).toBe('recording');
    expect(servedBy('withCredentials')).toBeNull();
    expect(servedBy(null)).toBeNull();
  });
});
