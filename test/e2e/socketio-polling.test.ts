/**
 * Socket.IO over Engine.IO long-polling in real Chromium with the built extension: the zoo's
 * chat on the real socket.io server, its page running the real socket.io-client with
 * `transports: ['polling']`, so every packet rides in a short XHR GET or POST. The panel must
 * list the session as one row ("Engine.IO polling · N requests"), recognized as Socket.IO,
 * with the whole answer in Output and its requests reachable; the background's analysis (what
 * verdicts and flags read) must see the same one stream.
 *
 * The oracle is the page itself (the answer the real client rendered) and the fake model's
 * tokens on the server, not our code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from '../../src/cli/chromium';
import type { Control } from '../../src/cli/control';
import { poll, type PanelHandle } from '../../src/cli/devtools-panel';
import { analyzeWithView, answerText, engineIoPoll } from '../../src/core/analysis';
import { clickButton, connectionRows, watchTabInPanel, type ConnectionRow } from '../harness/panel';
import { startSocketioApp } from '../zoo/socketio/server';
import type { ZooApp } from '../zoo/types';

const PROMPT = 'Why would a chat fall back to polling?';

let app: ZooApp;
let browser: LaunchedBrowser;
let page: Page;
let panel: PanelHandle;
let control: Control;
/** What the page showed when the answer finished: the user's truth. */
let shown = '';

beforeAll(async () => {
  app = await startSocketioApp('socket.io polling only (connection-state recovery, rooms, cancel event)', { recovery: true, rooms: true, stop: 'cancel', composer: 'textarea', polling: 'xhr' });
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const marker = `${app.origin}${app.path}?tab=${Math.random().toString(36).slice(2)}`;
  await page.goto(marker);
  ({ control, panel } = await watchTabInPanel(browser, marker));
  // As a user does with the panel open: reload, so the session the page opens at load is recorded from its handshake.
  await page.bringToFront();
  await page.reload();
  await page.fill(app.ui.input, PROMPT);
  await page.click(app.ui.send);
  await page.waitForFunction((sel) => document.querySelector(sel)?.closest('[data-status]')?.getAttribute('data-status') === 'done', app.ui.answer, { timeout: 30_000 });
  shown = (await page.textContent(app.ui.answer)) ?? '';
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const isSessionRow = (r: ConnectionRow) => /^Engine\.IO polling · \d+ requests$/.test(r.kind);

describe('Socket.IO over Engine.IO polling (real Chromium, real socket.io-client)', () => {
  it('the page streamed the whole answer over polling requests only', () => {
    expect(shown).toBe(app.answer(PROMPT));
    expect(app.counters().finished).toBe(1);
  });

  it('the panel shows the session as one Socket.IO row with the whole answer, its requests reachable', async () => {
    const row = await poll(async () => {
      const rows = await connectionRows(panel);
      return rows.find((r) => isSessionRow(r) && r.protocol === 'Socket.IO' && r.url.endsWith('/socket.io/')) ?? null;
    }, 'the Engine.IO polling row', 20_000).catch(async () => {
      throw new Error(`no Engine.IO polling row; the panel shows ${JSON.stringify(await connectionRows(panel))}`);
    });
    const requests = Number(/(\d+) requests/.exec(row.kind)![1]);
    // The handshake, the connect, the question and at least a poll per few tokens.
    expect(requests).toBeGreaterThanOrEqual(5);
    // No polling request of the session is a row of its own.
    expect((await connectionRows(panel)).filter((r) => r.url.includes('transport=polling'))).toEqual([]);

    await panel.evaluate(`(() => {
      const tr = [...document.querySelectorAll('table[aria-label="Streaming connections"] tbody tr')].find((tr) => tr.cells[0].getAttribute('title') === ${JSON.stringify(`${app.origin}/socket.io/`)} && /Engine\\.IO polling/.test(tr.innerText));
      if (!tr) throw new Error('no Engine.IO polling row to click');
      tr.click();
    })()`);
    await poll(async () => ((await panel.evaluate<boolean>(`!!document.querySelector('[role=tab]')`)) ? true : null), 'the detail tabs', 5000);
    await clickButton(panel, 'Output', '[role=tab]');
    const output = () => panel.evaluate<string>(`[...document.querySelectorAll('.output .message .text')].map((t) => t.textContent).join('')`);
    // The answer is the assistant's; the other messages (the user's echo) are not part of it.
    const text = await poll(async () => {
      const t = await output();
      return t.includes(shown) ? t : null;
    }, 'the whole answer in Output', 10_000).catch(async () => {
      throw new Error(`Output shows ${JSON.stringify(await output())}, the page showed ${JSON.stringify(shown)}`);
    });
    expect(text).toContain(shown);
    const heading = await panel.evaluate<string>(`document.querySelector('.output .subbar span')?.textContent ?? ''`);
    expect(heading.startsWith('Socket.IO')).toBe(true);

    const listed = await panel.evaluate<string[]>(`[...document.querySelectorAll('.joined-requests li button')].map((b) => b.getAttribute('title'))`);
    // One entry per request (a heartbeat poll may have joined since the row was read).
    expect(listed.length).toBeGreaterThanOrEqual(requests);
    expect(listed.every((u) => engineIoPoll(u) !== null)).toBe(true);
    const one = listed.findIndex((u) => engineIoPoll(u)?.sid !== null);
    await panel.evaluate(`document.querySelectorAll('.joined-requests li button')[${one}].click()`);
    await poll(async () => ((await panel.evaluate<string>(`document.querySelector('.conn-title')?.getAttribute('title') ?? ''`)) === listed[one] ? true : null), 'one request of the session in the detail', 5000);
  });

  it('the background analyses the session as one stream, as the verdicts read it', async () => {
    const snap = await control.snapshot();
    const streams = analyzeWithView(snap.connections, snap.view ?? []).filter((a) => a.parts && engineIoPoll(a.parts[0]!.conn.summary.url) !== null && a.isAiStream);
    expect(streams).toHaveLength(1);
    expect(streams[0]!.recognition.protocol).toBe('socketio');
    expect(answerText(streams[0]!)).toContain(shown);
  });
});
