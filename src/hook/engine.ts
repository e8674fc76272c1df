/**
 * What an injected failure copies from the browser the hook runs in. A fault must look to the
 * app exactly like the real event in *this* browser (the faults e2e suites compare an injected
 * drop with a real one), and Chromium and Gecko word their network errors differently and wait
 * different default times before an EventSource reconnects. Everything else in the hook is
 * engine-neutral; the differences live in this table and `engine.firefox.ts`.
 */
import { GECKO } from './engine.firefox';

export interface EngineTraits {
  /** The TypeError message a fetch body read rejects with when the connection drops mid-body. */
  bodyDropped: string;
  /** The TypeError message `fetch()` rejects with when the request cannot reach the network. */
  fetchFailed: string;
  /** The EventSource reconnection time before any `retry:` (HTML leaves it to the browser). */
  eventSourceRetryMs: number;
}

/** Chromium's texts (verified in test/e2e/faults.test.ts against real drops). */
export const CHROMIUM: EngineTraits = {
  bodyDropped: 'network error',
  fetchFailed: 'Failed to fetch',
  eventSourceRetryMs: 3000,
};

/**
 * A feature check, not a user-agent sniff: `mozInnerScreenX` is a Gecko-only window property
 * (since Firefox 3.6, still present). The hook reads it at document_start, before any page
 * script runs, so a page cannot fake the answer.
 */
export function isGecko(g: object): boolean {
  return 'mozInnerScreenX' in g;
}

export function engineTraits(g: object): EngineTraits {
  return isGecko(g) ? GECKO : CHROMIUM;
}
