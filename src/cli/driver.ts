/**
 * How the check runner drives an app: find its prompt input, type, send. The defaults find the
 * main textarea / contenteditable / text input and press Enter; selectors or a driver module
 * (`--driver FILE` exporting `send(page, prompt)`) take over for apps that need more.
 */
import type { Page } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

export interface Driver {
  send(page: Page, prompt: string): Promise<void>;
  /**
   * Presses the app's stop control in the second tab (`page`). Resolve `false` when the page has
   * no usable stop control there (that is a finding, not an error). Optional: without it the
   * extension finds the control by its accessible name, or by --stop.
   */
  stop?(page: Page): Promise<boolean | void>;
}

export function defaultDriver(opts: { input: string | null; send: string | null }): Driver {
  return {
    async send(page, prompt) {
      const input = opts.input
        ? page.locator(opts.input).first()
        : page.locator('textarea:visible, [contenteditable="true"]:visible, input[type="text"]:visible, input[type="search"]:visible, input:not([type]):visible').first();
      await input.waitFor({ timeout: 15_000 });
      await input.click();
      await input.fill(prompt);
      if (opts.send) await page.locator(opts.send).first().click();
      else await input.press('Enter');
    },
  };
}

export async function loadDriver(file: string): Promise<Driver> {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as Partial<Driver> & { default?: Partial<Driver> };
  const send = mod.send ?? mod.default?.send;
  const stop = mod.stop ?? mod.default?.stop;
  if (typeof send !== 'function') throw new Error(`${file} does not export send(page, prompt)`);
  return typeof stop === 'function' ? { send, stop } : { send };
}
