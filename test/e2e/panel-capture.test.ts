/**
 * Capture state, stored sessions, export and import in the real DevTools panel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTrace } from '../../src/core/export';
import { saveScreenshot, sendPrompt, startSession, waitForPageState, type E2ESession } from '../harness/session';
import { blobText, captureBlobs, chooseFile, clickButton, clickLabelled, connectionRows, isChecked, themedScreenshots, waitForConnection } from '../harness/panel';

let s: E2ESession;
const shot = (name: string) => saveScreenshot(s.panel, name);
const DORMANT = 'Streams that ended before the panel was open are not captured';
const SECRET = 'Bearer sk-e2e-secret-1234';

beforeAll(async () => {
  s = await startSession({ tokens: 30, tokensPerSecond: 80 });
});
afterAll(async () => {
  await s?.close();
});

describe('capture state', () => {
  it('says hooks were dormant before the panel opened, until Record from page load is on', async () => {
    await s.panel.waitFor(`document.body.innerText.includes(${JSON.stringify(DORMANT)})`, 'the dormant note');
    expect(await s.panel.evaluate<string>(`document.querySelector('.indicator').innerText`)).toBe('● Recording');
    expect(await isChecked(s.panel, 'Record from page load')).toBe(false);
    await themedScreenshots(s.panel, shot, 'capture-dormant-note');
    await clickLabelled(s.panel, 'Record from page load');
    await s.panel.waitFor(`!document.body.innerText.includes(${JSON.stringify(DORMANT)})`, 'the note gone');
    expect(await isChecked(s.panel, 'Record from page load')).toBe(true);
    // Off again: the note comes back while this page load is the one from before the panel.
    await clickLabelled(s.panel, 'Record from page load');
    await s.panel.waitFor(`document.body.innerText.includes(${JSON.stringify(DORMANT)})`, 'the note back');
  });
});

describe('stored sessions', () => {
  it('lists a past session after a navigation and shows it read-only, then goes back to live', async () => {
    await s.page.goto(`${s.demo.url}/trapped-sse/`);
    await sendPrompt(s.page, 'remember me');
    await waitForPageState(s.page, 'done');
    await waitForConnection(s.panel, 'the chat stream', (r) => r.url.includes('/trapped-sse/api/chat') && r.status === '200 ended');
    await s.page.goto(`${s.demo.url}/eventsource/`);
    await s.panel.waitFor(`document.body.innerText.includes('No streaming connections yet')`, 'the live list reset');
    expect(await s.panel.text()).not.toContain(DORMANT);

    await clickButton(s.panel, 'Sessions…');
    const sel = `[...document.querySelectorAll('.session-list button.session')]`;
    await s.panel.waitFor(`${sel}.some((b) => b.innerText.includes('/trapped-sse/'))`, 'the past session listed', 20_000);
    await themedScreenshots(s.panel, shot, 'sessions-picker');
    await s.panel.evaluate(`${sel}.find((b) => b.innerText.includes('/trapped-sse/')).click()`);
    await s.panel.waitFor(`document.querySelector('[aria-label="Shown source"]')?.innerText.includes('Stored session (read-only)')`, 'the stored banner');
    const row = await waitForConnection(s.panel, 'the stored chat stream', (r) => r.url.includes('/trapped-sse/api/chat'));
    expect(row.events).toBeGreaterThan(0);
    expect(await s.panel.evaluate<boolean>(`[...document.querySelectorAll('button')].find((b) => b.innerText.trim() === 'Clear').disabled`)).toBe(true);
    expect(await s.panel.evaluate<boolean>(`document.querySelector('[aria-label="Faults"]') === null`)).toBe(true);
    // Every view works on it: the findings are computed from the stored capture.
    await clickButton(s.panel, 'Tests & findings', '[role=tab]');
    await s.panel.waitFor(`document.querySelector('article[data-flag="request-bound-stream"]') !== null`, 'flags of the stored session');
    await themedScreenshots(s.panel, shot, 'sessions-stored-readonly');
    await clickButton(s.panel, 'Back to live');
    await clickButton(s.panel, 'Connections', '[role=tab]');
    await s.panel.waitFor(`document.querySelector('[aria-label="Shown source"]') === null && document.body.innerText.includes('No streaming connections yet')`, 'live again');
  });
});

describe('export and import', () => {
  let exported = '';

  it('exports a redacted trace and a HAR that import with the same connections', async () => {
    await s.page.goto(`${s.demo.url}/trapped-sse/`);
    // A test page's own request with a secret header.
    await s.page.evaluate(async (auth) => {
      const res = await fetch('/trapped-sse/api/chat', { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'secret', tokens: 10 }) });
      await res.text();
    }, SECRET);
    await waitForConnection(s.panel, 'the authorized stream', (r) => r.url.includes('/trapped-sse/api/chat') && r.status === '200 ended');
    const rows = await connectionRows(s.panel);

    await captureBlobs(s.panel);
    await clickButton(s.panel, 'Export…');
    await s.panel.waitFor(`document.querySelector('[aria-label="Redacted"]')?.innerText.includes('authorization (request header)')`, 'the redaction list');
    await themedScreenshots(s.panel, shot, 'export-dialog');
    await clickButton(s.panel, 'Download');
    exported = await blobText(s.panel, 1);
    expect(exported).not.toContain('sk-e2e-secret');
    const trace = await importTrace(exported);
    expect(trace.ok).toBe(true);
    if (!trace.ok) return;
    expect(trace.source).toBe('trace');
    const streams = trace.trace.sessions.flatMap((x) => x.connections).filter((c) => c.summary.streaming);
    expect(streams).toHaveLength(rows.length);
    const auth = streams[0]!.summary.requestHeaders.find(([n]) => n.toLowerCase() === 'authorization');
    expect(auth?.[1]).toMatch(/\[REDACTED\]$/);

    await clickLabelled(s.panel, 'HAR (opens');
    await clickButton(s.panel, 'Download');
    const har = await blobText(s.panel, 2);
    expect(har).not.toContain('sk-e2e-secret');
    expect(JSON.parse(har).log.entries.length).toBeGreaterThanOrEqual(rows.length);
    const back = await importTrace(har);
    expect(back.ok && back.source).toBe('har');
    if (back.ok) expect(back.trace.sessions.flatMap((x) => x.connections).filter((c) => c.summary.streaming).map((c) => c.summary.url)).toEqual(streams.map((c) => c.summary.url));
    await clickButton(s.panel, 'Cancel');
  });

  it('shows a malformed file as an error with its position, and leaves the panel live', async () => {
    await chooseFile(s.panel, 'broken.dstrace.json', '{"format":"durable-sessions-trace",\n"version":1,\n"sessions":[{"id": tru');
    await s.panel.waitFor(`document.querySelector('[aria-label="Import error"]')?.innerText.includes('broken.dstrace.json')`, 'the import error');
    const text = await s.panel.evaluate<string>(`document.querySelector('[aria-label="Import error"]').innerText`);
    expect(text).toMatch(/line 3/);
    expect(await s.panel.evaluate<boolean>(`document.querySelector('[aria-label="Shown source"]') === null`)).toBe(true);
    await themedScreenshots(s.panel, shot, 'import-error');
    await clickButton(s.panel, 'Dismiss');
  });

  it('imports the exported trace read-only, with flags recomputed', async () => {
    await chooseFile(s.panel, 'mine.dstrace.json', exported);
    await s.panel.waitFor(`document.querySelector('[aria-label="Shown source"]')?.innerText.includes('Imported mine.dstrace.json (read-only)')`, 'the imported banner');
    await waitForConnection(s.panel, 'the imported stream', (r) => r.url.includes('/trapped-sse/api/chat'));
    await clickButton(s.panel, 'Tests & findings', '[role=tab]');
    await s.panel.waitFor(`document.querySelector('article[data-flag="sse-without-ids"]') !== null`, 'flags of the import');
    await themedScreenshots(s.panel, shot, 'import-readonly');
    await clickButton(s.panel, 'Back to live');
    await clickButton(s.panel, 'Connections', '[role=tab]');
  });
});
