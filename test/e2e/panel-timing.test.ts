/**
 * Stream timing and search across streams in the real DevTools panel, against a local server
 * that paces an OpenAI-style answer on a known schedule (first token at 400 ms, then one every
 * 50 ms, one 2 s pause) and records when it wrote each token, and a page that stamps when its
 * own reader got each token (no code of ours): the panel's figures are checked against both
 * clocks. Then the connection list's column chooser (remembered in
 * the standalone panel page) and the search drawer (Ctrl+Shift+F, grouped hits, Enter jumps).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from '../../src/cli/chromium';
import { openPanel, type PanelHandle } from '../../src/cli/devtools-panel';
import { openControl, tabIdOf } from '../../src/cli/control';
import { clickButton, clickLabelled, connectionRows, pageAsPanel, pressKey, typeInto, waitForConnection } from '../harness/panel';
import { saveScreenshot } from '../harness/session';
import { startPacedChat, type PacedChat, type Written } from './timing/paced-chat';

const TOKENS = 'Durable sessions keep the answer alive when the network drops and a zephyr of packets comes back later with every token in order so nothing is lost or repeated twice over'
  .split(' ')
  .map((w, i) => (i === 0 ? w : ` ${w}`));
const SCHEDULE = { firstTokenMs: 400, stepMs: 50, stallAfter: 12, stallMs: 2000, tokens: TOKENS };

let server: PacedChat;
let browser: LaunchedBrowser;
let page: Page;
let panel: PanelHandle;
let written: Written;
/** The page's own stamps: ms from its fetch call to each token its reader got. */
let arrived: { t: number; text: string }[];

const CONNECTIONS = 'table[aria-label="Streaming connections"]';
const value = (name: string) => panel.evaluate<string>(`document.querySelector('[data-figure="${name}"]')?.dataset.value ?? ''`).then(Number);

/** Clicks the row of the connection whose full URL is `url` (the list shows it shortened). */
function selectByUrl(p: PanelHandle, url: string): Promise<unknown> {
  return p.evaluate(`(() => {
    const row = [...document.querySelectorAll('${CONNECTIONS} tbody tr')].find((tr) => tr.querySelector('td.url')?.title === ${JSON.stringify(url)});
    if (!row) throw new Error('no row for ${url}');
    row.click();
    return true;
  })()`);
}

