/**
 * The panel's test button on zoo apps: in the real DevTools panel, Run Reconnect-resume while
 * the page streams an answer from a real library, and the card's verdict must be the truth the
 * oracle measured — one app that passes (MCP with an event store, whose answer rides in
 * progress notifications no recognizer reads as text) and one that fails (Socket.IO rooms
 * without recovery).
 */
import { describe, expect, it } from 'vitest';
import { launchBrowser } from '../../src/cli/chromium';
import { openPanel } from '../../src/cli/devtools-panel';
import { clickButton } from '../harness/panel';
import { mcpVariants } from '../zoo/mcp';
import { measureTruth } from '../zoo/oracle';
import { socketioVariants } from '../zoo/socketio';
import type { ZooVariant } from '../zoo/types';

const PROMPT = 'Stream me an answer';
const CASES: ZooVariant[] = [mcpVariants.find((v) => v.id === 'mcp-event-store')!, socketioVariants.find((v) => v.id === 'socketio-rooms')!];

describe.sequential('zoo apps from the panel’s test button', () => {
  for (const variant of CASES) {
    it(`${variant.id}: the Reconnect-resume card gives the measured truth`, async () => {
      const app = await variant.start();
      try {
        const truth = await measureTruth(app, 'reconnect-resume', PROMPT);
        const browser = await launchBrowser({ devtools: true });
        try {
          const page = browser.context.pages()[0] ?? (await browser.context.newPage());
          const url = `${app.origin}${app.path}`;
          await page.goto(url);
          const panel = await openPanel(browser.cdp, browser.extensionId!, url);
          // As a user does: with DevTools open, reload, so the socket the app opens at load is recorded too.
          await page.reload();
          await clickButton(panel, 'Tests & findings', '[role=tab]');
          await clickButton(panel, 'Run Reconnect-resume');
          await panel.waitFor(`document.querySelector('[aria-label="Test progress"]') !== null`, 'the progress line');
          // The user starts the generation; the panel's test waits for it.
          await page.bringToFront();
          await page.fill(app.ui.input, PROMPT);
          await page.click(app.ui.send);
          const card = `document.querySelector('article[data-test="reconnect-resume"]')`;
          const verdict = await panel.waitFor<string>(`${card}?.dataset.verdict ?? null`, 'the reconnect-resume verdict', 90_000);
          const text = await panel.evaluate<string>(`${card}.innerText`);
          expect(verdict, `oracle: ${truth.verdict} (${truth.why}); panel card: ${text}`).toBe(truth.verdict);
        } finally {
          await browser.close();
        }
      } finally {
        await app.close();
      }
    }, 240_000);
  }
});
