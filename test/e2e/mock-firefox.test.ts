/**
 * A mock served in real Firefox (firefox-esr, the built dist/firefox): armed with the panel's
 * `replay` request, it answers the trapped-sse app's chat request with the mock's text and
 * then drops, which the app sees as Firefox's own network failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { startDemoServer, type DemoServer } from '../../demo/server';
import { panelSide } from '../../src/protocol/panel';
import { compileMock, insertStep, templateMock } from '../../src/core/mock';
import { assertFirefoxReady, launchFirefox, waitForRow, waitInPanel, type FirefoxSession, type PanelView } from '../harness/firefox';

assertFirefoxReady();

let demo: DemoServer;
let ff: FirefoxSession;
let page: Page;
let panel: Page & PanelView;
let tabId: number;

beforeAll(async () => {
  demo = await startDemoServer({ port: 0, tokensPerSecond: 80, tokens: 40 });
  ff = await launchFirefox();
  page = await ff.browser.newPage();
  await page.goto(`${demo.url}/?mock=${Math.random().toString(36).slice(2)}`);
  tabId = await ff.tabIdOf(page);
  panel = await ff.openStandalonePanel(tabId);
  await waitInPanel(panel, `document.body.innerText.includes('Recording')`, 'the recording state');
});
afterAll(async () => {
  await ff?.close();
  await demo?.close();
});

describe('a mock in Firefox', () => {
  it('answers the chat request with the mock’s events, then drops with Firefox’s error', async () => {
    const answer = 'Served by a mock inside Firefox, then cut.';
    const t = templateMock('openai-chat', answer, { url: `${demo.url}/trapped-sse/api/chat`, paceMs: 5 });
    if (!t.ok) throw new Error(t.error);
    // The role chunk and the first four words, then the connection fails.
    const mock = insertStep(t.value, 5, { kind: 'drop', delayMs: 0 });
    await page.goto(`${demo.url}/trapped-sse/`);
    await ff.sendToBackground(panelSide.out.make('replay', { tabId, recording: compileMock(mock), scale: 1 }));
    await page.type('textarea[aria-label="Prompt"]', 'anything at all');
    await page.click('#send');
    await page.waitForFunction(() => ['done', 'stopped', 'error'].includes(document.body.dataset.state ?? ''), { timeout: 30_000 });
    const r = await page.evaluate(() => ({
      state: document.querySelector('#status')?.textContent ?? '',
      text: [...document.querySelectorAll('.message.assistant')].at(-1)?.textContent ?? '',
    }));
    expect(r).toEqual({ state: 'error: Error in input stream', text: 'Served by a mock' });
    const row = await waitForRow(panel, 'the mocked chat stream', (x) => x.url === 'POST /trapped-sse/api/chat' && x.status !== '200 streaming');
    expect(row.status).toContain('TypeError: Error in input stream');
  });
});
