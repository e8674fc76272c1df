import { describe, expect, it } from 'vitest';
import { recognize } from '../../../src/core/protocols';
import { conversationOf, type Conversation, type ConversationMessage, type Part, type ToolCallPart } from '../../../src/core/reassembly';
import { captureFromBody, loadFixture, readWire, SPLITS, splitName, type Meta, type Split } from './fixture';

const conv = (protocol: string, file: string, split?: Split, meta?: Meta): Conversation => conversationOf(recognize(loadFixture(protocol, file, split, meta)));
const kinds = (m: ConversationMessage): string[] => m.parts.map((p) => (p.kind === 'reasoning' && p.redacted ? 'reasoning (redacted)' : p.kind));
const only = <K extends Part['kind']>(m: ConversationMessage, kind: K): Array<Extract<Part, { kind: K }>> => m.parts.filter((p): p is Extract<Part, { kind: K }> => p.kind === kind);
const call = (m: ConversationMessage): ToolCallPart => only(m, 'tool-call')[0]!;
/** A body from a fixture with `from` replaced by `to` (the fixture must contain it). */
function edited(protocol: string, file: string, from: string, to: string): string {
  const raw = readWire(protocol, file);
  expect(raw).toContain(from);
  return raw.replace(from, to);
}
/** Parts without the times, which depend on how the body was cut. */
const untimed = (c: Conversation) => c.messages.map((m) => m.parts.map((p) => (p.kind === 'tool-call' ? { ...p, startedAt: 0, endedAt: 0, durationMs: 0, frames: [] } : { ...p, frames: [], spans: [] })));

describe('conversationOf: Anthropic', () => {
  it('keeps thinking, the redacted block, the text and the streamed tool input as parts in order', () => {
    const c = conv('anthropic', 'thinking-tool.txt');
    expect(c.messages).toHaveLength(1);
    const m = c.messages[0]!;
    expect(kinds(m)).toEqual(['reasoning', 'reasoning (redacted)', 'text', 'tool-call']);
    expect(only(m, 'reasoning')[0]!.text).toBe('The user wants the weather in Paris. I have a get_weather tool; Celsius suits a French city.');
    expect(only(m, 'reasoning')[1]).toMatchObject({ redacted: true, text: '' });
    expect(only(m, 'text')[0]!.text).toBe('I’ll check the current weather in Paris for you.');
    expect(call(m)).toMatchObject({
      id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', complete: true,
      argsText: '{"location": "Paris, France", "unit": "celsius"}',
      args: { state: 'json', value: { location: 'Paris, France', unit: 'celsius' } },
    });
    expect(m.meta).toEqual({ model: 'claude-sonnet-4-5-20250929', inputTokens: 612, outputTokens: 187, finishReason: 'tool_use', errors: [] });
    expect(m).toMatchObject({ key: 'msg_01Pq4dJ8kVZrT3Yw9NbCxAeH', role: 'assistant', finished: true, cancelled: false });
  });

  it('points each part at the frames that carried it', () => {
    const rec = recognize(loadFixture('anthropic', 'thinking-tool.txt'));
    const m = conversationOf(rec).messages[0]!;
    const dataOf = (frames: number[]) => frames.map((f) => rec.frames[f]!.data);
    expect(dataOf(only(m, 'reasoning')[0]!.frames).every((d) => d.includes('thinking_delta'))).toBe(true);
    expect(dataOf(only(m, 'reasoning')[1]!.frames)).toEqual([expect.stringContaining('"redacted_thinking"')]);
    expect(dataOf(call(m).frames).filter((d) => d.includes('input_json_delta'))).toHaveLength(4);
    expect(dataOf(call(m).frames).at(-1)).toContain('content_block_stop');
  });

  it('is the same for every chunking of the body', () => {
    const whole = untimed(conv('anthropic', 'thinking-tool.txt'));
    for (const split of SPLITS) expect(untimed(conv('anthropic', 'thinking-tool.txt', split)), splitName(split)).toEqual(whole);
  });

  it('flags the input of a call the stream cut off as partial JSON and keeps it as streamed', () => {
    const raw = readWire('anthropic', 'thinking-tool.txt');
    const last = '"partial_json":"is, France\\", \\"unit\\": "}}\n\n';
    expect(raw).toContain(last);
    const cut = raw.slice(0, raw.indexOf(last) + last.length);
    const m = conversationOf(recognize(captureFromBody(cut, { end: 'network-error' }))).messages[0]!;
    expect(m.finished).toBe(false);
    expect(call(m)).toMatchObject({ complete: false, argsText: '{"location": "Paris, France", "unit": ', args: { state: 'partial' } });
  });

  it('flags the input of a finished call that is not JSON as invalid', () => {
    const body = edited('anthropic', 'thinking-tool.txt', '"partial_json":"\\"celsius\\"}"', '"partial_json":"\\"celsius\\""');
    const c = call(conversationOf(recognize(captureFromBody(body))).messages[0]!);
    expect(c).toMatchObject({ complete: true, argsText: '{"location": "Paris, France", "unit": "celsius"', args: { state: 'invalid', error: expect.any(String) } });
  });

  it('turns citations_delta into sources: document titles, web pages and the cited text', () => {
    const m = conv('anthropic', 'citations.txt').messages[0]!;
    expect(only(m, 'source').map(({ url, title, quote }) => ({ url, title, quote }))).toEqual([
      { url: undefined, title: 'Example Document', quote: 'The grass is green. ' },
      { url: 'https://en.wikipedia.org/wiki/Rayleigh_scattering', title: 'Rayleigh scattering - Wikipedia', quote: 'Rayleigh scattering causes the blue color of the daytime sky…' },
    ]);
    expect(only(m, 'text').map((p) => p.text).join('')).toBe('According to the document, the grass is green, and the sky is blue because of Rayleigh scattering.');
    expect(m.meta).toMatchObject({ finishReason: 'end_turn', outputTokens: 41 });
  });
});

