import { describe, expect, it } from 'vitest';
import { resumeRequestOf } from '../../../src/core/protocols';
import { analyze } from './analyze';
import { loadFixture, SPLITS, splitName } from './fixture';

describe('OpenAI Chat Completions', () => {
  it('recognizes the stream and reassembles the answer with usage and finish', () => {
    const a = analyze('openai-chat', 'text.txt');
    expect(a.rec).toMatchObject({ protocol: 'openai-chat', name: 'OpenAI Chat Completions', guess: false });
    expect(a.rec.confidence).toBeGreaterThan(0.8);
    expect(a.text).toBe('Bonjour\u00a0! Ça va très bien\u00a0👋 — merci.');
    expect(a.out.messages).toHaveLength(1);
    expect(a.out.messages[0]).toMatchObject({ key: 'chatcmpl-AQx7p1xG4Yb2mZkRzV0cE9fD', finished: true, cancelled: false });
    expect(a.of('finish')[0]!.reason).toBe('stop');
    expect(a.of('usage')[0]).toMatchObject({ inputTokens: 12, outputTokens: 9 });
    expect(a.of('message-start')[0]!.role).toBe('assistant');
    expect(a.rec.handles).toEqual([{ kind: 'message-id', value: 'chatcmpl-AQx7p1xG4Yb2mZkRzV0cE9fD' }]);
  });

  it('gives the same answer for every chunking', () => {
    const whole = analyze('openai-chat', 'text.txt');
    for (const split of SPLITS) {
      const a = analyze('openai-chat', 'text.txt', split);
      expect(a.text, splitName(split)).toBe(whole.text);
      expect(a.types, splitName(split)).toEqual(whole.types);
    }
  });

  it('streams tool call arguments with the call id and name, and keeps the proxy comment as heartbeat', () => {
    const a = analyze('openai-chat', 'tools.txt');
    expect(a.rec.protocol).toBe('openai-chat');
    const calls = a.of('tool-call-delta');
    expect(calls.map((c) => c.argsDelta).join('')).toBe('{"location":"Paris, France"}');
    expect(new Set(calls.map((c) => c.toolCallId))).toEqual(new Set(['call_9pXk2LmQw7']));
    expect(calls[0]!.name).toBe('get_weather');
    expect(a.types[0]).toBe('heartbeat');
    expect(a.of('finish')[0]!.reason).toBe('tool_calls');
  });

  it('reports a mid-stream error', () => {
    const a = analyze('openai-chat', 'error.txt');
    expect(a.text).toBe('The answer is');
    expect(a.of('error')[0]!.message).toMatch(/server had an error/);
    expect(a.out.messages[0]).toMatchObject({ finished: false, error: expect.stringMatching(/server had an error/) });
  });

  it('shows an aborted stream as unfinished with the cut-off event as a parse error', () => {
    const a = analyze('openai-chat', 'abort.txt', { kind: 'fixed', size: 3 });
    expect(a.text).toBe('Once upon a time');
    expect(a.out.messages[0]!.finished).toBe(false);
    expect(a.of('parse-error')[0]!.raw).toContain('"object":"chat.compl');
  });
});

describe('OpenAI Responses API', () => {
  it('recognizes typed events, sequence numbers and the response id', () => {
    const a = analyze('openai-responses', 'text.txt');
    expect(a.rec).toMatchObject({ protocol: 'openai-responses', name: 'OpenAI Responses API', guess: false });
    expect(a.text).toBe('Hi there! How can I help?');
    expect(a.out.messages).toHaveLength(1);
    expect(a.out.messages[0]).toMatchObject({ key: expect.stringMatching(/^msg_/), finished: true });
    const seq = a.rec.handles.filter((h) => h.kind === 'sequence').map((h) => Number(h.value));
    expect(seq).toEqual([...Array(16).keys()]);
    expect(a.rec.handles.filter((h) => h.kind === 'response-id')).toEqual([{ kind: 'response-id', value: 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b' }]);
    expect(a.of('usage')[0]).toMatchObject({ inputTokens: 37, outputTokens: 11 });
  });

  it('reports response.failed as an error', () => {
    const a = analyze('openai-responses', 'failed.txt');
    expect(a.text).toBe('Hi there!');
    expect(a.of('error')[0]!.message).toBe('The model failed to generate a response.');
    expect(a.out.messages[0]!.finished).toBe(false);
  });

  it('recognizes a background-mode resume (GET …?starting_after=) from its events', () => {
    const a = analyze('openai-responses', 'resume.txt');
    expect(a.rec.protocol).toBe('openai-responses');
    expect(a.rec.handles.find((h) => h.kind === 'sequence')!.value).toBe('7');
    expect(a.text).toBe(' How can I help?');
  });
});

describe('resumeRequestOf', () => {
  it('reads starting_after from a Responses API resume URL and Last-Event-ID from headers', () => {
    expect(resumeRequestOf(loadFixture('openai-responses', 'resume.txt'))).toEqual([{ kind: 'sequence', value: '6' }]);
    expect(resumeRequestOf(loadFixture('mcp', 'sse.txt', undefined, { requestHeaders: [['Last-Event-ID', 'abc_3']] }))).toEqual([{ kind: 'event-id', value: 'abc_3' }]);
    expect(resumeRequestOf(loadFixture('openai-chat', 'text.txt'))).toEqual([]);
  });
});
