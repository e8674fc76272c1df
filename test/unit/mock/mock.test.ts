import { describe, expect, it } from 'vitest';
import { compileMock, insertStep, keepSteps, loadFrames, loadHar, loadMockFile, loadNdjson, loadSse, parseMock, templateMock, answerPieces, type Mock } from '../../../src/core/mock';
import { parseRecording, patternMatches, replayKey } from '../../../src/core/replay/recording';
import { exportHar } from '../../../src/core/export/har-export';
import { captureFromBody } from '../core/fixture';
import { analyzeConn } from '../core/analyze';
import { connection } from '../analysis/build';

const URL_ = 'http://app.test/api/chat';
const ok = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe('mock compilation', () => {
  const mock: Mock = {
    name: 'm', request: { method: 'GET', url: 'http://app.test/runs/*/stream' }, response: { status: 200, headers: [['content-type', 'text/event-stream']] },
    steps: [
      { kind: 'event', delayMs: 10, data: 'data: a\n\n' },
      { kind: 'duplicate', delayMs: 5 },
      { kind: 'stall', ms: 2000 },
      { kind: 'event', delayMs: 10, data: 'data: b\n\n' },
      { kind: 'drop', delayMs: 1 },
    ],
  };

  it('times each chunk from the response, repeats a duplicate, and ends in a drop', () => {
    const r = compileMock(mock);
    expect(r.chunks).toEqual([{ at: 10, text: 'data: a\n\n' }, { at: 15, text: 'data: a\n\n' }, { at: 2025, text: 'data: b\n\n' }]);
    expect(r.end).toEqual({ kind: 'drop', at: 2026 });
    // What the hook receives passes the strict parser unchanged.
    expect(parseRecording(JSON.parse(JSON.stringify(r)))).toEqual({ ok: true, recording: r });
  });

  it('a mock without a drop closes after its last step', () => {
    expect(compileMock({ ...mock, steps: [{ kind: 'event', delayMs: 3, data: 'x' }, { kind: 'stall', ms: 100 }] }).end).toEqual({ kind: 'close', at: 103 });
  });

  it('the strict parser refuses a bad end', () => {
    const r = compileMock(mock);
    expect(parseRecording({ ...r, end: { kind: 'explode', at: 3000 } })).toMatchObject({ ok: false });
    expect(parseRecording({ ...r, end: { kind: 'drop', at: 1 } })).toEqual({ ok: false, error: 'end.at must be a time at or after the last chunk' });
    expect(parseRecording({ ...r, end: { kind: 'drop', at: 1e12 } })).toMatchObject({ ok: false });
    expect(parseRecording({ ...r, end: 'drop' })).toMatchObject({ ok: false });
  });

  it('parses a saved mock and says what is wrong with a bad one', () => {
    expect(ok(parseMock(JSON.parse(JSON.stringify(mock))))).toEqual(mock);
    expect(parseMock({ ...mock, steps: [...mock.steps, { kind: 'event', delayMs: 0, data: 'late' }] })).toEqual({ ok: false, error: 'step 5: a drop ends the stream, so it must be the last step' });
    expect(parseMock({ ...mock, steps: [{ kind: 'duplicate', delayMs: 0 }] })).toEqual({ ok: false, error: 'step 1: a duplicate needs an event before it' });
    expect(parseMock({ ...mock, steps: [{ kind: 'event', delayMs: -1, data: 'x' }] })).toMatchObject({ ok: false, error: expect.stringContaining('step 1: "delayMs"') });
    expect(parseMock({ ...mock, steps: [{ kind: 'nap' }] })).toMatchObject({ ok: false, error: expect.stringContaining('unknown step kind') });
    expect(parseMock({ ...mock, request: { method: 'GET', url: 'javascript:alert(1)' } })).toMatchObject({ ok: false, error: expect.stringContaining('request.url') });
    expect(parseMock({ ...mock, request: { method: 'GET', url: 'http://*.test/x' } })).toMatchObject({ ok: false });
    expect(parseMock({ ...mock, response: { status: 200, headers: [['x-a', 'b\r\nset-cookie: c']] } })).toMatchObject({ ok: false, error: expect.stringContaining('headers[0]') });
    expect(parseMock({ ...mock, response: { status: 99, headers: [] } })).toMatchObject({ ok: false, error: expect.stringContaining('status') });
    expect(parseMock({ ...mock, steps: Array.from({ length: 100_001 }, () => ({ kind: 'stall', ms: 0 })) })).toMatchObject({ ok: false, error: expect.stringContaining('more than') });
    expect(parseMock({ ...mock, steps: Array.from({ length: 10 }, () => ({ kind: 'stall', ms: 600_000 })) })).toMatchObject({ ok: false, error: expect.stringContaining('lasts longer') });
    expect(parseMock('nope')).toEqual({ ok: false, error: 'a mock must be an object' });
  });

  it('URL patterns match one path segment per *, ignoring the query', () => {
    const p = replayKey('GET', 'http://app.test/runs/*/stream');
    expect(patternMatches(p, replayKey('GET', 'http://app.test/runs/run_1/stream?x=1'))).toBe(true);
    expect(patternMatches(p, replayKey('GET', 'http://app.test/runs/a/b/stream'))).toBe(false);
    expect(patternMatches(p, replayKey('POST', 'http://app.test/runs/run_1/stream'))).toBe(false);
    expect(patternMatches(p, replayKey('GET', 'http://other.test/runs/run_1/stream'))).toBe(false);
    expect(patternMatches(replayKey('GET', 'http://app.test/api/*'), replayKey('GET', 'http://app.test/api/chat'))).toBe(true);
  });

  it('edits: a drop inserted mid-stream cuts what follows', () => {
    const cut = insertStep(mock, 1, { kind: 'drop', delayMs: 0 });
    expect(cut.steps.map((s) => s.kind)).toEqual(['event', 'drop']);
    expect(keepSteps(mock, 1).steps).toHaveLength(1);
    expect(() => insertStep(mock, 9, { kind: 'stall', ms: 1 })).toThrow(RangeError);
  });
});

