/**
 * Firefox runs an MV3 background as an event page and unloads it after
 * `extensions.background.idle.timeout` (30 s) without extension events or API calls — open
 * ports do not count. Unloading it while a panel watches a tab closes the panel's and the
 * relays' ports and drops the tab's in-memory state: the panel keeps saying "Recording" while
 * nothing arrives any more (seen in Firefox ESR 153). Any async extension API call the
 * background makes resets Firefox's idle timer, so while a panel watches a tab (or a test runs)
 * the background makes a cheap one every few seconds; with nothing to watch it lets Firefox
 * unload it as usual.
 *
 * Chrome's MV3 background is a service worker, which has no `document`: there this does nothing,
 * and Chrome's behaviour is unchanged.
 */
export const KEEPALIVE_INTERVAL_MS = 5000;

export interface KeepAliveDeps {
  /** True in an event page (Firefox), false in a service worker (Chrome). */
  isEventPage: boolean;
  /** Whether anything needs the background now (a subscribed panel, a running test). */
  needed(): boolean;
  /** A cheap async extension API call (it is the call, not its answer, that counts). */
  ping(): Promise<unknown>;
  setInterval(fn: () => void, ms: number): unknown;
}

/** Starts the keep-alive; returns whether it runs (only in an event page). */
export function startEventPageKeepAlive(deps: KeepAliveDeps): boolean {
  if (!deps.isEventPage) return false;
  deps.setInterval(() => {
    if (deps.needed()) void deps.ping().catch(() => undefined);
  }, KEEPALIVE_INTERVAL_MS);
  return true;
}

/** An event page is a document; a service worker is not. */
export function isEventPage(global: object = globalThis): boolean {
  return 'document' in global;
}
