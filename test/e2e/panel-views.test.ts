/**
 * Every view of the panel in real DevTools against the demo app: the connection list (filter,
 * sort), the virtualized event table with its detail pane and search, the output view, the
 * timeline, keyboard use and copy-as-cURL; screenshots in light (DevTools) and dark (standalone).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot, sendPrompt, startSession, waitForPageState, type E2ESession } from '../harness/session';
import { clickButton, connectionRows, eventCount, eventRows, pageAsPanel, pressKey, selectConnection, settle, typeInto, waitForConnection } from '../harness/panel';
import type { PanelHandle } from '../../src/cli/devtools-panel';

let s: E2ESession;
const EVENTS_TABLE = 'table[aria-label="Connection events"]';

const selectedEventIndex = (p: PanelHandle) => p.evaluate<number | null>(`(() => { const tr = document.querySelector('${EVENTS_TABLE} tbody tr[aria-selected="true"]'); return tr ? Number(tr.dataset.index) : null; })()`);
const lanes = (p: PanelHandle) => p.evaluate<number[]>(`[...document.querySelectorAll('svg[aria-label="Connection timeline"] g.lane')].map((g) => Number(g.dataset.ticks))`);

beforeAll(async () => {
  s = await startSession({ tokens: 40, tokensPerSecond: 80 });
});
afterAll(async () => {
  await s?.close();
});

describe('panel views in real DevTools', () => {
  it('says what to do before anything streams', async () => {
    expect(await s.panel.text()).toContain('Start a generation in the page');
    await saveScreenshot(s.panel, 'views-empty-light');
  });

  it('lists every kind of stream with protocol and how it ended, and filters and sorts them', async () => {
    await s.page.goto(`${s.demo.url}/trapped-sse/`);
    await sendPrompt(s.page, 'hello there');
    await waitForPageState(s.page, 'done');
    // More streams in the same page: NDJSON over fetch, a WebSocket, and a generation the user stops.
    await s.page.evaluate(async () => {
      await (await fetch('/bench/ndjson?n=30&size=40')).text();
      await new Promise<void>((resolve) => {
        const ws = new WebSocket(`ws://${location.host}/bench/ws?n=25&size=40`);
        ws.onclose = () => resolve();
      });
    });
    await sendPrompt(s.page, 'stop me');
    await waitForPageState(s.page, 'streaming');
    // Stopped mid-answer: once some of it shows and Stop can be pressed.
    await s.page.waitForFunction(() => ([...document.querySelectorAll('.message.assistant')].at(-1)?.textContent ?? '').length > 0, null, { timeout: 20_000 });
    await expect.poll(() => s.page.getByRole('button', { name: 'Stop' }).isEnabled(), { timeout: 20_000 }).toBe(true);
    await s.page.getByRole('button', { name: 'Stop' }).click();
    await waitForPageState(s.page, 'stopped');

    await waitForConnection(s.panel, 'the stopped chat', (r) => r.url.includes('/trapped-sse/api/chat') && r.end === 'client abort');
    const rows = await waitForConnection(s.panel, 'the socket', (r) => r.kind === 'WebSocket' && r.end !== 'live').then(() => connectionRows(s.panel));
    expect(rows).toHaveLength(4);
    const chats = rows.filter((r) => r.url.includes('/trapped-sse/api/chat'));
    expect(chats.map((r) => r.kind)).toEqual(['fetch-SSE', 'fetch-SSE']);
    expect(chats.map((r) => r.protocol)).toEqual(['OpenAI Chat Completions', 'OpenAI Chat Completions']);
    expect(chats.map((r) => r.end)).toEqual(['clean', 'client abort']);
    expect(rows.find((r) => r.url.includes('/bench/ndjson'))).toMatchObject({ kind: 'fetch-NDJSON', events: expect.any(Number), end: 'clean' });
    expect(rows.find((r) => r.kind === 'WebSocket')).toMatchObject({ events: 25 });
    expect(rows.every((r) => /\d/.test(r.duration))).toBe(true);

    // The timeline: one lane per listed connection, each with event ticks.
    expect(await lanes(s.panel)).toHaveLength(4);
    expect((await lanes(s.panel)).every((t) => t > 0)).toBe(true);
    await saveScreenshot(s.panel, 'views-list-light');

    const filtered = async (text: string) => {
      await typeInto(s.panel, '#filter', text);
      await settle();
      return connectionRows(s.panel);
    };
    expect((await filtered('kind:ws')).map((r) => r.kind)).toEqual(['WebSocket']);
    expect(await lanes(s.panel)).toHaveLength(1);
    expect((await filtered('-kind:ws')).map((r) => r.kind).sort()).toEqual(['fetch-NDJSON', 'fetch-SSE', 'fetch-SSE']);
    expect((await filtered('protocol:openai')).every((r) => r.url.includes('/trapped-sse/api/chat'))).toBe(true);
    expect((await filtered('status:abort')).map((r) => r.end)).toEqual(['client abort']);
    expect(await filtered('status:error')).toHaveLength(0);
    expect(await s.panel.text()).toContain('No connections match');
    expect((await filtered('ndjson')).map((r) => r.kind)).toEqual(['fetch-NDJSON']);
    await pressKey(s.panel, '#filter', 'Escape');
    await settle();
    expect(await s.panel.evaluate(`document.getElementById('filter').value`)).toBe('');
    expect(await connectionRows(s.panel)).toHaveLength(4);

    // Sorting by a column: ascending, descending, then back to capture order.
    const order = () => connectionRows(s.panel).then((r) => r.map((x) => x.events));
    const captureOrder = await order();
    await clickButton(s.panel, 'Events', 'th button');
    await settle();
    expect(await s.panel.evaluate(`[...document.querySelectorAll('th')].find((th) => th.innerText.trim() === 'Events').getAttribute('aria-sort')`)).toBe('ascending');
    expect(await order()).toEqual([...captureOrder].sort((a, b) => a - b));
    await clickButton(s.panel, 'Events', 'th button');
    await settle();
    expect(await order()).toEqual([...captureOrder].sort((a, b) => b - a));
    await clickButton(s.panel, 'Events', 'th button');
    await settle();
    expect(await order()).toEqual(captureOrder);

    // Keyboard in the list: arrows move the selection.
    await selectConnection(s.panel, '/trapped-sse/api/chat');
    const selectedUrl = () => s.panel.evaluate<string>(`document.querySelector('table[aria-label="Streaming connections"] tr[aria-selected="true"] td').innerText`);
    const first = await selectedUrl();
    await pressKey(s.panel, 'table[aria-label="Streaming connections"]', 'ArrowDown');
    await settle();
    expect(await selectedUrl()).not.toBe(first);
    await pressKey(s.panel, 'table[aria-label="Streaming connections"]', 'ArrowUp');
    await settle();
    expect(await selectedUrl()).toBe(first);
  });

  it('shows a fetch stream as parsed messages or raw chunks, with a detail pane (raw, JSON tree, hex)', async () => {
    await selectConnection(s.panel, '/trapped-sse/api/chat');
    await s.panel.waitFor(`document.querySelector('${EVENTS_TABLE}') !== null`, 'the event table');
    const chunks = (await connectionRows(s.panel)).find((r) => r.url.includes('/trapped-sse/api/chat'))!.events;
    // Messages by default: one row per SSE message, whatever the chunking.
    const messages = await eventRows(s.panel);
    expect(messages.length).toBeGreaterThanOrEqual(40);
    expect(messages[0]![3]).toBe('message');
    expect(messages[0]![6]).toContain('"object":"chat.completion.chunk"');
    expect(messages.at(-1)![6]).toBe('[DONE]');
    await clickButton(s.panel, 'Chunks', '[role=tab], [role=radio]');
    await settle();
    expect(await eventCount(s.panel)).toBe(chunks);
    await clickButton(s.panel, 'Messages', '[role=tab], [role=radio]');
    await settle();
    expect(await eventCount(s.panel)).toBe(messages.length);

    await s.panel.evaluate(`(() => { document.querySelector('${EVENTS_TABLE}').closest('.viewport').scrollTop = 0; })()`);
    await settle();
    await s.panel.evaluate(`document.querySelector('${EVENTS_TABLE} tbody tr[data-index="1"]').click()`);
    await s.panel.waitFor(`document.querySelector('aside[aria-label="Event detail"]') !== null`, 'the detail pane');
    const keys = () => s.panel.evaluate<string[]>(`[...document.querySelectorAll('[role="tree"] [role="treeitem"] .json-key')].map((k) => k.innerText)`);
    expect(await keys()).toEqual(expect.arrayContaining(['id', 'object', 'choices', 'delta', 'content']));
    // Collapse the root, then open it again.
    await s.panel.evaluate(`document.querySelector('[role="treeitem"][data-path="$"]').click()`);
    await settle();
    expect(await s.panel.evaluate(`document.querySelectorAll('[role="treeitem"]').length`)).toBe(1);
    expect(await s.panel.evaluate(`document.querySelector('[role="treeitem"]').getAttribute('aria-expanded')`)).toBe('false');
    await s.panel.evaluate(`document.querySelector('[role="treeitem"][data-path="$"]').click()`);
    await settle();
    expect(await keys()).toContain('choices');
    expect(await s.panel.evaluate(`document.querySelector('svg[aria-label="Connection timeline"] .cursor') !== null`)).toBe(true);
    await saveScreenshot(s.panel, 'views-json-light');

    await clickButton(s.panel, 'Raw', '[role=tab], [role=radio]');
    await settle();
    expect(await s.panel.evaluate(`document.querySelector('pre[aria-label="Raw"]').innerText`)).toContain('"object":"chat.completion.chunk"');
    await clickButton(s.panel, 'Hex', '[role=tab], [role=radio]');
    await settle();
    const hex = await s.panel.evaluate<string>(`document.querySelector('pre[aria-label="Hex"]').innerText`);
    expect(hex.split('\n')[0]).toMatch(/^00000000 {2}7b 22 69 64 22 3a /);
    expect(hex).toContain('|{"id":');
    await saveScreenshot(s.panel, 'views-hex-light');

    // Keyboard: arrows move the selection, Esc closes the detail, Enter opens it again.
    await pressKey(s.panel, EVENTS_TABLE, 'ArrowDown');
    await settle();
    expect(await selectedEventIndex(s.panel)).toBe(2);
    await pressKey(s.panel, EVENTS_TABLE, 'Escape');
    await settle();
    expect(await s.panel.evaluate(`document.querySelector('aside[aria-label="Event detail"]') === null`)).toBe(true);
    await pressKey(s.panel, EVENTS_TABLE, 'Enter');
    await settle();
    expect(await s.panel.evaluate(`document.querySelector('.event-meta').innerText`)).toMatch(/^#2 /);
    await pressKey(s.panel, EVENTS_TABLE, 'Escape');
  });

  it('searches within events with highlights and next/previous', async () => {
    await pressKey(s.panel, 'body', 'f', { ctrlKey: true });
    await s.panel.waitFor(`document.activeElement?.id === 'event-search'`, 'Ctrl+F to focus the event search');
    await typeInto(s.panel, '#event-search', 'DONE');
    await settle();
    expect(await s.panel.evaluate(`document.querySelector('.search .hits').innerText`)).toBe('1 matches');
    await pressKey(s.panel, '#event-search', 'Enter');
    await settle();
    expect(await s.panel.evaluate(`document.querySelector('.search .hits').innerText`)).toBe('1 of 1');
    const idx = await selectedEventIndex(s.panel);
    expect(await s.panel.evaluate(`document.querySelector('${EVENTS_TABLE} tr[data-index="${idx}"] mark')?.innerText`)).toBe('DONE');

    await typeInto(s.panel, '#event-search', 'chat.completion.chunk');
    await settle();
    await clickButton(s.panel, 'Next match');
    await clickButton(s.panel, 'Next match');
    await settle();
    expect(await s.panel.evaluate(`document.querySelector('.search .hits').innerText`)).toMatch(/^2 of \d+$/);
    const second = await selectedEventIndex(s.panel);
    await clickButton(s.panel, 'Previous match');
    await settle();
    expect(await selectedEventIndex(s.panel)).toBeLessThan(second!);
    expect(await s.panel.evaluate(`document.querySelectorAll('${EVENTS_TABLE} mark').length`)).toBeGreaterThan(3);
    await saveScreenshot(s.panel, 'views-search-light');
    await pressKey(s.panel, '#event-search', 'Escape');
    await settle();
    expect(await s.panel.evaluate(`document.getElementById('event-search').value`)).toBe('');

    // '/' jumps to the connection filter.
    await pressKey(s.panel, EVENTS_TABLE, '/');
    await s.panel.waitFor(`document.activeElement?.id === 'filter'`, '/ to focus the filter');
  });

  it('reassembles the answer, exactly as the page shows it, with spans that lead to their event', async () => {
    await clickButton(s.panel, 'Output', '[role=tab], [role=radio]');
    await s.panel.waitFor(`document.querySelector('.output .message .text') !== null`, 'the output view');
    const pageText = await s.page.locator('.message.assistant').first().innerText();
    expect(await s.panel.evaluate(`document.querySelector('.output .message .text').innerText`)).toBe(pageText);
    await saveScreenshot(s.panel, 'views-output-light');
    const span = await s.panel.evaluate<{ text: string; frame: number }>(`(() => { const sp = document.querySelectorAll('.output .span')[5]; sp.click(); return { text: sp.innerText, frame: Number(sp.dataset.frame) }; })()`);
    await s.panel.waitFor(`document.querySelector('${EVENTS_TABLE} tr[aria-selected="true"]') !== null`, 'the span to select its event');
    expect(await selectedEventIndex(s.panel)).toBe(span.frame);
    expect(await s.panel.evaluate(`document.querySelector('${EVENTS_TABLE} tr[aria-selected="true"] .data').innerText`)).toContain(JSON.stringify(span.text).slice(1, -1));
  });

  it('gives the request as cURL, on screen and on the clipboard', async () => {
    await clickButton(s.panel, 'Request', '[role=tab], [role=radio]');
    const curl = await s.panel.evaluate<string>(`document.querySelector('pre[aria-label="cURL command"]').innerText`);
    expect(curl).toMatch(new RegExp(`^curl '${s.demo.url}/trapped-sse/api/chat'`));
    expect(curl).toContain(`-H 'content-type: application/json'`);
    expect(curl).toContain('--data-raw');
    expect(curl).toContain('hello there');
    await s.panel.evaluate(`(() => { window.__copied = []; navigator.clipboard.writeText = async (t) => { window.__copied.push(t); }; return true; })()`);
    await clickButton(s.panel, 'Copy as cURL');
    await s.panel.waitFor(`document.querySelector('.toast')?.innerText === 'Copied cURL command'`, 'the copy confirmation');
    expect(await s.panel.evaluate<string[]>('window.__copied')).toEqual([curl]);
    // The same from the row's context menu.
    await s.panel.evaluate(`(() => {
      const tr = document.querySelector('table[aria-label="Streaming connections"] tr[aria-selected="true"]');
      tr.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: 40, clientY: 90 }));
      return true;
    })()`);
    await s.panel.waitFor(`document.querySelector('[role="menu"]') !== null`, 'the context menu');
    expect(await s.panel.evaluate<string[]>(`[...document.querySelectorAll('[role="menuitem"]')].map((b) => b.innerText)`)).toEqual(['Copy as cURL', 'Copy as cURL (cmd)', 'Copy as PowerShell', 'Copy as fetch', 'Copy as cURL (with secrets)', 'Copy as cURL (cmd) (with secrets)', 'Copy as PowerShell (with secrets)', 'Copy as fetch (with secrets)', 'Copy URL', 'Copy received data']);
    await clickButton(s.panel, 'Copy as cURL', '[role="menuitem"]');
    await s.panel.waitFor(`window.__copied.length === 2`, 'the menu to copy');
    expect(await s.panel.evaluate<string[]>('window.__copied')).toEqual([curl, curl]);
    expect(await s.panel.evaluate(`document.querySelector('[role="menu"]') === null`)).toBe(true);
    await saveScreenshot(s.panel, 'views-request-light');
  });

  it('shows each agent of a multi-agent run with its own reassembled answer', async () => {
    await s.page.goto(`${s.demo.url}/multi-agent-direct/`);
    await sendPrompt(s.page, 'plan a trip');
    await waitForPageState(s.page, 'done');
    for (const agent of ['orchestrator', 'researcher', 'writer']) {
      await waitForConnection(s.panel, `the ${agent} stream`, (r) => r.url.includes(`/agents/${agent}/stream`) && r.end !== 'live');
      await selectConnection(s.panel, `/agents/${agent}/stream`);
      await clickButton(s.panel, 'Output', '[role=tab]');
      await s.panel.waitFor(`document.querySelector('.output .message .text') !== null`, `the ${agent} output`);
      const inPage = await s.page.locator(`section[data-agent="${agent}"] .message.assistant`).innerText();
      expect(await s.panel.evaluate(`document.querySelector('.output .message').dataset.agent`)).toBe(agent);
      expect(await s.panel.evaluate(`document.querySelector('.output .message .text').innerText`)).toBe(inPage);
    }
    await saveScreenshot(s.panel, 'views-agents-light');
  });

  it('renders in dark theme as a standalone page', async () => {
    const tabId = await s.panel.evaluate<number>('chrome.devtools.inspectedWindow.tabId');
    const page = await s.browser.context.newPage();
    await page.setViewportSize({ width: 1200, height: 760 });
    await page.goto(`chrome-extension://${s.browser.extensionId}/panel/index.html?tabId=${tabId}&theme=dark`);
    const dark = pageAsPanel(page);
    await dark.waitFor(`document.querySelector('table[aria-label="Streaming connections"] tbody tr') !== null`, 'the connections');
    expect(await dark.evaluate(`document.documentElement.dataset.theme`)).toBe('dark');
    await selectConnection(dark, '/agents/writer/stream');
    await dark.waitFor(`document.querySelector('${EVENTS_TABLE} tbody tr[data-index="3"]') !== null`, 'the events');
    await dark.evaluate(`document.querySelector('${EVENTS_TABLE} tbody tr[data-index="3"]').click()`);
    await settle();
    await saveScreenshot(dark, 'views-events-dark');
    await clickButton(dark, 'Output', '[role=tab]');
    await settle();
    await saveScreenshot(dark, 'views-output-dark');
    await page.close();
  });

  it('reads an answer that rides in an app field from what the page shows, and lets the user pick another field', async () => {
    // An app's own SSE shape no recognizer reads: the answer in `update.words`, a step note beside it.
    const words = ['The ', 'answer ', 'rides ', 'in ', 'an ', 'app ', 'field ', 'today'];
    const body = words.map((w, i) => `data: ${JSON.stringify({ kind: 'progress', update: { words: w }, note: `step ${i + 1}` })}\n\n`).join('');
    await s.page.route('**/app-field/stream', (route) => route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream' }, body }));
    // The page renders the field as it arrives, as the app would.
    await s.page.evaluate(async () => {
      const out = document.body.appendChild(document.createElement('p'));
      const res = await fetch('/app-field/stream', { method: 'POST', body: '{}' });
      for (const line of (await res.text()).split('\n')) if (line.startsWith('data: ')) out.textContent += (JSON.parse(line.slice(6)) as { update: { words: string } }).update.words;
    });
    await s.page.unroute('**/app-field/stream');
    await waitForConnection(s.panel, 'the app-field stream', (r) => r.url.includes('/app-field/stream') && r.end !== 'live');
    await selectConnection(s.panel, '/app-field/stream');
    await clickButton(s.panel, 'Output', '[role=tab]');
    const field = () => s.panel.evaluate<string>(`document.querySelector('.output .answer-field')?.innerText ?? ''`);
    const answer = () => s.panel.evaluate<string>(`document.querySelector('.output .message .text')?.innerText ?? ''`);
    await s.panel.waitFor(`(document.querySelector('.output .answer-field')?.innerText ?? '').includes('answer text at')`, 'the page match to name the field');
    expect(await field()).toBe('answer text at update.words of “progress” messages — matched to the page');
    expect(await answer()).toBe(words.join(''));
    await saveScreenshot(s.panel, 'views-answer-field-light');

    const options = await s.panel.evaluate<string[]>(`[...document.querySelectorAll('select[aria-label="Answer field"] option')].map((o) => o.innerText)`);
    expect(options[0]).toBe('Automatic');
    expect(options.slice(1)).toEqual([expect.stringMatching(/^update\.words of “progress” messages · 8 values · “The answer/), expect.stringMatching(/^note of “progress” messages · 8 values · “step 1step 2/)]);
    const pick = (index: number) => s.panel.evaluate(`(() => { const sel = document.querySelector('select[aria-label="Answer field"]'); sel.selectedIndex = ${index}; sel.dispatchEvent(new Event('change', { bubbles: true })); return true; })()`);
    await pick(2);
    await s.panel.waitFor(`document.querySelector('.output .message .text')?.innerText === 'step 1step 2step 3step 4step 5step 6step 7step 8'`, 'the picked field as the answer');
    expect(await field()).toBe('answer text at note of “progress” messages — picked');
    await pick(0);
    await s.panel.waitFor(`document.querySelector('.output .message .text')?.innerText === ${JSON.stringify(words.join(''))}`, 'the automatic reading again');
  });

  it('keeps at most ~100 DOM rows for a 100,000-event connection, wherever it is scrolled', async () => {
    await s.page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/bench/ws?n=100000&size=24`);
          ws.onclose = () => resolve();
        }),
    );
    await waitForConnection(s.panel, 'the 100k socket', (r) => r.kind === 'WebSocket' && r.events === 100_000, 60_000);
    await selectConnection(s.panel, '/bench/ws');
    await clickButton(s.panel, 'Events', '[role=tab], [role=radio]');
    await s.panel.waitFor(`document.querySelector('${EVENTS_TABLE}')?.dataset.rows === '100000'`, 'all 100,000 rows counted');
    const domRows = () => s.panel.evaluate<number>(`document.querySelectorAll('${EVENTS_TABLE} tbody tr').length`);
    const indices = () => s.panel.evaluate<number[]>(`[...document.querySelectorAll('${EVENTS_TABLE} tbody tr')].map((tr) => Number(tr.dataset.index))`);
    const scrollTo = (fraction: number) => s.panel.evaluate(`(() => { const vp = document.querySelector('${EVENTS_TABLE}').closest('.viewport'); vp.scrollTop = (vp.scrollHeight - vp.clientHeight) * ${fraction}; return true; })()`);
    for (const f of [0, 0.25, 0.5, 0.999, 1]) {
      await scrollTo(f);
      await settle(200);
      expect(await domRows()).toBeLessThan(100);
      expect(await domRows()).toBeGreaterThan(0);
    }
    expect((await indices()).at(-1)).toBe(99_999);
    await scrollTo(0.5);
    await settle(200);
    const mid = await indices();
    expect(mid[0], JSON.stringify(mid)).toBeGreaterThan(49_000);
    expect(mid.at(-1), JSON.stringify(mid)).toBeLessThan(51_000);
    await pressKey(s.panel, EVENTS_TABLE, 'End');
    await settle(200);
    expect(await selectedEventIndex(s.panel)).toBe(99_999);
    // The timeline draws one tick per pixel column at most, not one per event.
    const ticks = await lanes(s.panel);
    expect(Math.max(...ticks)).toBeLessThan(2000);
    await saveScreenshot(s.panel, 'views-100k-light');
  });
});
