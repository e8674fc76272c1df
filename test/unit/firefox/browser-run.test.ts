/**
 * The browser-run id lives in `storage.session` so it survives the background being unloaded
 * (Firefox unloads idle event pages) but not a browser restart. Firefox has `storage.session`
 * since 115 (our minimum is 140); without it the id is per background load.
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'webextension-polyfill';
import { browserRunId } from '../../../src/background/browser-run';

function sessionArea() {
  const data: Record<string, unknown> = {};
  return {
    get: async (key: string) => (key in data ? { [key]: data[key] } : {}),
    set: async (items: Record<string, unknown>) => void Object.assign(data, items),
  };
}

describe('browser-run id across background reloads', () => {
  it('is the same for every load of the background in one browser run', async () => {
    const storage = { session: sessionArea() } as unknown as Browser['storage'];
    const first = await browserRunId(storage);
    expect(await browserRunId(storage)).toBe(first);
    // A new browser run starts with an empty storage.session.
    expect(await browserRunId({ session: sessionArea() } as unknown as Browser['storage'])).not.toBe(first);
  });

  it('without storage.session, is a fresh id per load', async () => {
    const storage = {} as Browser['storage'];
    expect(await browserRunId(storage)).not.toBe(await browserRunId(storage));
  });
});
