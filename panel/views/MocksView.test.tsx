// @vitest-environment happy-dom
/**
 * The Mocks drawer in the inline panel over the real protocol: a mock started from a template,
 * edited in the table (a stall and a drop inserted), and armed, reaches the tab's relay as the
 * hook command that serves it — with the stall in its times and the drop as its end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { memoryPair } from '../../src/protocol/adapters/memory';
import { EXT, boot, env, relay, until } from '../../test/unit/background/boot';
import { mountInlinePanel, type InlinePanel } from '../inline';
import { parseRecording } from '../../src/core/replay/recording';

let mounted: InlinePanel | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
  document.body.innerHTML = '';
});

const button = (root: Element, text: string, within: Element = root) => {
  const b = [...within.querySelectorAll('button')].find((x) => x.textContent?.trim() === text) as HTMLButtonElement | undefined;
  if (!b) throw new Error(`no button ${text}`);
  return b;
};
const setValue = (el: HTMLInputElement | HTMLSelectElement, value: string, event: 'input' | 'change') => {
  el.value = value;
  el.dispatchEvent(new Event(event, { bubbles: true }));
};

describe('the Mocks drawer', () => {
  it('starts from a template, takes a stall and a drop in the table, and arms it for the tab', async () => {
    const bg = boot(env());
    const pair = memoryPair();
    bg.connectPanel(pair.b, { url: `${EXT}panel/index.html?tabId=31` });
    const root = document.createElement('div');
    document.body.append(root);
    mounted = mountInlinePanel(root, 31, pair.a);
    const r = relay(bg, 31, 'doc-1');
    r.hello();
    await until(() => r.got.some((m) => m.type === 'set-recording' && m.recording), 'the tab recording');

    button(root, 'Mocks…').click();
    const drawer = await until(() => root.querySelector('section[aria-label="Mocks"]'), 'the drawer');
    setValue(drawer.querySelector('select[aria-label="Template"]') as HTMLSelectElement, 'durable-sse', 'change');
    setValue(drawer.querySelector('input[aria-label="Answer text"]') as HTMLInputElement, 'one two three four', 'input');
    setValue(drawer.querySelector('input[aria-label="URL it answers"]') as HTMLInputElement, 'http://app/api/runs/*/stream', 'input');
    button(drawer, 'New from template').click();
    const rows = () => [...root.querySelectorAll('table[aria-label="Mock steps"] tbody tr')];
    await until(() => rows().length === 5, 'four deltas and done');

    // Before step 3: a 2 s stall; then before step 4 (now the third delta): a drop.
    button(root, '+ stall', rows()[2]!).click();
    await until(() => rows().length === 6, 'the stall');
    button(root, '+ drop', rows()[4]!).click();
    await until(() => rows().length === 5, 'the drop, cutting what followed');
    expect(rows().map((tr) => tr.children[1]!.textContent)).toEqual(['event', 'event', 'stall', 'event', 'drop']);
    // The delay of the first event, edited in its cell.
    setValue(rows()[0]!.querySelector('input') as HTMLInputElement, '120', 'change');

    button(root, 'Arm for this tab').click();
    const cmd = await until(() => r.got.find((m) => m.type === 'arm-replay') as { recording: unknown } | undefined, 'the arm-replay command');
    const parsed = parseRecording(cmd.recording);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.recording.url).toBe('http://app/api/runs/*/stream');
    expect(parsed.recording.chunks.map((c) => c.at)).toEqual([120, 170, 2220]);
    expect(parsed.recording.chunks[2]!.text).toContain('id: 3\n');
    expect(parsed.recording.end).toEqual({ kind: 'drop', at: 2220 });
    const armed = await until(() => root.querySelector('ul[aria-label="Armed mocks"] li'), 'the armed mock');
    expect(armed.textContent).toContain('waiting for the request');

    // Kept with the tab's session: a panel opened later (DevTools reopened) offers it again.
    const pair2 = memoryPair();
    bg.connectPanel(pair2.b, { url: `${EXT}panel/index.html?tabId=31` });
    const root2 = document.createElement('div');
    document.body.append(root2);
    const second = mountInlinePanel(root2, 31, pair2.a);
    try {
      button(await until(() => root2.querySelector('.view-tabs'), 'the second panel'), 'Mocks…').click();
      const steps2 = await until(() => {
        const trs = [...root2.querySelectorAll('table[aria-label="Mock steps"] tbody tr')];
        return trs.length > 0 ? trs : null;
      }, 'the session’s mock in the second panel');
      expect(steps2.map((tr) => tr.children[1]!.textContent)).toEqual(['event', 'event', 'stall', 'event', 'drop']);
      expect((root2.querySelector('input[aria-label="Request URL or pattern"]') as HTMLInputElement).value).toBe('http://app/api/runs/*/stream');
    } finally {
      second.unmount();
    }

    // The page's request opens: the drawer says the mock was served.
    r.capture([{ type: 'open', conn: 'm-1', time: Date.now() + 1, kind: 'fetch', url: 'http://app/api/runs/run_9/stream', method: 'GET', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null }]);
    await until(() => root.querySelector('ul[aria-label="Armed mocks"] li')?.textContent?.includes('served'), 'served');
  });

  it('says what is wrong with a bad URL and keeps the mock as it was', async () => {
    const bg = boot(env());
    const pair = memoryPair();
    bg.connectPanel(pair.b, { url: `${EXT}panel/index.html?tabId=32` });
    const root = document.createElement('div');
    document.body.append(root);
    mounted = mountInlinePanel(root, 32, pair.a);
    relay(bg, 32, 'doc-1').hello();
    button(await until(() => root.querySelector('.view-tabs'), 'the tabs'), 'Mocks…').click();
    const drawer = await until(() => root.querySelector('section[aria-label="Mocks"]'), 'the drawer');
    button(drawer, 'New from template').click();
    const url = await until(() => root.querySelector('input[aria-label="Request URL or pattern"]') as HTMLInputElement | null, 'the request');
    const before = url.value;
    setValue(url, 'javascript:alert(1)', 'change');
    const alert = await until(() => root.querySelector('section[aria-label="Mocks"] [role="alert"]'), 'the error');
    expect(alert.textContent).toContain('request.url');
    expect((root.querySelector('input[aria-label="Request URL or pattern"]') as HTMLInputElement).value).toBe(before);
  });
});
