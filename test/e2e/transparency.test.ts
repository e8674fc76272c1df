/**
 * The page hook is transparent: the same page scripts (test/e2e/transparency/scenarios.js) run
 * in Chromium without the extension and with it, against the same local server, and every value
 * the app could observe — bytes, events and their order, errors, object identities, property
 * shapes, what reached the server — must be identical in both arms.
 *
 * Each scenario resolves with a JSON-serializable log; the test compares the arms' logs with
 * `toEqual`. Nothing is normalized: the scenarios log no timestamps, and the only random value an
 * app could see (a multipart boundary) is reduced to its shape inside the scenario itself.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from '../../src/cli/chromium';
import { openControl, tabIdOf } from '../../src/cli/control';
import { waitForCapture } from '../harness/control-session';
import { BODIES, startTransparencyServer, type TransparencyServer } from './transparency/server';

type Log = unknown[];

let server: TransparencyServer;
let without: LaunchedBrowser;
let withExt: LaunchedBrowser;

beforeAll(async () => {
  server = await startTransparencyServer();
  [without, withExt] = await Promise.all([launchBrowser({ extension: false }), launchBrowser()]);
  // With no panel open the hook goes dormant and stops wrapping new connections, which would
  // make this suite test almost nothing. "Record from page load" for the server's origin (the
  // background's `recordOnLoadOrigins` setting, src/background/settings.ts) keeps it recording:
  // the arm under test is the hook at full work. Set before any page of the origin loads.
  await withExt.serviceWorker!.evaluate(
    (origin) => (globalThis as unknown as { chrome: typeof chrome }).chrome.storage.local.set({ recordOnLoadOrigins: [origin] }),
    server.origin,
  );
});

afterAll(async () => {
  await Promise.all([without?.close(), withExt?.close()]);
  await server?.close();
});

async function runIn(browser: LaunchedBrowser, name: string): Promise<Log> {
  const page: Page = await browser.context.newPage();
  try {
    await page.goto(`${server.origin}/s/${name}?refused=${server.refusedPort}`);
    return await page.evaluate(() => (window as unknown as { __result: Promise<Log> }).__result);
  } finally {
    await page.close();
  }
}

/**
 * Runs a scenario in both arms, one after the other (the server keeps per-scenario state for
 * EventSource reconnects), and asserts the logs are identical.
 */
async function both(name: string, arm: LaunchedBrowser = withExt): Promise<Log> {
  const a = await runIn(without, name);
  const b = await runIn(arm, name);
  expect(JSON.stringify(a)).not.toContain('scenarioThrew');
  expect(b).toEqual(a);
  return a;
}

const hexOf = (name: string) => BODIES[name]!.body.toString('hex');