describe('conversationOf: OpenAI', () => {
  it('Responses: reasoning summary, a cited message and a function call, with the response’s model and usage', () => {
    const c = conv('openai-responses', 'tools.txt');
    expect(c.messages.map((m) => [m.key.slice(0, 3), kinds(m)])).toEqual([
      ['rs_', ['reasoning']],
      ['msg', ['text', 'source']],
      ['fc_', ['tool-call']],
    ]);
    const [reasoning, message, fn] = c.messages;
    expect(only(reasoning!, 'reasoning')[0]!.text).toBe('**Checking the weather**\n\nThe user wants current conditions in Paris, so I will call get_weather.');
    expect(only(message!, 'text')[0]!.text).toBe('Météo-France expects a mild, dry afternoon in Paris (meteofrance.com). Let me fetch the live reading.');
    expect(only(message!, 'source')[0]).toMatchObject({ url: 'https://meteofrance.com/previsions-meteo-france/paris/75000', title: 'Météo Paris - Météo-France' });
    // The assembled deltas equal the arguments the `.done` event repeats whole.
    const done = JSON.parse(readWire('openai-responses', 'tools.txt').split('\n').find((l) => l.startsWith('data: ') && l.includes('function_call_arguments.done'))!.slice('data: '.length)) as { arguments: string };
    expect(call(fn!)).toMatchObject({ id: 'call_Rk4tM7pXw2QzLb9N', name: 'get_weather', complete: true, argsText: done.arguments, args: { state: 'json', value: { location: 'Paris, France', unit: 'celsius' } } });
    expect(c.meta).toEqual({ model: 'o4-mini-2025-04-16', responseId: 'resp_68a1f0c2b7e48190a3c9d2e5f60718290b1c2d3e4f5a6b7c', inputTokens: 318, outputTokens: 164, finishReason: 'completed', errors: [] });
    expect(c.messages.every((m) => m.finished)).toBe(true);
  });

  it('Chat Completions: tool call arguments assembled from many deltas, and the chunk’s model', () => {
    const m = conv('openai-chat', 'tools.txt').messages[0]!;
    expect(call(m)).toMatchObject({ id: 'call_9pXk2LmQw7', name: 'get_weather', complete: true, args: { state: 'json', value: { location: 'Paris, France' } } });
    expect(m.meta).toMatchObject({ model: 'gpt-4o-mini-2024-07-18', finishReason: 'tool_calls' });
  });
});

