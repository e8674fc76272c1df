/**
 * A real-browser session driven through the extension's own panel protocol (no DevTools
 * window): the demo app, Chromium with the extension, and a control page subscribed to the
 * app's tab, so the tab records and faults and tests can be started as the panel would.
 */
import type { Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../demo/server';
import { launchBrowser, type LaunchedBrowser } from '../../src/cli/chromium';
import { openControl, tabIdOf, type Control } from '../../src/cli/control';

export interface ControlSession {
  demo: DemoServer;
  browser: LaunchedBrowser;
  page: Page;
  /** Replaceable: a test may close the control (DevTools closing) and open another. */
  control: Control;
  close(): Promise<void>;
}

export async function startControlSession(opts: { tokensPerSecond?: number; tokens?: number } = {}): Promise<ControlSession> {
  const demo = await startDemoServer({ port: 0, tokensPerSecond: opts.tokensPerSecond ?? 40, tokens: opts.tokens ?? 60 });
  const browser = await launchBrowser();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const marker = `${demo.url}/?tab=${Math.random().toString(36).slice(2)}`;
  await page.goto(marker);
  const control = await openControl(browser.context, browser.extensionId!);
  await control.attach(await tabIdOf(control, marker));
  await page.bringToFront();
  return {
    demo,
    browser,
    page,
    control,
    async close() {
      await browser.close();
      await demo.close();
    },
  };
}

/** Text of the last assistant message on a demo page. */
export function assistantText(page: Page): Promise<string> {
  return page.evaluate(() => [...document.querySelectorAll('.message.assistant')].at(-1)?.textContent ?? '');
}

/** Polls the tab's capture until `pick` finds something (the panel trails the page by a batch). */
export async function waitForCapture<T>(control: Control, what: string, pick: (snap: Awaited<ReturnType<Control['snapshot']>>) => T | null | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = pick(await control.snapshot());
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`the capture never showed ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