describe('the page hook is transparent', () => {
  it('is installed and recording in the extension arm, and the page sees nothing of its channel', async () => {
    // The page's earliest listeners see no message event and nothing on a window channel, in both arms.
    expect(await both('observer')).toEqual([{ seen: [] }]);
    // And yet the extension arm captured the page's stream: the hook talks over its private port.
    const control = await openControl(withExt.context, withExt.extensionId!);
    try {
      const page = await withExt.context.newPage();
      const url = `${server.origin}/s/observer?probe=${Math.random().toString(36).slice(2)}`;
      await page.goto(url);
      await page.evaluate(() => (window as unknown as { __result: Promise<unknown> }).__result);
      await control.attach(await tabIdOf(control, url));
      const snap = await waitForCapture(control, 'the stream of the observer page', (s) => s.connections.find((c) => c.summary.url.includes('/stream?body=sse')));
      expect(snap.events.length).toBeGreaterThan(0);
      await page.close();
    } finally {
      await control.close();
    }
  });

  it('shows the page native source text, stack frames without ours, and native abort timing', async () => {
    const log = (await both('faces')) as { label?: string; stack?: string; face?: string }[];
    // The probes ran: native faces, real stacks naming the scenario's own frames.
    expect(log.find((e) => e.face !== undefined)?.face).toMatch(/\[native code\]/);
    expect(log.filter((e) => e.stack?.includes('/scenarios.js')).length).toBeGreaterThan(5);
  });

  describe('fetch', () => {
    it('streams every body type and chunking byte for byte', async () => {
      const log = (await both('fetch-bodies')) as { body: string; hex: string; before: { status: number } }[];
      expect(log).toHaveLength(16);
      for (const e of log) {
        expect(e.hex, `${e.body}`).toBe(hexOf(e.body));
        expect(e.before.status).toBe(200);
      }
    });

    it('streams several MB without loss', async () => {
      const log = (await both('fetch-large')) as { body: string; sha256: string; length: number }[];
      for (const e of log) {
        const expected = BODIES[e.body]!.body;
        expect(e.length).toBe(expected.length);
        expect(e.sha256).toBe(createHash('sha256').update(expected).digest('hex'));
      }
    });

    it('text(), json(), arrayBuffer(), blob(), bytes(), readers and headers behave natively', async () => {
      const log = await both('fetch-consume');
      expect(log.length).toBeGreaterThan(10);
    });

    // A fetched body is a byte stream, so the app can take a BYOB reader from it: the hook's
    // pass-through body must be one too.
    it('BYOB readers on streaming bodies', async () => {
      await both('fetch-byob');
    });

    it('clone() of a streaming response', async () => {
      await both('fetch-clone');
    });

    it('redirects: url, redirected, manual and error modes', async () => {
      const log = (await both('fetch-redirect')) as { follow?: { redirected: boolean; url: string } }[];
      expect(log[0]!.follow!.redirected).toBe(true);
      expect(log[0]!.follow!.url).toBe(`${server.origin}/stream?body=sse&chunk=random`);
    });

    it('Request and URL inputs', async () => {
      await both('fetch-request-input');
    });

    it('request bodies reach the server intact', async () => {
      const log = (await both('fetch-upload')) as { label: string; echo?: { text: string } }[];
      expect(log.find((e) => e.label === 'string')!.echo!.text).toBe('hello ✓ wörld 🚀');
    });

    it('statuses, HEAD and non-streaming responses', async () => {
      await both('fetch-status');
    });

    it('network errors, refused connections, aborts, cancels', async () => {
      const log = (await both('fetch-errors')) as { label: string; error?: unknown; ok?: unknown }[];
      expect(log.find((e) => e.label === 'connection refused')!.error).toMatchObject({ ctor: 'TypeError', isTypeError: true });
    });

    it('bad arguments reject (or throw) exactly as natively', async () => {
      await both('fetch-bad-args');
    });

    it('fetch and Response keep their identity, shape and microtask timing', async () => {
      await both('fetch-identity');
    });
  });

  describe('WebSocket', () => {
    it('constructor, statics, prototype and argument errors', async () => {
      await both('ws-identity');
    });

    it('echo: every payload type, binaryType, bufferedAmount, close codes, event order', async () => {
      await both('ws-echo');
    });

    it('server close, abrupt destroy, refused, close while connecting, bursts', async () => {
      const log = (await both('ws-close')) as { label: string; events: { type: string; code?: number }[] }[];
      // Chromium reports a server that vanishes after the handshake with close 1006 and no
      // error event; a refused connection gets error, then close 1006.
      const destroyed = log.find((e) => e.label === 'destroyed')!.events;
      expect(destroyed.at(-1)).toMatchObject({ type: 'close', code: 1006, wasClean: false });
      const refused = log.find((e) => e.label === 'refused')!.events;
      expect(refused.map((e) => e.type)).toEqual(['error', 'error', 'close', 'close']);
    });

    it('subclasses', async () => {
      await both('ws-subclass');
    });
  });

  describe('EventSource', () => {
    it('constructor, statics, prototype and argument errors', async () => {
      await both('es-identity');
    });

    it('named events, ids, retry and reconnect with Last-Event-ID', async () => {
      const log = (await both('es-reconnect')) as { seen?: unknown }[];
      expect(log.at(-1)!.seen).toEqual([null, '3']);
    });

    it('errors on 500, wrong content type, 404 and refused connections', async () => {
      await both('es-errors');
    });
  });

  describe('frames the page creates', () => {
    it('contentWindow/contentDocument getters, window.open, and an about:blank and a srcdoc frame’s fetch and WebSocket', async () => {
      const log = (await both('frames')) as { label?: string; hex?: string; href?: string }[];
      expect(log.filter((e) => e.hex !== undefined).map((e) => [e.label, e.hex])).toEqual([
        ['blank', hexOf('sse')],
        ['srcdoc', hexOf('sse')],
      ]);
    });
  });

  // hostile-object-prototype fails until src/hook/emit.ts (owned by another engineer) builds its
  // CustomEvent init without a prototype: `new CustomEvent(type, { detail })` makes the browser
  // read `bubbles`, `cancelable` and `composed` from Object.prototype, running the page's getters.
  describe('errors inside the hook never reach the page', () => {
    for (const name of ['hostile-globals', 'hostile-throwing-globals', 'hostile-object-prototype', 'hostile-response-headers', 'hostile-frozen', 'hostile-throwing-handlers', 'hostile-builtins', 'hostile-throwing-collections']) {
      it(name, async () => {
        await both(name);
      });
    }
  });

  // With nothing recording the tab the hook still tracks connections, keeping their latest
  // frames for a panel that opens later (src/hook/late-join.ts): that work must be as invisible.
  describe('while nothing records the tab', () => {
    let dormant: LaunchedBrowser;
    beforeAll(async () => {
      dormant = await launchBrowser();
    });
    afterAll(async () => {
      await dormant?.close();
    });
    for (const name of ['fetch-consume', 'fetch-large', 'ws-identity', 'ws-subclass', 'es-identity', 'hostile-builtins', 'hostile-throwing-collections']) {
      it(name, async () => {
        await both(name, dormant);
      });
    }
  });
});