describe('loaders', () => {
  it('SSE: directives set delays and special steps and are not served', () => {
    const text = ': mock delay 250\nid: 1\ndata: a\n\n: ping\ndata: b\n\n: mock stall 2000\n\n: mock duplicate\n\n: mock drop\n\n';
    const m = ok(loadSse(text, { url: URL_, paceMs: 20 }));
    expect(m.steps).toEqual([
      { kind: 'event', delayMs: 250, data: 'id: 1\ndata: a\n\n' },
      { kind: 'event', delayMs: 20, data: ': ping\ndata: b\n\n' },
      { kind: 'stall', ms: 2000 },
      { kind: 'duplicate', delayMs: 20 },
      { kind: 'drop', delayMs: 0 },
    ]);
    expect(m.response.headers[0]).toEqual(['content-type', 'text/event-stream; charset=utf-8']);
    expect(m.request).toEqual({ method: 'GET', url: URL_ });
  });

  it('SSE: bad directives and bad input are explained with their line', () => {
    expect(loadSse('data: a\n\n: mock delay soon\ndata: b\n\n', { url: URL_ })).toEqual({ ok: false, error: 'line 3: ": mock delay" needs a number of ms from 0 to 600000' });
    expect(loadSse('data: a\n\n: mock explode\n\n', { url: URL_ })).toMatchObject({ ok: false, error: expect.stringContaining('unknown directive') });
    expect(loadSse(': mock drop\ndata: a\n\n', { url: URL_ })).toMatchObject({ ok: false, error: expect.stringContaining('in a block of its own') });
    expect(loadSse(': mock stall 10\n\n', { url: URL_ })).toEqual({ ok: false, error: 'the SSE file has no events' });
    expect(loadSse('data: a\n\n: mock drop\n\ndata: b\n\n', { url: URL_ })).toMatchObject({ ok: false, error: expect.stringContaining('must be the last step') });
    expect(loadSse('data: a\n\n', {})).toMatchObject({ ok: false, error: expect.stringContaining('needs the request') });
    expect(loadSse('x'.repeat(40 * 1024 * 1024), { url: URL_ })).toMatchObject({ ok: false, error: expect.stringContaining('larger than') });
  });

  it('NDJSON: one event per line; a line that is not JSON is named', () => {
    const m = ok(loadNdjson('{"a":1}\n\n{"b":2}\n', { url: URL_, method: 'post', paceMs: 5 }));
    expect(m.steps).toEqual([{ kind: 'event', delayMs: 5, data: '{"a":1}\n' }, { kind: 'event', delayMs: 5, data: '{"b":2}\n' }]);
    expect(m.request.method).toBe('POST');
    expect(loadNdjson('{"a":1}\n{oops\n', { url: URL_ })).toMatchObject({ ok: false, error: expect.stringMatching(/^line 2 is not JSON/) });
    expect(loadNdjson('\n\n', { url: URL_ })).toEqual({ ok: false, error: 'the NDJSON file has no lines' });
  });

  it('frames: data, stall, duplicate, drop; bad frames are named', () => {
    const m = ok(loadFrames([{ delayMs: 0, data: 'data: x\n\n' }, { stall: 100 }, { duplicate: true, delayMs: 1 }, { drop: true }], { url: URL_ }));
    expect(m.steps.map((s) => s.kind)).toEqual(['event', 'stall', 'duplicate', 'drop']);
    expect(m.response.headers[0]![1]).toContain('text/event-stream');
    const nd = ok(loadFrames([{ delayMs: 3, data: { a: 1 } }], { url: URL_ }));
    expect(nd.steps[0]).toEqual({ kind: 'event', delayMs: 3, data: '{"a":1}\n' });
    expect(loadFrames({ frames: [] }, { url: URL_ })).toEqual({ ok: false, error: 'frames must be a JSON list' });
    expect(loadFrames([{ delayMs: 'soon', data: 'x' }], { url: URL_ })).toMatchObject({ ok: false, error: expect.stringContaining('frame 1') });
    expect(loadFrames([{ data: 'x' }, { wat: 1 }], { url: URL_ })).toMatchObject({ ok: false, error: expect.stringContaining('frame 2') });
  });

  it('HAR: a streamed entry becomes a mock with its chunks and gaps', () => {
    const conn = connection({ url: 'http://app.test/api/chat', method: 'POST', contentType: 'text/event-stream', start: 100, events: [[200, 'data: a\n\n'], [260, 'data: b\n\n']], end: { time: 300, cause: 'clean' } });
    const { har } = exportHar({
      sessions: [{ info: { id: 's', tabId: 1, browserRun: 'b', url: 'http://app.test/', startedAt: 100, updatedAt: 300, correlationIds: [] }, snapshot: { connections: [conn], signals: [], faults: [], testRuns: [] } }],
      environment: { browser: 'Chrome', extensionVersion: '0', pageUrl: 'http://app.test/' },
    }, { redact: false });
    const m = ok(loadMockFile('x.har', JSON.stringify(har)));
    expect(m.request).toEqual({ method: 'POST', url: 'http://app.test/api/chat' });
    expect(m.steps).toEqual([{ kind: 'event', delayMs: 0, data: 'data: a\n\n' }, { kind: 'event', delayMs: 60, data: 'data: b\n\n' }]);
    expect(loadHar({ log: { entries: [] } })).toEqual({ ok: false, error: 'the HAR has no streamed fetch/XHR response to serve' });
    expect(loadHar({ nope: 1 })).toMatchObject({ ok: false, error: expect.stringContaining('Not a HAR') });
  });

  it('picks the loader by file name and shape', () => {
    const saved = ok(templateMock('openai-chat', 'Hi there.'));
    expect(ok(loadMockFile('m.json', JSON.stringify(saved)))).toEqual(saved);
    expect(ok(loadMockFile('m.json', JSON.stringify(saved), { url: URL_ })).request.url).toBe(URL_);
    expect(ok(loadMockFile('f.json', '[{"data":"data: 1\\n\\n"}]', { url: URL_ })).steps).toHaveLength(1);
    expect(ok(loadMockFile('f.ndjson', '{"a":1}\n', { url: URL_ })).steps).toHaveLength(1);
    expect(ok(loadMockFile('f.sse', 'data: 1\n\n', { url: URL_ })).steps).toHaveLength(1);
    expect(loadMockFile('f.json', '{bad', { url: URL_ })).toMatchObject({ ok: false, error: expect.stringContaining('f.json is not JSON') });
    expect(loadMockFile('f.json', '{"a":1}', { url: URL_ })).toMatchObject({ ok: false, error: expect.stringContaining('expected a saved mock') });
  });
});