beforeAll(async () => {
  server = await startPacedChat(SCHEDULE);
  browser = await launchBrowser({ devtools: true });
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${server.url}/`);
  panel = await openPanel(browser.cdp, browser.extensionId!, `${server.url}/`);
  await page.evaluate('start()');
  expect(await page.evaluate('document.body.dataset.state')).toBe('done');
  written = await server.written();
  arrived = (await page.evaluate<{ tokens: { t: number; text: string }[] }>('window.arrivals')).tokens;
  expect(arrived.map((a) => a.text)).toEqual(TOKENS);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('stream timing in the real panel', () => {
  it("shows time to first byte and first token, gaps and the stall, as the server's clock measured them", async () => {
    const paced = `${server.url}/v1/chat/completions`;
    await waitForConnection(panel, 'the paced answer, ended', (r) => r.url.includes('/v1/chat/completions') && !r.url.includes('fast') && r.end === 'clean');
    await selectByUrl(panel, paced);
    await clickButton(panel, 'Timing', '[role=tab]');
    await panel.waitFor(`document.querySelector('[data-figure="ttft"]')?.dataset.value !== '' && document.querySelector('[data-figure="ttft"]') !== null`, 'the timing figures');

    // The server's clock: the first token written at or after 400 ms, one pause of ≥ 2 s.
    const serverFirst = written.tokenAt[0]!;
    const serverGaps = written.tokenAt.slice(1).map((t, i) => t - written.tokenAt[i]!);
    const serverStall = serverGaps[SCHEDULE.stallAfter - 1]!;
    expect(serverFirst).toBeGreaterThanOrEqual(400);
    expect(serverStall).toBeGreaterThanOrEqual(2000);
    // How late each token reached the page's main thread, measured: its arrival minus its write,
    // less the smallest such difference (the one-way delivery and the clocks' offset).
    const lag = arrived.map((a, i) => a.t - written.tokenAt[i]!);
    const base = Math.min(...lag);
    const late = lag.map((l) => l - base);

    const ttfb = await value('ttfb');
    const ttft = await value('ttft');
    // No token can be seen before it is written, and the request starts before the server sees it.
    expect(ttft).toBeGreaterThanOrEqual(400);
    expect(ttft).toBeGreaterThanOrEqual(serverFirst - 1);
    // Within the page's own measurement of the same moment (both stamp on its main thread).
    expect(Math.abs(ttft - arrived[0]!.t)).toBeLessThanOrEqual(15);
    // On a quiet machine that is the server's moment plus delivery; under load, plus its lateness.
    expect(ttft).toBeLessThanOrEqual(serverFirst + 150 + late[0]!);
    // The role chunk came at once: the first byte is not the first token.
    expect(ttfb).toBeLessThanOrEqual(written.roleAt + 150 + late[0]!);
    expect(ttfb).toBeLessThan(ttft - 300);

    const sorted = [...serverGaps].sort((a, b) => a - b);
    const serverP50 = sorted[Math.ceil(sorted.length / 2) - 1]!;
    const pageGaps = arrived.slice(1).map((a, i) => a.t - arrived[i]!.t).sort((a, b) => a - b);
    const pageP50 = pageGaps[Math.ceil(pageGaps.length / 2) - 1]!;
    expect(Math.abs((await value('gaps')) - pageP50)).toBeLessThanOrEqual(10);
    expect(Math.abs(pageP50 - serverP50)).toBeLessThanOrEqual(15);

    const stalls = await panel.evaluate<number[]>(`[...document.querySelectorAll('ol[aria-label="Stalls"] li')].map((li) => Number(li.dataset.duration))`);
    expect(stalls).toHaveLength(1);
    const k = SCHEDULE.stallAfter;
    const pageStall = arrived[k]!.t - arrived[k - 1]!.t;
    expect(Math.abs(stalls[0]! - pageStall)).toBeLessThanOrEqual(15);
    // The server's pause as the page saw it: shorter by how late the token before it arrived,
    // longer by how late the one after it did (≥ 2 s whenever the token before it was on time).
    expect(stalls[0]!).toBeGreaterThanOrEqual(serverStall - late[k - 1]! - 15);
    expect(stalls[0]!).toBeLessThanOrEqual(serverStall + late[k]! + 150);
    expect(await panel.evaluate<number>(`document.querySelectorAll('[aria-label="Inter-token gap histogram"] .bucket').length`)).toBeGreaterThanOrEqual(2);
    expect(await panel.text()).toMatch(/Output tokens\s*~\d+ \(estimate: \d+ characters ÷ 4\)/);

    // The stall on the timeline, on the paced connection's lane only.
    const lanes = await panel.evaluate<{ stalls: number; marks: number }[]>(`[...document.querySelectorAll('svg[aria-label="Connection timeline"] g.lane')].map((g) => ({ stalls: Number(g.dataset.stalls), marks: g.querySelectorAll('g.stall').length }))`);
    expect(lanes.map((l) => l.stalls).sort()).toEqual([0, 1]);
    expect(lanes.find((l) => l.stalls === 1)!.marks).toBe(1);
    // What was measured, for reviewers (artifacts/ is never compared).
    const dir = resolve(import.meta.dirname, '../../artifacts/timing');
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, 'panel-timing.json'), JSON.stringify({ server: { roleAt: written.roleAt, firstToken: serverFirst, p50: serverP50, stall: serverStall }, page: { firstToken: arrived[0]!.t, p50: pageP50, stall: pageStall, maxLateness: Math.max(...late), latenessAroundStall: [late[k - 1], late[k]] }, panel: { ttfb, ttft, p50: await value('gaps'), stalls, total: await value('total'), tps: await value('tps') } }, null, 1));
    await saveScreenshot(panel, 'timing-light');
  });

  it('adds timing columns from the header’s context menu, and remembers them', async () => {
    await panel.evaluate(`(() => {
      const th = document.querySelector('${CONNECTIONS} thead th');
      th.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: 50, clientY: 50 }));
      return true;
    })()`);
    await panel.waitFor(`document.querySelector('[role=menu] [role=menuitemcheckbox]') !== null`, 'the column menu');
    const items = await panel.evaluate<[string, string][]>(`[...document.querySelectorAll('[role=menu] [role=menuitemcheckbox]')].map((b) => [b.innerText.trim(), b.getAttribute('aria-checked')])`);
    expect(items.find(([l]) => l === 'Events')?.[1]).toBe('true');
    expect(items.find(([l]) => l.startsWith('First token'))?.[1]).toBe('false');
    await panel.evaluate(`[...document.querySelectorAll('[role=menu] [role=menuitemcheckbox]')].find((b) => b.innerText.trim().startsWith('First token')).click(), true`);
    await panel.waitFor(`[...document.querySelectorAll('${CONNECTIONS} thead th')].some((th) => th.innerText.trim() === 'First token')`, 'the First token column');
    const cells = await panel.evaluate<Record<string, string>>(`(() => {
      const heads = [...document.querySelectorAll('${CONNECTIONS} thead th')].map((th) => th.innerText.trim());
      const at = heads.indexOf('First token');
      return Object.fromEntries([...document.querySelectorAll('${CONNECTIONS} tbody tr')].map((tr) => [tr.querySelector('td.url').title, tr.cells[at].innerText.trim()]));
    })()`);
    expect(cells[`${server.url}/v1/chat/completions`]).toBe(`${Math.round(await value('ttft'))} ms`);
    expect((await connectionRows(panel)).length).toBe(2);

    // The standalone panel page (same extension storage) opens with the column shown.
    const control = await openControl(browser.context, browser.extensionId!);
    const tabId = await tabIdOf(control, `${server.url}/`);
    await control.close();
    const ext = await browser.context.newPage();
    await ext.goto(`chrome-extension://${browser.extensionId}/panel/index.html?tabId=${tabId}`);
    const standalone = pageAsPanel(ext);
    await standalone.waitFor(`[...document.querySelectorAll('${CONNECTIONS} thead th')].some((th) => th.innerText.trim() === 'First token')`, 'the remembered column');
    await ext.close();
  });
});

