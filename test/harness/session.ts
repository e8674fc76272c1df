/**
 * One real-browser session for an e2e file: the demo app on a free port, Chromium with the
 * built extension and DevTools open, and our panel shown in DevTools.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../demo/server';
import { launchBrowser, type LaunchedBrowser } from '../../src/cli/chromium';
import { openPanel, type PanelHandle } from '../../src/cli/devtools-panel';

export interface E2ESession {
  demo: DemoServer;
  browser: LaunchedBrowser;
  page: Page;
  panel: PanelHandle;
  close(): Promise<void>;
}

export async function startSession(opts: { tokensPerSecond?: number; tokens?: number } = {}): Promise<E2ESession> {
  const demo = await startDemoServer({ port: 0, tokensPerSecond: opts.tokensPerSecond ?? 80, tokens: opts.tokens ?? 40 });
  const browser = await launchBrowser({ devtools: true });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${demo.url}/`);
  const panel = await openPanel(browser.cdp, browser.extensionId!, `${demo.url}/`);
  return {
    demo,
    browser,
    page,
    panel,
    async close() {
      await browser.close();
      await demo.close();
    },
  };
}

/** Types a prompt into the demo page and sends it, as a user would. */
export async function sendPrompt(page: Page, prompt: string): Promise<void> {
  await page.getByLabel('Prompt').fill(prompt);
  await page.getByRole('button', { name: 'Send' }).click();
}

export async function waitForPageState(page: Page, state: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction((s) => document.body.dataset.state === s, state, { timeout });
}

/** Saves a screenshot for reviewers under artifacts/screenshots (never compared in tests). */
export async function saveScreenshot(panel: PanelHandle, name: string): Promise<void> {
  const dir = resolve(import.meta.dirname, '../../artifacts/screenshots');
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, `${name}.png`), await panel.screenshot());
}
