/**
 * The hook is transparent in Firefox too: the transparency suite's probes of what a
 * fingerprinting or hostile page reads (native source text, names, lengths, descriptors, abort
 * timing, spies on built-ins, throwing collections) run in Firefox ESR without the add-on and
 * with it, against the same local server, and the logs must be identical.
 *
 * The hook records in the add-on arm: a standalone panel watches the tab before the scenario
 * page loads, so the hook starts with the page (pending, then recording) at full work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { assertFirefoxReady, launchFirefox, type FirefoxSession } from '../harness/firefox';
import { startTransparencyServer, type TransparencyServer } from './transparency/server';

assertFirefoxReady();

let server: TransparencyServer;
let without: FirefoxSession;
let withExt: FirefoxSession;
let page: Page;
let bare: Page;
let panel: Page;

beforeAll(async () => {
  server = await startTransparencyServer();
  [without, withExt] = await Promise.all([launchFirefox({ extension: false }), launchFirefox()]);
  bare = await without.browser.newPage();
  page = await withExt.browser.newPage();
  await page.goto(`${server.origin}/s/observer?refused=${server.refusedPort}`);
  panel = await withExt.openStandalonePanel(await withExt.tabIdOf(page));
});

afterAll(async () => {
  await Promise.all([without?.close(), withExt?.close()]);
  await server?.close();
});

async function runIn(p: Page, name: string, params = ''): Promise<unknown[]> {
  await p.goto(`${server.origin}/s/${name}?refused=${server.refusedPort}${params}`);
  return p.evaluate(() => (window as unknown as { __result: Promise<unknown[]> }).__result);
}

async function both(name: string, params = ''): Promise<unknown[]> {
  const a = await runIn(bare, name, params);
  const b = await runIn(page, name, params);
  expect(JSON.stringify(a)).not.toContain('scenarioThrew');
  expect(b).toEqual(a);
  return a;
}

describe('in Firefox, the page hook is transparent', () => {
  it('is recording in the add-on arm (the stream of the page is captured)', async () => {
    await both('observer');
    // The panel watching the tab lists the page's stream: the hook was at work, not dormant.
    await panel.waitForFunction(() => [...document.querySelectorAll('table[aria-label="Streaming connections"] tbody tr')].some((r) => r.textContent?.includes('/stream')), { timeout: 20_000 });
  });

  it('shows native source text, names, lengths and descriptors and abort timing as without it', async () => {
    // Stacks are not compared here: Gecko keeps `stack` on Error.prototype, so the hook cannot
    // rewrite it without adding an own property, and a failing call's stack keeps our frames
    // (named `<anonymous code>`: no extension URL or id). The README's security model says so.
    const log = (await both('faces', '&stacks=0')) as { face?: string; stack?: string }[];
    expect(log.find((e) => e.face !== undefined)?.face).toMatch(/\[native code\]/);
    expect(log.some((e) => e.stack !== undefined)).toBe(false);
  });

  for (const name of ['fetch-identity', 'hostile-builtins', 'hostile-throwing-collections', 'hostile-globals']) {
    it(name, async () => {
      await both(name);
    });
  }
});