describe('search across streams in the real panel', () => {
  const status = () => panel.evaluate<string>(`document.getElementById('stream-search-status')?.innerText ?? ''`);

  it('opens on Ctrl+Shift+F, groups hits by connection with the match highlighted, and Enter shows the event', async () => {
    await pressKey(panel, null, 'F', { ctrlKey: true, shiftKey: true });
    await panel.waitFor(`document.getElementById('stream-search') !== null`, 'the search drawer');
    await typeInto(panel, '#stream-search', 'durable');
    await panel.waitFor(`document.querySelectorAll('.search-results .hit-group').length === 2`, 'hits in both connections');
    const marks = await panel.evaluate<string[]>(`[...document.querySelectorAll('.search-results mark')].map((m) => m.textContent)`);
    expect(marks.length).toBeGreaterThanOrEqual(2);
    expect(marks.every((m) => m.toLowerCase() === 'durable')).toBe(true);
    expect(await status()).toMatch(/^\d+ matches in 2 connections$/);

    await typeInto(panel, '#stream-search', 'zephyr');
    await panel.waitFor(`document.querySelectorAll('.search-results .hit-group').length === 1 && document.querySelectorAll('.search-results .hit').length === 1`, 'one hit');
    await pressKey(panel, '#stream-search', 'Enter');
    await panel.waitFor(`document.querySelector('table[aria-label="Connection events"] tbody tr[aria-selected="true"]')?.innerText.includes('zephyr')`, 'the event carrying "zephyr" selected in the Events view');
    expect(await panel.evaluate<string>(`document.querySelector('[role=tab][aria-selected="true"]#tab-events') ? 'events' : ''`)).toBe('events');
    expect(await panel.evaluate<string>(`document.querySelector('${CONNECTIONS} tr[aria-selected="true"] td.url').title`)).toBe(`${server.url}/v1/chat/completions`);
    await saveScreenshot(panel, 'search-light');
  });

  it('finds a phrase split over tokens in the answer, and says when a regex is invalid', async () => {
    await typeInto(panel, '#stream-search', 'a zephyr of packets');
    await panel.waitFor(`document.querySelector('.search-results .hit[data-source="answer"]') !== null`, 'a hit in the reassembled answer');
    await clickLabelled(panel, 'Regex');
    await typeInto(panel, '#stream-search', '(zephyr');
    await panel.waitFor(`document.getElementById('stream-search').getAttribute('aria-invalid') === 'true'`, 'the invalid pattern flagged');
    expect(await status()).toMatch(/^Not a valid regular expression: /);
    expect(await panel.evaluate<number>(`document.querySelectorAll('.search-results .hit').length`)).toBe(0);
    await typeInto(panel, '#stream-search', 'zeph(yr)');
    await panel.waitFor(`document.querySelectorAll('.search-results .hit').length >= 1`, 'the fixed pattern matching');
  });
});