describe('conversationOf: Vercel AI SDK', () => {
  it('UI stream (recorded from the SDK): reasoning, source and an executed tool in step 1, the answer in step 2', () => {
    const m = conv('vercel-ui', 'tools.txt').messages[0]!;
    expect(m.parts.map((p) => [p.kind, p.step])).toEqual([['reasoning', 1], ['source', 1], ['tool-call', 1], ['text', 2]]);
    expect(only(m, 'reasoning')[0]!.text).toBe('The user asks for the weather in Berlin. I should call the weather tool.');
    expect(only(m, 'source')[0]).toMatchObject({ url: 'https://www.dwd.de/EN/weather/weather_climate_local/berlin/berlin_node.html', title: 'DWD: Berlin local weather', sourceId: 'src-1' });
    expect(call(m)).toMatchObject({
      id: 'call-weather-1', name: 'getWeather', complete: true, argsText: '{"city":"Berlin","unit":"celsius"}',
      result: { output: '{"city":"Berlin","temperature":18,"condition":"sunny"}', isError: false },
    });
    expect(only(m, 'text')[0]!.text).toBe('It is 18 °C and sunny in Berlin.');
    expect(m.meta).toEqual({ model: 'mock-reasoner-1', inputTokens: 144, outputTokens: 40, finishReason: 'stop', errors: [] });
  });

  it('UI stream: a tool’s time runs from its first input delta to its result', () => {
    const size = 64;
    const raw = new TextEncoder().encode(readWire('vercel-ui', 'tools.txt'));
    // Oracle from the bytes: a frame is complete in the chunk holding its closing blank line,
    // and chunk i arrives at 10·(i+1) ms in the loader.
    const arrival = (marker: string): number => {
      const text = new TextDecoder().decode(raw);
      const at = text.indexOf(marker);
      const end = new TextEncoder().encode(text.slice(0, text.indexOf('\n\n', at) + 2)).length;
      return 10 * (Math.floor((end - 1) / size) + 1);
    };
    const c = call(conv('vercel-ui', 'tools.txt', { kind: 'fixed', size }).messages[0]!);
    const expected = arrival('"tool-output-available"') - arrival('"tool-input-start"');
    expect(expected).toBeGreaterThan(0);
    expect(c).toMatchObject({ startedAt: arrival('"tool-input-start"'), endedAt: arrival('"tool-output-available"'), durationMs: expected });
  });

  it('UI stream: a failed tool keeps its error as the result', () => {
    const body = edited('vercel-ui', 'tools.txt', '{"type":"tool-output-available","toolCallId":"call-weather-1","output":{"city":"Berlin","temperature":18,"condition":"sunny"}}', '{"type":"tool-output-error","toolCallId":"call-weather-1","errorText":"weather service unavailable"}');
    const c = call(conversationOf(recognize(captureFromBody(body, { responseHeaders: [['x-vercel-ai-ui-message-stream', 'v1']] }))).messages[0]!);
    expect(c.result).toMatchObject({ output: 'weather service unavailable', isError: true });
  });

  it('data stream: redacted reasoning, a streamed call ended by `9` (not doubled), its result and a source', () => {
    const m = conv('vercel-data', 'tools.txt').messages[0]!;
    expect(kinds(m)).toEqual(['reasoning', 'reasoning (redacted)', 'tool-call', 'source', 'text']);
    expect(call(m)).toMatchObject({ id: 'call-ls-1', name: 'listFiles', argsText: '{"dir":"src"}', complete: true, result: { output: '["index.ts","util.ts"]' } });
    expect(only(m, 'source')[0]).toMatchObject({ url: 'https://nodejs.org/api/fs.html', title: 'File system | Node.js' });
    expect(m.parts.map((p) => p.step)).toEqual([1, 1, 1, 2, 2]);
    expect(m.meta).toMatchObject({ inputTokens: 100, outputTokens: 21, finishReason: 'stop' });
  });
});

describe('conversationOf: Gemini and MCP', () => {
  it('Gemini: thought parts as reasoning, grounding chunks as sources', () => {
    const m = conv('gemini', 'grounded.txt').messages[0]!;
    expect(kinds(m)).toEqual(['reasoning', 'text', 'source', 'source']);
    expect(only(m, 'text')[0]!.text).toBe('Spain won Euro 2024, beating England 2–1 in 2024.');
    expect(only(m, 'source').map((s) => s.title)).toEqual(['uefa.com', 'wikipedia.org']);
    expect(m.meta).toMatchObject({ model: 'gemini-2.5-flash', responseId: 'Xk9raNn2Jb-Pz7IPq8nQ4Aw', finishReason: 'STOP', outputTokens: 12 });
  });

  it('Gemini: a functionCall part is a whole, complete call', () => {
    const m = conv('gemini', 'function-call.txt').messages[0]!;
    expect(call(m)).toMatchObject({ name: 'get_current_weather', complete: true, args: { state: 'json', value: { location: 'Boston, MA', unit: 'fahrenheit' } } });
  });

  it('MCP: the tools/call the page sent, with the result its stream carried', () => {
    const m = conv('mcp', 'sse.txt').messages.find((x) => x.key === 'rpc:7')!;
    expect(call(m)).toMatchObject({ id: 'rpc:7', name: 'search', args: { state: 'json', value: { pattern: '*.ts' } }, result: { output: 'Found 3 matching files: a.ts, b.ts, c.ts', isError: false } });
  });
});
