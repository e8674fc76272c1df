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
  /**
   * What a replayed WebSocket (no native object behind it: replay-faces.ts) throws where a
   * native one would: `send()` while CONNECTING (an InvalidStateError), `send()` without an
   * argument (a TypeError), `close()` with a code other than 1000 or 3000–4999 (an
   * InvalidAccessError) and with a reason over 123 UTF-8 bytes (a SyntaxError). The e2e replay
   * suites compare each with a real socket's.
   */
  wsSendConnecting: string;
  wsSendMissing: string;
  wsCloseCode(code: number): string;
  wsCloseReason: string;
  /**
   * Whether an XMLHttpRequest that failed or was aborted after its response head still answers
   * `responseURL` and `getResponseHeader()` (Firefox does, with `getAllResponseHeaders()` empty;
   * Chromium answers '' and null): what a replayed XHR's failure copies (xhr-replay.ts),
   * measured against a real server's reset in test/e2e/xhr-replay.test.ts.
   */
  xhrFailedKeepsHead: boolean;
}

/** Chromium's texts (verified in test/e2e/faults.test.ts against real drops). */
export const CHROMIUM: EngineTraits = {
  bodyDropped: 'network error',
  fetchFailed: 'Failed to fetch',
  eventSourceRetryMs: 3000,
  // third_party/blink/renderer/modules/websockets/dom_websocket.cc
  wsSendConnecting: "Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.",
  wsSendMissing: "Failed to execute 'send' on 'WebSocket': 1 argument required, but only 0 present.",
  wsCloseCode: (code) => `Failed to execute 'close' on 'WebSocket': The close code must be either 1000, or between 3000 and 4999. ${code} is neither.`,
  wsCloseReason: "Failed to execute 'close' on 'WebSocket': The close reason must not be greater than 123 UTF-8 bytes.",
  xhrFailedKeepsHead: false,
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
