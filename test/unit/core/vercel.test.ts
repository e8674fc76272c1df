import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import { SPLITS, splitName } from './fixture';

describe('Vercel AI SDK UI message stream', () => {
  it('recognizes the stream by its header and parts', () => {
    const a = analyze('vercel-ui', 'text.txt');
    expect(a.rec).toMatchObject({ protocol: 'vercel-ui', name: 'Vercel AI SDK UI message stream', guess: false });
    expect(a.text).toBe('It is 21\u202f°C in Berlin.');
    expect(a.out.messages).toEqual([expect.objectContaining({ key: 'msg_t6Y2Hn7Qf4kLp0aZ', finished: true, cancelled: false })]);
    expect(a.of('reasoning-delta')[0]!.text).toBe('User wants the weather.');
    expect(a.of('tool-call-delta').map((c) => c.argsDelta).join('')).toBe('{"city":"Berlin"}');
    expect(a.of('step').filter((s) => s.name === undefined).map((s) => s.boundary)).toEqual(['start', 'end', 'start', 'end']);
    expect(a.rec.handles).toEqual([{ kind: 'message-id', value: 'msg_t6Y2Hn7Qf4kLp0aZ' }]);
  });

  it('recognizes the parts even without the header', () => {
    const a = analyze('vercel-ui', 'text.txt', undefined, { responseHeaders: [['content-type', 'text/event-stream']] });
    expect(a.rec.protocol).toBe('vercel-ui');
  });

  it('is chunk-independent', () => {
    for (const split of SPLITS) expect(analyze('vercel-ui', 'text.txt', split).text, splitName(split)).toBe('It is 21\u202f°C in Berlin.');
  });

  it('maps abort to cancel', () => {
    const a = analyze('vercel-ui', 'abort.txt');
    expect(a.text).toBe('Let me think');
    expect(a.out.messages[0]).toMatchObject({ cancelled: true, finished: false });
  });

  it('reports error parts', () => {
    const a = analyze('vercel-ui', 'error.txt');
    expect(a.of('error')[0]!.message).toBe('Rate limit exceeded');
    expect(a.out.messages[0]!.error).toBe('Rate limit exceeded');
  });
});

describe('Vercel AI SDK data stream protocol', () => {
  it('recognizes code-prefixed lines', () => {
    const a = analyze('vercel-data', 'text.txt', { kind: 'fixed', size: 3 });
    expect(a.rec).toMatchObject({ protocol: 'vercel-data', name: 'Vercel AI SDK data stream', guess: false });
    expect(a.text).toBe('Hello, wörld');
    expect(a.of('reasoning-delta')[0]!.text).toBe('thinking aloud');
    expect(a.of('tool-call-delta')[0]).toMatchObject({ toolCallId: 'call-1', name: 'lookup', argsDelta: '{"q":"x"}' });
    expect(a.of('usage')[0]).toMatchObject({ inputTokens: 10, outputTokens: 5 });
    expect(a.out.messages[0]).toMatchObject({ key: 'msg-Qx3k9Lr2', finished: true });
  });

  it('recognizes the lines without the header', () => {
    expect(analyze('vercel-data', 'text.txt', undefined, { responseHeaders: [['content-type', 'text/plain']] }).rec.protocol).toBe('vercel-data');
  });

  it('reports 3: error parts', () => {
    const a = analyze('vercel-data', 'error.txt');
    expect(a.text).toBe('Partial');
    expect(a.of('error')[0]!.message).toBe('An error occurred.');
    expect(a.out.messages[0]!.finished).toBe(false);
  });
});
