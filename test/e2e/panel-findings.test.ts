/**
 * Tests & findings and the faults toolbar in the real DevTools panel: passive flags of a
 * trapped app, a drop armed from the toolbar, and reconnect-resume run from the panel with its
 * PASS and FAIL cards and the toolbar's summary badge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot, sendPrompt, startSession, waitForPageState, type E2ESession } from '../harness/session';
import { chooseOption, clickButton, themedScreenshots, typeInto, waitForConnection } from '../harness/panel';

let s: E2ESession;
const shot = (name: string) => saveScreenshot(s.panel, name);

beforeAll(async () => {
  // Long enough generations (about 3 s) for a test to drop them mid-answer.
  s = await startSession({ tokens: 120, tokensPerSecond: 40 });
});
afterAll(async () => {
  await s?.close();
});

const badge = () => s.panel.evaluate<string>(`document.querySelector('.trap-badge')?.innerText.trim() ?? ''`);
const verdictCard = (test: string) => `document.querySelector('article[data-test="${test}"]')?.dataset.verdict ?? null`;

describe('tests & findings in the real panel', () => {
  it('lists the passive flags of a trapped SSE app, with evidence that selects the stream', async () => {
    expect(await badge()).toBe('Single-Connection Trap: unknown');
    await s.page.goto(`${s.demo.url}/trapped-sse/`);
    await sendPrompt(s.page, 'flag me');
    await waitForPageState(s.page, 'done');
    await clickButton(s.panel, 'Tests & findings', '[role=tab]');
    await s.panel.waitFor(`document.querySelector('article[data-flag="sse-without-ids"]') !== null`, 'the sse-without-ids flag');
    const flags = await s.panel.evaluate<string[]>(`[...document.querySelectorAll('article[data-flag]')].map((a) => a.dataset.flag)`);
    expect(flags).toEqual(expect.arrayContaining(['request-bound-stream', 'sse-without-ids']));
    expect(await badge()).toBe('Single-Connection Trap: yes');
    await themedScreenshots(s.panel, shot, 'findings-trapped-flags');
    // Evidence is a way to the connection it names.
    await s.panel.evaluate(`document.querySelector('article[data-flag="request-bound-stream"] .evidence button').click()`);
    await s.panel.waitFor(`document.querySelector('#view-connections')?.getAttribute('aria-selected') === 'true' && document.querySelector('table[aria-label="Streaming connections"] tr.selected')?.innerText.includes('/trapped-sse/api/chat')`, 'the named connection selected');
  });

  it('runs reconnect-resume on /trapped-sse/: FAIL card, badge yes', async () => {
    await s.page.goto(`${s.demo.url}/trapped-sse/`);
    await clickButton(s.panel, 'Tests & findings', '[role=tab]');
    await clickButton(s.panel, 'Run Reconnect-resume');
    await s.panel.waitFor(`document.querySelector('[aria-label="Test progress"]') !== null`, 'the progress line');
    await sendPrompt(s.page, 'drop me please');
    // Live progress from the background (a step other than the panel's own "starting"), or already the verdict.
    await s.panel.waitFor(`!(document.querySelector('[aria-label="Test progress"]')?.innerText.includes('starting') ?? true) || (${verdictCard('reconnect-resume')}) !== null`, 'a progress step');
    const verdict = await s.panel.waitFor<string>(verdictCard('reconnect-resume'), 'the reconnect-resume verdict', 60_000);
    expect(verdict).toBe('fail');
    const card = await s.panel.evaluate<string>(`document.querySelector('article[data-test="reconnect-resume"]').innerText`);
    expect(card).toMatch(/^FAIL/);
    expect(await badge()).toBe('Single-Connection Trap: yes');
    await themedScreenshots(s.panel, shot, 'findings-reconnect-fail');
  });

  it('arms a drop from the faults toolbar: it fires on a durable-sse generation, shows on the timeline, and the end says injected', async () => {
    await s.page.goto(`${s.demo.url}/durable-sse/`);
    await clickButton(s.panel, 'Connections', '[role=tab]');
    await chooseOption(s.panel, 'Fault kind', 'drop');
    await chooseOption(s.panel, 'Trigger', 'after-events');
    await typeInto(s.panel, 'input[aria-label="Trigger value (events)"]', '8');
    await chooseOption(s.panel, 'Scope', 'tab');
    await clickButton(s.panel, 'Arm');
    await s.panel.waitFor(`document.querySelector('[aria-label="Armed faults"]')?.innerText.includes('drop after 8 events')`, 'the armed fault listed');
    await sendPrompt(s.page, 'drop me once');
    const row = await waitForConnection(s.panel, 'the dropped run stream', (r) => r.url.includes('/durable-sse/api/runs/') && r.end.includes('(injected)'), 30_000);
    expect(row.end).toBe('network error (injected)');
    await s.panel.waitFor(`document.querySelector('.timeline-svg .fault-mark[data-kind="drop"] .fault-label')?.textContent === 'drop'`, 'the labelled drop on the timeline');
    await s.panel.waitFor(`document.querySelector('[aria-label="Armed faults"]')?.innerText.includes('fired 1×')`, 'the armed fault marked fired');
    await waitForPageState(s.page, 'done');
    await themedScreenshots(s.panel, shot, 'faults-drop-timeline');
    await clickButton(s.panel, 'Disarm drop after 8 events · this tab · once');
    await s.panel.waitFor(`document.body.innerText.includes('No faults armed.')`, 'the fault disarmed');
  });

  it('runs reconnect-resume on /durable-sse/: PASS card', async () => {
    await s.page.goto(`${s.demo.url}/durable-sse/`);
    await clickButton(s.panel, 'Tests & findings', '[role=tab]');
    await s.panel.waitFor(`document.body.innerText.includes('No test has run yet')`, 'a fresh session');
    await clickButton(s.panel, 'Run Reconnect-resume');
    await sendPrompt(s.page, 'resume me please');
    const verdict = await s.panel.waitFor<string>(verdictCard('reconnect-resume'), 'the reconnect-resume verdict', 60_000);
    const card = await s.panel.evaluate<string>(`document.querySelector('article[data-test="reconnect-resume"]').innerText`);
    expect(verdict, card).toBe('pass');
    expect(card).toMatch(/^PASS/);
    await themedScreenshots(s.panel, shot, 'findings-reconnect-pass');
  });
});
