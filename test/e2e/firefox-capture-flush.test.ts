/**
 * The capture flush in real Firefox (firefox-esr, with the built `dist/firefox`): a capture asked
 * for while the page's main thread is busy still holds what the page did before it was asked.
 * The page reads a stream, starts a request to the test server and blocks its thread in the same
 * task, so the hook still holds that request's record when the server hears it; the flush must
 * bring it in once the page's task ends (and without it, the snapshot lacks it).
 *
 * Nothing here is skipped: without Firefox (or a build) the file fails with what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { assertFirefoxReady, launchFirefox, recordAndRequest, type FirefoxSession, type PanelRequest } from '../harness/firefox';
import { NDJSON_BODY, startCaptureServer, type CaptureServer } from './capture/server';

assertFirefoxReady();

let ff: FirefoxSession;
let srv: CaptureServer;
let page: Page;
let tabId: number;
let request: PanelRequest;

beforeAll(async () => {
  srv = await startCaptureServer();
  ff = await launchFirefox();
  page = await ff.browser.newPage();
  await page.goto(`${srv.url}/p/idle?firefox=${Math.random().toString(36).slice(2)}`);
  tabId = await ff.tabIdOf(page);
  ({ request } = await recordAndRequest(ff, tabId));
});
afterAll(async () => {
  await ff?.close();
  await srv?.close();
});

describe('a capture flush (Firefox)', () => {
  it('brings in what the busy page’s hook still held when the capture was asked for', async () => {
    const told = srv.told('busy-after-read');
    const loaded = page.goto(`${srv.url}/p/busy-after-read`);
    await told;
    await request('flush-capture', { tabId });
    const { snapshot } = await request('subscribe', { tabId });
    const paths = snapshot.connections.map((c) => new URL(c.summary.url).pathname);
    expect(paths).toEqual(expect.arrayContaining(['/ndjson', '/told']));
    const ndjson = snapshot.connections.find((c) => c.summary.url.includes('/ndjson'))!;
    expect(ndjson.events.filter((e) => e.dir === 'in').map((e) => e.text ?? '').join('')).toBe(NDJSON_BODY);
    await loaded;
  });
});
