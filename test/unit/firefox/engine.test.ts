/**
 * The hook's injected failures copy the browser they run in: Firefox words network errors
 * differently from Chromium and reconnects EventSource later (src/hook/engine*.ts). The texts
 * were observed in real Firefox ESR 153 and Chromium (see the e2e suites that compare them).
 */
import { describe, expect, it } from 'vitest';
import { CHROMIUM, engineTraits, isGecko } from '../../../src/hook/engine';
import { GECKO } from '../../../src/hook/engine.firefox';

describe('engine traits of the injected failures', () => {
  it('recognizes Gecko by a Gecko-only window property, not by the user agent', () => {
    expect(isGecko({ mozInnerScreenX: 0 })).toBe(true);
    expect(isGecko({ navigator: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0' } })).toBe(false);
    expect(isGecko(globalThis)).toBe(false);
  });

  it('uses Firefox texts and timing in Firefox', () => {
    expect(engineTraits({ mozInnerScreenX: 0 })).toMatchObject({
      bodyDropped: 'Error in input stream',
      fetchFailed: 'NetworkError when attempting to fetch resource.',
      eventSourceRetryMs: 5000,
      // What a replayed WebSocket throws, as a real one in Firefox ESR does (firefox-ws-replay e2e).
      wsSendConnecting: 'An attempt was made to use an object that is not, or is no longer, usable',
      wsSendMissing: 'WebSocket.send: 0 is not a valid argument count for any overload.',
      // A failed XHR still answers responseURL and getResponseHeader() (firefox-xhr-replay e2e).
      xhrFailedKeepsHead: true,
    });
    expect(engineTraits({ mozInnerScreenX: 0 })).toBe(GECKO);
  });

  it('keeps Chromium texts and timing everywhere else', () => {
    expect(engineTraits({})).toMatchObject({
      bodyDropped: 'network error',
      fetchFailed: 'Failed to fetch',
      eventSourceRetryMs: 3000,
      wsSendConnecting: "Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.",
      wsSendMissing: "Failed to execute 'send' on 'WebSocket': 1 argument required, but only 0 present.",
      xhrFailedKeepsHead: false,
    });
    expect(engineTraits({})).toBe(CHROMIUM);
  });
});
