/**
 * Firefox's (Gecko's) side of `engine.ts`: the texts and timing the hook's injected failures
 * must reproduce there, each observed in Firefox ESR 153 against the demo server dropping a
 * real connection (test/e2e/firefox.test.ts compares an injected drop with a real one).
 */
import type { EngineTraits } from './engine';

export const GECKO: EngineTraits = {
  // A fetch body whose connection is lost mid-stream: the reader rejects with this TypeError
  // (Chromium says "network error").
  bodyDropped: 'Error in input stream',
  // fetch() that cannot connect, or while offline (Chromium: "Failed to fetch").
  fetchFailed: 'NetworkError when attempting to fetch resource.',
  // `dom.serverEvents.defaultReconnectionTime` (Chromium waits 3 s).
  eventSourceRetryMs: 5000,
  // dom/websocket/WebSocket.cpp throws the bare DOMException codes, whose messages are these
  // (dom/base/domerr.msg); `send` is overloaded, so the binding's argument-count TypeError
  // says so (measured on a real socket: test/e2e/firefox-ws-replay.test.ts).
  wsSendConnecting: 'An attempt was made to use an object that is not, or is no longer, usable',
  wsSendMissing: 'WebSocket.send: 0 is not a valid argument count for any overload.',
  wsCloseCode: () => 'A parameter or an operation is not supported by the underlying object',
  wsCloseReason: 'An invalid or illegal string was specified',
  // After a reset or an abort, responseURL and getResponseHeader() still answer from the
  // response head while getAllResponseHeaders() is '' (measured: test/e2e/xhr-replay.test.ts).
  xhrFailedKeepsHead: true,
};
