import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import { SPLITS, splitName } from './fixture';

describe('Anthropic Messages', () => {
  it('recognizes the stream: thinking, text, ping, usage and stop reason', () => {
    const a = analyze('anthropic', 'text.txt');
    expect(a.rec).toMatchObject({ protocol: 'anthropic', name: 'Anthropic Messages', guess: false });
    expect(a.text).toBe('Grüß Gott! Wie geht’s?');
    expect(a.of('reasoning-delta').map((e) => e.text).join('')).toBe('The user greets me in German.');
    expect(a.of('heartbeat')).toHaveLength(1);
    expect(a.of('finish')).toEqual([expect.objectContaining({ reason: 'end_turn' })]);
    expect(a.of('usage').map((u) => [u.inputTokens, u.outputTokens])).toEqual([[472, 2], [undefined, 15]]);
    expect(a.out.messages).toEqual([expect.objectContaining({ key: 'msg_01XFDUDYJgAACzvnptvVoYEL', finished: true })]);
    expect(a.rec.handles).toEqual([{ kind: 'message-id', value: 'msg_01XFDUDYJgAACzvnptvVoYEL' }]);
  });

  it('is chunk-independent', () => {
    const whole = analyze('anthropic', 'text.txt');
    for (const split of SPLITS) expect(analyze('anthropic', 'text.txt', split).rec.events, splitName(split)).toEqual(whole.rec.events);
  });

  it('streams tool input JSON under the tool_use block id', () => {
    const a = analyze('anthropic', 'tool.txt');
    const calls = a.of('tool-call-delta');
    expect(calls.map((c) => c.argsDelta).join('')).toBe('{"location": "San Francisco, CA"}');
    expect(calls.every((c) => c.toolCallId === 'toolu_01T1x1fJ34qAmk2tNTrN7Up6' && c.name === 'get_weather')).toBe(true);
    expect(a.of('finish')[0]!.reason).toBe('tool_use');
  });

  it('reports an overloaded error and leaves the message unfinished', () => {
    const a = analyze('anthropic', 'error.txt');
    expect(a.text).toBe('Here is');
    expect(a.of('error')[0]!.message).toBe('overloaded_error: Overloaded');
    expect(a.out.messages[0]).toMatchObject({ finished: false, error: 'overloaded_error: Overloaded' });
  });
});

describe('Gemini streamGenerateContent', () => {
  it('recognizes the SSE form (CRLF), thought parts as reasoning, finishReason and usage', () => {
    const a = analyze('gemini', 'sse.txt');
    expect(a.rec).toMatchObject({ protocol: 'gemini', name: 'Google Gemini', guess: false });
    expect(a.text).toBe('Rayleigh scattering makes the sky look blue ☀️.');
    expect(a.of('reasoning-delta')[0]!.text).toBe('Planning a short answer.');
    expect(a.of('finish')[0]!.reason).toBe('STOP');
    expect(a.of('usage')[0]).toMatchObject({ inputTokens: 9, outputTokens: 14 });
    expect(a.rec.handles).toEqual([{ kind: 'response-id', value: 'm6hkaPPtLZ2Lz7IP2uDQ4Ac' }]);
    expect(a.out.messages[0]!.finished).toBe(true);
  });

  it('recognizes the streamed JSON array form for every chunking', () => {
    for (const split of SPLITS) {
      const a = analyze('gemini', 'array.json', split);
      expect(a.rec.protocol, splitName(split)).toBe('gemini');
      expect(a.text, splitName(split)).toBe('Rayleigh scattering makes the sky look blue ☀️.');
      expect(a.rec.frames.map((f) => f.kind), splitName(split)).toEqual(['json-line', 'json-line', 'json-line']);
    }
  });

  it('reports an error element in the array', () => {
    const a = analyze('gemini', 'error.json');
    expect(a.text).toBe('Rayleigh scattering makes');
    expect(a.of('error')[0]!.message).toBe('UNAVAILABLE: The model is overloaded. Please try again later.');
  });

  it('reports a safety stop as the finish reason', () => {
    const a = analyze('gemini', 'safety.txt');
    expect(a.of('finish')[0]!.reason).toBe('SAFETY');
  });
});
