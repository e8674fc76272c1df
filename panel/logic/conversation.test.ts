import { describe, expect, it } from 'vitest';
import { recognize } from '../../src/core/protocols';
import type { ConversationMessage, SourcePart, ToolCallPart } from '../../src/core/reassembly';
import { loadFixture } from '../../test/unit/core/fixture';
import { conversationFor, messageJson, messageMarkdown, messageTitle, metaRows, openableUrl, partText, visibleMessages } from './conversation';

const weather = (): ConversationMessage => conversationFor(recognize(loadFixture('vercel-ui', 'tools.txt'))).messages[0]!;
const tool = (over: Partial<ToolCallPart>): ToolCallPart => ({ kind: 'tool-call', frames: [1], argsText: '', args: { state: 'empty' }, complete: true, ...over });

describe('conversation view logic', () => {
  it('computes a recognition’s conversation once', () => {
    const rec = recognize(loadFixture('anthropic', 'thinking-tool.txt'));
    expect(conversationFor(rec)).toBe(conversationFor(rec));
  });

  it('copies a message as Markdown: thinking quoted, the call as fenced JSON with its result, sources listed, meta last', () => {
    const md = messageMarkdown(weather(), 'Assistant');
    expect(md).toBe(
      [
        '## Assistant',
        '### Thinking\n\n> The user asks for the weather in Berlin. I should call the weather tool.',
        'Sources:\n\n- DWD: Berlin local weather <https://www.dwd.de/EN/weather/weather_climate_local/berlin/berlin_node.html>',
        '**Tool call `getWeather`** (call-weather-1), 0 ms\n\n```json\n{\n  "city": "Berlin",\n  "unit": "celsius"\n}\n```\n\nResult:\n\n```\n{"city":"Berlin","temperature":18,"condition":"sunny"}\n```',
        'It is 18 °C and sunny in Berlin.',
        '- Model: mock-reasoner-1\n- Finish reason: stop\n- Input tokens: 144\n- Output tokens: 40',
      ].join('\n\n') + '\n',
    );
  });

  it('copies a message as JSON that reads back to the same parts and meta', () => {
    const m = weather();
    expect(JSON.parse(messageJson(m))).toEqual(JSON.parse(JSON.stringify(m)));
  });

  it('keeps page text from breaking out of a Markdown fence or turning a source title into a link', () => {
    const md = messageMarkdown({ key: 'k', parts: [tool({ name: 'x', argsText: '```\n# injected', args: { state: 'invalid', error: 'bad' } }), { kind: 'source', frames: [2], title: '[click](javascript:alert(1))', url: 'https://a.example/x y' } satisfies SourcePart], meta: { errors: [] }, finished: true, cancelled: false, metaFrames: [] }, 'M');
    expect(md).toContain('(invalid JSON)');
    expect(md).toContain('````\n```\n# injected\n````');
    expect(md).toContain('- clickjavascript:alert1 <https://a.example/x%20y>');
  });

  it('opens only http(s) URLs; anything else stays text', () => {
    expect(openableUrl('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(openableUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/');
    for (const bad of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'chrome://settings', 'file:///etc/passwd', 'not a url', undefined]) expect(openableUrl(bad), String(bad)).toBeNull();
  });

  it('copies parts as plain text, redacted reasoning as a marker', () => {
    expect(partText({ kind: 'reasoning', text: '', spans: [], frames: [3], redacted: true })).toBe('[redacted reasoning]');
    expect(partText(tool({ name: 'f', argsText: '{"a":', args: { state: 'partial', error: 'x' } }))).toBe('f({"a":)');
    expect(partText(tool({ name: 'f', argsText: '{"a":1}', args: { state: 'json', value: { a: 1 } }, result: { output: 'boom', isError: true, frame: 4 } }))).toBe('f({\n  "a": 1\n})\nerror: boom');
  });

  it('titles messages by role, agent or key, and lists meta in a fixed order', () => {
    expect(messageTitle({ key: 'msg_1', role: 'assistant' }, false)).toBe('Assistant');
    expect(messageTitle({ key: 'msg_1', role: 'assistant' }, true)).toBe('Assistant msg_1');
    expect(messageTitle({ key: 'a', agent: 'writer' }, true)).toBe('writer');
    expect(metaRows({ errors: ['e1'], outputTokens: 3, model: 'm' })).toEqual([['Model', 'm'], ['Output tokens', '3'], ['Error', 'e1']]);
  });

  it('hides messages with nothing to show', () => {
    const c = conversationFor(recognize(loadFixture('openai-responses', 'tools.txt')));
    expect(visibleMessages(c)).toHaveLength(3);
    expect(visibleMessages({ messages: [{ key: 'x', parts: [], meta: { errors: [] }, finished: false, cancelled: false, metaFrames: [] }], meta: { errors: [] }, metaFrames: [] })).toHaveLength(0);
  });
});