describe('templates', () => {
  const ANSWER = 'Durable sessions survive drops, reconnects and tabs — again! ';
  const expected = { 'openai-chat': 'openai-chat', anthropic: 'anthropic', 'vercel-ui': 'vercel-ui', 'durable-sse': 'generic-sse' } as const;

  it('pieces join back into the answer', () => {
    expect(answerPieces(ANSWER).join('')).toBe(ANSWER);
    expect(answerPieces('  a b')).toEqual(['  a', ' b']);
  });

  for (const id of ['openai-chat', 'anthropic', 'vercel-ui', 'durable-sse'] as const) {
    it(`${id}: our recognizer names the protocol and reassembles the answer`, () => {
      const mock = ok(templateMock(id, ANSWER));
      const r = compileMock(mock);
      const conn = captureFromBody(r.chunks.map((c) => c.text).join(''), { url: r.url.replace('*', 'run_1'), method: r.method, responseHeaders: r.headers }, { kind: 'random', seed: 7, max: 30 });
      const a = analyzeConn(conn);
      expect(a.rec.protocol).toBe(expected[id]);
      expect(a.text).toBe(ANSWER);
    });
  }

  it('durable-sse carries ids counting from 1 and ends with done', () => {
    const m = ok(templateMock('durable-sse', 'a b'));
    expect(m.steps.map((s) => (s.kind === 'event' ? s.data : ''))).toEqual(['id: 1\nevent: delta\ndata: {"delta":"a","seq":1}\n\n', 'id: 2\nevent: delta\ndata: {"delta":" b","seq":2}\n\n', 'id: 3\nevent: done\ndata: {"reason":"stop","seq":3}\n\n']);
  });

  it('refuses an empty answer or a bad URL', () => {
    expect(templateMock('anthropic', '  ')).toEqual({ ok: false, error: 'the answer text is empty' });
    expect(templateMock('anthropic', 'x', { url: 'ftp://x' })).toMatchObject({ ok: false });
  });
});
