/**
 * How the check runner drives an app: find its prompt input, type, send. The built-in driver
 * finds the chat input, tries Enter, the form's submit button, a button named Send and
 * form.requestSubmit() until the page sends something (send-attempts.ts); --input and --send
 * name the controls instead, and a driver module (`--driver FILE` exporting
 * `send(page, prompt)`) takes over for apps that need more.
 */
import type { Page } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { sendPrompt } from './send-attempts';
import type { SendOutcome } from './send-outcome';
import type { TrafficWatch } from './traffic';

export interface Driver {
  /**
   * Types and sends the prompt in `page`. The built-in driver resolves what it did; a module's
   * send resolves nothing (the runner trusts it, and waits for the generation).
   */
  send(page: Page, prompt: string): Promise<void | SendOutcome>;
  /**
   * Presses the app's stop control in the second tab (`page`). Resolve `false` when the page has
   * no usable stop control there (that is a finding, not an error). Optional: without it the
   * extension finds the control by its accessible name, or by --stop.
   */
  stop?(page: Page): Promise<boolean | void>;
}

/** `traffic` watches the page the driver sends in, from before the app loads. */
export function defaultDriver(opts: { input: string | null; send: string | null; traffic: TrafficWatch }): Driver {
  return { send: (page, prompt) => sendPrompt(page, prompt, opts) };
}

export async function loadDriver(file: string): Promise<Driver> {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as Partial<Driver> & { default?: Partial<Driver> };
  const send = mod.send ?? mod.default?.send;
  const stop = mod.stop ?? mod.default?.stop;
  if (typeof send !== 'function') throw new Error(`${file} does not export send(page, prompt)`);
  // Whatever a module's send resolves is not an outcome the runner reads.
  const sendOnly = async (page: Page, prompt: string): Promise<void> => {
    await send(page, prompt);
  };
  return typeof stop === 'function' ? { send: sendOnly, stop } : { send: sendOnly };
}
