/**
 * An id for this run of the browser. Tab ids start over after a browser restart, so a stored
 * session is the live session of a tab only if it was recorded in the same run. `storage.session`
 * lives exactly as long as the browser run (it survives service-worker restarts, not browser
 * restarts), which is what makes it the right place for this id.
 */
import type { Browser } from 'webextension-polyfill';

const KEY = 'browserRun';

export async function browserRunId(storage: Browser['storage']): Promise<string> {
  const area = storage.session;
  if (!area) return crypto.randomUUID();
  const got = await area.get(KEY);
  const existing = got[KEY];
  if (typeof existing === 'string') return existing;
  const id = crypto.randomUUID();
  await area.set({ [KEY]: id });
  return id;
}
