// @vitest-environment happy-dom
/**
 * The Conversation view in the inline panel over the real protocol: a tool call the network
 * cut mid-arguments is shown raw and flagged, and a message copies as Markdown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { memoryPair } from '../../src/protocol/adapters/memory';
import type { CaptureRecord } from '../../src/core/trace/records';
import { EXT, boot, env, relay, until } from '../../test/unit/background/boot';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mountInlinePanel, type InlinePanel } from '../inline';

let mounted: InlinePanel | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
  document.body.innerHTML = '';
});

/** The Anthropic thinking + tool fixture as a page's hook would capture it, one SSE event per chunk, cut after `keep` events. */
function anthropicStream(conn: string, keep: number): CaptureRecord[] {
  // Read by path: happy-dom's URL cannot make the file URL the fixture loader uses.
  const blocks = readFileSync(resolve(import.meta.dirname, '../../test/fixtures/protocols/anthropic/thinking-tool.txt'), 'utf8').split('\n\n').filter((b) => b !== '').slice(0, keep);
  return [
    { type: 'open', conn, time: 1000, kind: 'fetch', url: 'https://api.anthropic.com/v1/messages', method: 'POST', requestHeaders: [['anthropic-version', '2023-06-01']], requestBodySize: 2, requestBodyPreview: '{}', detail: null },
    { type: 'response', conn, time: 1010, status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], streaming: true },
    ...blocks.map((b, i): CaptureRecord => ({ type: 'data', conn, time: 1020 + 10 * i, dir: 'in', text: `${b}\n\n`, base64: null, size: b.length + 2, event: null, id: null })),
    { type: 'end', conn, time: 1020 + 10 * blocks.length, cause: 'network-error', error: 'TypeError: network error', code: null, reason: null },
  ];
}

describe('the Conversation view', () => {
  it('flags the arguments of a call the network cut as partial JSON, shows them raw, and copies the message as Markdown', async () => {
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: async (t: string) => void copied.push(t) }, configurable: true });
    const bg = boot(env());
    const pair = memoryPair();
    bg.connectPanel(pair.b, { url: `${EXT}panel/index.html?tabId=21` });
    const root = document.createElement('div');
    document.body.append(root);
    mounted = mountInlinePanel(root, 21, pair.a);
    const r = relay(bg, 21, 'doc-1');
    r.hello();
    await until(() => r.got.some((m) => m.type === 'set-recording' && m.recording), 'the tab recording');
    // Up to the second input_json_delta: `{"location": "Par` arrived, the rest never did.
    const records = anthropicStream('a-1', 16);
    expect(records.some((x) => x.type === 'data' && x.text!.includes('"partial_json":"{\\"location\\": \\"Par"'))).toBe(true);
    r.capture(records);
    const row = await until(() => root.querySelector('table[aria-label="Streaming connections"] tbody tr') as HTMLElement | null, 'the connection row');
    row.click();
    (await until(() => root.querySelector('#tab-conversation') as HTMLButtonElement | null, 'the Conversation tab')).click();
    const tool = await until(() => root.querySelector('.conversation .conv-tool-call'), 'the tool call');
    expect(tool.querySelector('.conv-tool-name')?.textContent).toBe('get_weather');
    expect(tool.querySelector('.conv-flag')?.textContent).toBe('partial JSON');
    expect(tool.querySelector('.conv-args-raw')?.textContent).toBe('{"location": "Par');
    expect(tool.querySelector('.json-tree')).toBeNull();
    expect(root.querySelector('.conv-message .badge')?.textContent).toBe('cut off');
    expect(root.querySelector('.conversation .conv-reasoning .badge')?.textContent).toBe('redacted');

    ([...root.querySelectorAll('.conv-message header button')].find((b) => b.textContent === 'Copy as Markdown') as HTMLButtonElement).click();
    await until(() => copied.length === 1, 'the copy');
    expect(copied[0]).toContain('### Thinking\n\n> The user wants the weather in Paris.');
    expect(copied[0]).toContain('> _Reasoning redacted by the provider._');
    // Its time: from the first input delta (event 14, at 1160) to the last that arrived (15, at 1170).
    expect(copied[0]).toContain('**Tool call `get_weather`** (toolu_01A09q90qw90lq917835lq9), 10 ms (partial JSON)\n\n```\n{"location": "Par\n```');
  });
});
