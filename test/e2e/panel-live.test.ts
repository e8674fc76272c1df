/**
 * The foundation's vertical slice in the real DevTools panel: a generation in the demo app
 * shows up, live, as a streaming connection with its events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot, sendPrompt, startSession, waitForPageState, type E2ESession } from '../harness/session';
import { clickButton, connectionRows, eventRows, selectConnection, waitForConnection } from '../harness/panel';

const TOKENS = 40;
let s: E2ESession;

beforeAll(async () => {
  s = await startSession({ tokens: TOKENS, tokensPerSecond: 80 });
});
afterAll(async () => {
  await s?.close();
});

describe('the Durable Sessions panel in real DevTools', () => {
  it('says what to do before anything streams', async () => {
    expect(await s.panel.text()).toContain('Start a generation in the page');
  });

  it('shows a trapped-sse generation as a fetch-SSE connection with its events', async () => {
    await s.page.goto(`${s.demo.url}/trapped-sse/`);
    await sendPrompt(s.page, 'hello there');
    // Visible in the panel while the answer is still streaming.
    const live = await waitForConnection(s.panel, 'the live chat stream', (r) => r.url.includes('/trapped-sse/api/chat') && r.status === '200 streaming');
    expect(live.kind).toBe('fetch-SSE');
    await waitForPageState(s.page, 'done');
    const row = await waitForConnection(s.panel, 'the ended chat stream', (r) => r.url.includes('/trapped-sse/api/chat') && r.status === '200 ended');
    expect(row.url).toMatch(/^POST /);
    expect(row.events).toBeGreaterThan(0);

    await selectConnection(s.panel, '/trapped-sse/api/chat');
    await s.panel.waitFor(`document.querySelector('table[aria-label="Connection events"]') !== null`, 'the event list');
    // Raw chunks, as the page read them (the default view lists parsed SSE messages).
    await clickButton(s.panel, 'Chunks');
    await s.panel.waitFor(`document.querySelector('table[aria-label="Connection events"]')?.dataset.rows === '${row.events}'`, 'the chunk list');
    const events = await eventRows(s.panel);
    expect(events).toHaveLength(row.events);
    expect(events[0]![6]).toContain('"object":"chat.completion.chunk"');
    expect(events.every((e) => e[2] === '↓')).toBe(true);
    await saveScreenshot(s.panel, 'foundation-trapped-sse');
  });

  it('shows a WebSocket generation with frames in both directions', async () => {
    await s.page.goto(`${s.demo.url}/trapped-ws/`);
    await sendPrompt(s.page, 'hello socket');
    await waitForPageState(s.page, 'done');
    const row = await waitForConnection(s.panel, 'the ended socket', (r) => r.kind === 'WebSocket' && r.status.startsWith('closed by app'));
    // One frame sent (the prompt), one per token, and "done": frames are never merged.
    expect(row.events).toBe(1 + TOKENS + 1);
    expect(row.status).toMatch(/^closed by app \(1000\b/);

    await selectConnection(s.panel, '/trapped-ws/ws');
    await s.panel.waitFor(`document.querySelector('table[aria-label="Connection events"]')?.dataset.rows === '${row.events}'`, 'all frames listed');
    const events = await eventRows(s.panel);
    expect(events[0]![2]).toBe('↑');
    expect(events[0]![6]).toContain('"type":"chat"');
    expect(events.slice(1).every((e) => e[2] === '↓')).toBe(true);
    expect(events.at(-1)![6]).toContain('"type":"done"');
  });

  it('shows a native EventSource stream with its named events and ids', async () => {
    await s.page.goto(`${s.demo.url}/eventsource/`);
    await sendPrompt(s.page, 'hello events');
    await waitForPageState(s.page, 'done');
    const row = await waitForConnection(s.panel, 'the EventSource', (r) => r.kind === 'EventSource' && r.status.startsWith('closed by app'));
    expect(row.events).toBe(TOKENS + 1);
    await selectConnection(s.panel, '/eventsource/api/runs/');
    await s.panel.waitFor(`document.querySelector('table[aria-label="Connection events"]')?.dataset.rows === '${row.events}'`, 'all events listed');
    const events = await eventRows(s.panel);
    expect(events[0]!.slice(3, 5)).toEqual(['delta', '1']);
    expect(events.at(-1)![3]).toBe('done');
  });

  it('starts a fresh list when the tab navigates, and a late panel gets the capture', async () => {
    await s.page.goto(`${s.demo.url}/durable-sse/`);
    await s.panel.waitFor(`document.body.innerText.includes('Start a generation in the page')`, 'the list to reset on navigation');
    await sendPrompt(s.page, 'hello durable');
    await waitForPageState(s.page, 'done');
    await waitForConnection(s.panel, 'the run stream', (r) => r.url.includes('/durable-sse/api/runs/') && r.status === '200 ended');

    // The same panel opened late, standalone, for this tab: it receives what was captured.
    const tabId = await s.panel.evaluate<number>('chrome.devtools.inspectedWindow.tabId');
    const standalone = await s.browser.context.newPage();
    await standalone.goto(`chrome-extension://${s.browser.extensionId}/panel/index.html?tabId=${tabId}`);
    await standalone.getByRole('table', { name: 'Streaming connections' }).waitFor();
    const rows = await standalone.locator('table[aria-label="Streaming connections"] tbody tr').allInnerTexts();
    const inDevTools = await connectionRows(s.panel);
    expect(rows).toHaveLength(inDevTools.length);
    expect(rows.join('\n')).toContain('/durable-sse/api/runs/');
    await standalone.close();
  });
});

describe('the event table of a live stream', () => {
  let slow: E2ESession;
  beforeAll(async () => {
    // 600 frames at 40/s: 15 s of stream, far longer than the steps below need.
    slow = await startSession({ tokens: 600, tokensPerSecond: 40 });
  });
  afterAll(async () => {
    await slow?.close();
  });

  const TABLE = `document.querySelector('table[aria-label="Connection events"]')`;
  const VIEWPORT = `${TABLE}.closest('.viewport')`;
  /** Whether the table's last row is drawn inside the viewport (what a reader following the stream sees). */
  const LAST_ROW_IN_VIEW = `(() => {
    const last = ${TABLE}.querySelector('tbody tr[data-index="' + (Number(${TABLE}.dataset.rows) - 1) + '"]');
    if (!last) return false;
    const r = last.getBoundingClientRect();
    const v = ${VIEWPORT}.getBoundingClientRect();
    return r.top >= v.top && r.bottom <= v.bottom + 1;
  })()`;
  const rowCount = () => slow.panel.evaluate<number>(`Number(${TABLE}?.dataset.rows ?? 0)`);
  const tenMore = async (what: string) => {
    const n = await rowCount();
    await slow.panel.waitFor(`Number(${TABLE}.dataset.rows) >= ${n + 10}`, what);
  };

  it('follows new rows while the reader is at the bottom, and stays put once they scroll up', async () => {
    await slow.page.goto(`${slow.demo.url}/trapped-ws/`);
    await sendPrompt(slow.page, 'a long answer');
    await waitForConnection(slow.panel, 'the live socket', (r) => r.kind === 'WebSocket' && r.events > 0);
    await selectConnection(slow.panel, '/trapped-ws/ws');
    // Enough rows to overflow the viewport twice, then more: the newest row is in view.
    await slow.panel.waitFor(`${TABLE} !== null && ${VIEWPORT}.scrollHeight > ${VIEWPORT}.clientHeight * 2`, 'rows past the viewport');
    await tenMore('ten more rows');
    await slow.panel.waitFor(LAST_ROW_IN_VIEW, 'the newest row in view');

    // Scrolled to the top: new rows arrive, the reader's place does not move.
    await slow.panel.evaluate(`(() => { ${VIEWPORT}.scrollTop = 0; return true; })()`);
    await slow.panel.waitFor(`${TABLE}.querySelector('tbody tr[data-index="0"]') !== null`, 'the first row drawn');
    await tenMore('ten more rows while scrolled up');
    expect(await slow.panel.evaluate<number>(`${VIEWPORT}.scrollTop`)).toBe(0);
    expect(await slow.panel.evaluate<boolean>(LAST_ROW_IN_VIEW)).toBe(false);

    // Back at the bottom: following again.
    await slow.panel.evaluate(`(() => { const v = ${VIEWPORT}; v.scrollTop = v.scrollHeight; return true; })()`);
    await tenMore('ten more rows at the bottom');
    await slow.panel.waitFor(LAST_ROW_IN_VIEW, 'the newest row in view again');
  });
});
