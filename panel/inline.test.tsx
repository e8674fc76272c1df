// @vitest-environment happy-dom
/**
 * The panel's views over the real protocol with no browser: the inline panel is mounted in a
 * DOM and connected over an in-memory transport to a background built in Node (the same
 * modules the extension runs), and a relay posts what a page's hook would have captured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { memoryPair } from '../src/protocol/adapters/memory';
import type { CaptureRecord } from '../src/core/trace/records';
import { EXT, boot, env, relay, until } from '../test/unit/background/boot';
import { mountInlinePanel, type InlinePanel } from './inline';
import { hideSecrets } from './logic/hide-secrets';

let mounted: InlinePanel | null = null;
afterEach(() => {
  // One switch for the whole panel, module-wide: each test starts with secrets shown.
  hideSecrets.value = false;
  mounted?.unmount();
  mounted = null;
  document.body.innerHTML = '';
});

function mount(tabId: number) {
  const bg = boot(env());
  const pair = memoryPair();
  bg.connectPanel(pair.b, { url: `${EXT}panel/index.html?tabId=${tabId}` });
  const root = document.createElement('div');
  document.body.append(root);
  mounted = mountInlinePanel(root, tabId, pair.a);
  return { bg, root, panel: mounted };
}

const sse = (conn: string): CaptureRecord[] => [
  { type: 'open', conn, time: 1000, kind: 'fetch', url: 'http://app/api/chat', method: 'POST', requestHeaders: [], requestBodySize: 2, requestBodyPreview: '{}', detail: null },
  { type: 'response', conn, time: 1010, status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], streaming: true },
  { type: 'data', conn, time: 1020, dir: 'in', text: 'data: {"choices":[{"index":0,"delta":{"content":"Hello"}}]}\n\n', base64: null, size: 60, event: null, id: null },
];

describe('the inline panel over an in-memory background', () => {
  it('lists a stream the page captured, live, with no extension', async () => {
    const { bg, root } = mount(9);
    const r = relay(bg, 9, 'doc-1');
    r.hello();
    await until(() => r.got.some((m) => m.type === 'set-recording' && m.recording), 'the tab recording');
    r.capture(sse('h-1'));
    await until(() => root.querySelector('table[aria-label="Streaming connections"] tbody tr'), 'the connection row');
    expect(root.querySelector('table[aria-label="Streaming connections"] tbody tr')?.textContent).toContain('/api/chat');
  });

  it('arms a fault from the form: the page’s relay gets it, and the armed list is the background’s', async () => {
    const { bg, root, panel } = mount(10);
    const r = relay(bg, 10, 'doc-1');
    r.hello();
    await until(() => r.got.some((m) => m.type === 'set-recording' && m.recording), 'the tab recording');
    const form = root.querySelector('section[aria-label="Faults"] form') as HTMLFormElement;
    form.requestSubmit();
    await until(() => r.faults('arm-fault').length === 1, 'the fault at the relay');
    await until(() => root.querySelector('ul[aria-label="Armed faults"] li'), 'the armed list');
    const id = r.faults('arm-fault')[0]!;
    expect(panel.store.faults.armed.value.map((f) => f.spec.id)).toEqual([id]);
    (root.querySelector('ul[aria-label="Armed faults"] button.close') as HTMLButtonElement).click();
    await until(() => r.faults('disarm-fault').includes(id), 'the disarm at the relay');
    await until(() => !root.querySelector('ul[aria-label="Armed faults"] li'), 'the armed list emptied');
  });

  it('says so when our own code failed in the page, and that the page was not affected', async () => {
    const { bg, root } = mount(12);
    const r = relay(bg, 12, 'doc-1');
    r.hello();
    await until(() => r.got.some((m) => m.type === 'set-recording' && m.recording), 'the tab recording');
    r.capture([], [{ where: 'hook:websocket', message: 'TypeError: cannot read x', count: 2 }]);
    const banner = await until(() => root.querySelector('[aria-label="Internal errors"]'), 'the banner');
    expect(banner.textContent).toBe("The inspector's own code failed 2 times (hook:websocket: TypeError: cannot read x). What it shows may be incomplete; the page was not affected.");
  });

  it('hides secrets in every view at once: the events, the detail and the answer', async () => {
    const { bg, root } = mount(13);
    const r = relay(bg, 13, 'doc-1');
    r.hello();
    await until(() => r.got.some((m) => m.type === 'set-recording' && m.recording), 'the tab recording');
    // A key the model echoed into its answer.
    const key = 'sk-ant-api03-' + 'Zx9'.repeat(14);
    const conn = 'h-9';
    r.capture([
      ...sse(conn).slice(0, 2),
      { type: 'data', conn, time: 1020, dir: 'in', text: `data: {"choices":[{"index":0,"delta":{"content":"Your key is ${key} ok"}}]}\n\n`, base64: null, size: 200, event: null, id: null },
    ]);
    const row = await until(() => root.querySelector('table[aria-label="Streaming connections"] tbody tr') as HTMLElement | null, 'the connection row');
    row.click();
    const tab = (name: string) => [...root.querySelectorAll('[role="tab"]')].find((t) => t.textContent === name) as HTMLButtonElement;
    await until(() => tab('Events'), 'the Events tab');
    tab('Events').click();
    await until(() => root.querySelector('.events-view td.data')?.textContent?.includes(key), 'the key shown while secrets are not hidden');
    (root.querySelector('.events-view input[aria-label="Hide secrets"]') as HTMLInputElement).click();
    await until(() => !root.querySelector('.events-view td.data')?.textContent?.includes(key), 'the key masked in the events');
    expect(root.querySelector('.events-view td.data')?.textContent).toContain('[REDACTED]');
    tab('Output').click();
    const text = await until(() => root.querySelector('.output .message .text') as HTMLElement | null, 'the answer');
    expect(text.textContent).not.toContain(key);
    expect(text.textContent).toContain('Your key is');
    // One switch: it is on in the Output view too, and turning it off there shows the key again.
    const toggle = root.querySelector('.output input[aria-label="Hide secrets"]') as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    toggle.click();
    await until(() => root.querySelector('.output .message .text')?.textContent?.includes(key), 'the key shown again');
  });

  it('shows a request the background refused, with its reason', async () => {
    const { root, panel } = mount(11);
    // No page in the tab: there is no origin whose page loads could be recorded.
    await until(() => panel.store.connected.value, 'connected');
    expect(await panel.connection.setRecordOnLoad(true)).toBe(false);
    await until(() => root.querySelector('[aria-label="Request failed"]'), 'the banner');
    expect(root.querySelector('[aria-label="Request failed"]')?.textContent).toContain('Record from page load failed: tab 11 shows no page whose origin could be recorded');
  });
  it('copies a request in every format, secrets redacted unless asked, and hides secrets in the request view on request', async () => {
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: async (t: string) => void copied.push(t) }, configurable: true });
    const { bg, root } = mount(12);
    const r = relay(bg, 12, 'doc-1');
    r.hello();
    await until(() => r.got.some((m) => m.type === 'set-recording' && m.recording), 'the tab recording');
    const recs = sse('h-1');
    recs[0] = { ...recs[0]!, url: 'http://app/api/chat?api_key=k-123', requestHeaders: [['Authorization', 'Bearer tok-abcdefghijkl'], ['content-type', 'application/json']] } as CaptureRecord;
    r.capture(recs);
    const row = await until(() => root.querySelector('table[aria-label="Streaming connections"] tbody tr') as HTMLElement | null, 'the connection row');
    row.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: 10, clientY: 10 }));
    await until(() => root.querySelector('[role="menu"]'), 'the context menu');
    const labels = [...root.querySelectorAll('[role="menuitem"]')].map((b) => b.textContent);
    expect(labels).toEqual(['Copy as cURL', 'Copy as cURL (cmd)', 'Copy as PowerShell', 'Copy as fetch', 'Copy as cURL (with secrets)', 'Copy as cURL (cmd) (with secrets)', 'Copy as PowerShell (with secrets)', 'Copy as fetch (with secrets)', 'Copy URL', 'Copy received data']);
    const item = (label: string) => [...root.querySelectorAll('[role="menuitem"]')].find((b) => b.textContent === label) as HTMLButtonElement;
    item('Copy as PowerShell').click();
    await until(() => copied.length === 1, 'the copy');
    expect(copied[0]).toMatch(/^Invoke-WebRequest/);
    expect(copied[0]).toContain("'Bearer [REDACTED]'");
    expect(copied[0]).not.toContain('tok-abcdefghijkl');
    row.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: 10, clientY: 10 }));
    await until(() => item('Copy as fetch (with secrets)'), 'the menu again');
    item('Copy as fetch (with secrets)').click();
    await until(() => copied.length === 2, 'the second copy');
    expect(copied[1]).toContain('tok-abcdefghijkl');

    row.click();
    const tab = await until(() => root.querySelector('#tab-request') as HTMLButtonElement | null, 'the detail');
    tab.click();
    const headers = () => root.querySelector('dl[aria-label="Request headers"]')?.textContent ?? '';
    await until(() => headers().includes('Authorization'), 'the request view');
    expect(headers()).toContain('Bearer tok-abcdefghijkl');
    expect(root.querySelector('pre[aria-label="cURL command"]')?.textContent).toContain('Bearer [REDACTED]');
    const hide = root.querySelector('input[aria-label="Hide secrets"]') as HTMLInputElement;
    hide.click();
    await until(() => !headers().includes('tok-abcdefghijkl'), 'the secrets hidden');
    expect(headers()).toContain('Bearer [REDACTED]');
    expect(root.querySelector('.request')?.textContent).not.toContain('k-123');
  });
});
