/**
 * Streams started through frames the page creates itself: a just-created about:blank iframe's
 * `fetch` called on the top window, a srcdoc iframe's, one whose document the page wrote at
 * once, an opaque (data: URL) frame streaming by itself, and a srcdoc frame's first window used through `frames[0]` before any hook could
 * install there, which the capture must report instead of missing silently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startControlSession, waitForCapture, type ControlSession } from '../harness/control-session';

let s: ControlSession;
let server: http.Server;
let base = '';
/** Lets /held answer: until then the frame loading it keeps its first window (and its fetches) alive. */
let releaseHeld: () => void = () => undefined;
const held = new Promise<void>((r) => (releaseHeld = r));

/** The server's own text for /sse?k=<key>: the oracle the capture is compared with. */
const sseText = (key: string) => Array.from({ length: 12 }, (_, i) => `id: ${i}\ndata: {"delta":"${key}-${i} ünï "}\n\n`).join('');

beforeAll(async () => {
  s = await startControlSession();
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/sse') {
      res.setHeader('content-type', 'text/event-stream');
      // An opaque frame's origin is 'null': it may read the stream only with CORS.
      res.setHeader('access-control-allow-origin', '*');
      const key = url.searchParams.get('k') ?? '';
      res.end(sseText(key));
      return;
    }
    if (url.pathname === '/held') {
      // A frame whose document arrives only when the test says: until then its first window
      // (about:blank, which no content script runs in) stays alive, and so does what it fetched.
      void held.then(() => {
        res.setHeader('content-type', 'text/html');
        res.end('<p>loaded</p>');
      });
      return;
    }
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>frames</title><body></body>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  releaseHeld();
  await s?.close();
  server?.close();
});

type Snap = Awaited<ReturnType<ControlSession['control']['snapshot']>>;
const capturedText = (snap: Snap, key: string) => {
  const c = snap.connections.find((x) => x.summary.url === `${base}/sse?k=${key}` && x.summary.state === 'ended');
  return c ? c.events.map((e) => e.text ?? '').join('') : null;
};

describe('a page streaming through frames it creates', () => {
  it('is captured through a just-created about:blank iframe’s fetch, called on the top window', async () => {
    await s.page.goto(`${base}/blank`);
    const read = await s.page.evaluate(async () => {
      const f = document.createElement('iframe');
      document.body.append(f);
      const res = await f.contentWindow!.fetch.call(window, '/sse?k=blank');
      return res.text();
    });
    expect(read).toBe(sseText('blank'));
    expect(await waitForCapture(s.control, 'the about:blank frame’s stream', (sn) => capturedText(sn, 'blank'))).toBe(sseText('blank'));
    // Once: the frame's own hook joined the page's instead of wrapping fetch a second time.
    expect((await s.control.snapshot()).connections.filter((c) => c.summary.url === `${base}/sse?k=blank`)).toHaveLength(1);
  });

  it('is captured through a srcdoc iframe’s fetch used in the task that created it', async () => {
    await s.page.goto(`${base}/srcdoc`);
    const read = await s.page.evaluate(async () => {
      const f = document.createElement('iframe');
      f.srcdoc = '<p>inner</p>';
      document.body.append(f);
      const res = await f.contentWindow!.fetch.call(window, '/sse?k=srcdoc');
      return res.text();
    });
    expect(read).toBe(sseText('srcdoc'));
    expect(await waitForCapture(s.control, 'the srcdoc frame’s stream', (sn) => capturedText(sn, 'srcdoc'))).toBe(sseText('srcdoc'));
    // Once, although the srcdoc document's own hook ran later in the same window.
    const snap = await s.control.snapshot();
    expect(snap.connections.filter((c) => c.summary.url === `${base}/sse?k=srcdoc`)).toHaveLength(1);
  });

  it('is captured through an about:blank iframe the page wrote its document into', async () => {
    await s.page.goto(`${base}/write`);
    const read = await s.page.evaluate(async () => {
      const f = document.createElement('iframe');
      document.body.append(f);
      const doc = f.contentDocument!;
      doc.open();
      doc.write('<!doctype html><p>written</p>');
      doc.close();
      const res = await f.contentWindow!.fetch('/sse?k=write');
      return res.text();
    });
    expect(read).toBe(sseText('write'));
    expect(await waitForCapture(s.control, 'the written frame’s stream', (sn) => capturedText(sn, 'write'))).toBe(sseText('write'));
    expect((await s.control.snapshot()).connections.filter((c) => c.summary.url === `${base}/sse?k=write`)).toHaveLength(1);
  });

  it('is captured in an opaque data: frame that streams by itself', async () => {
    await s.page.goto(`${base}/data`);
    const inner = `<script>fetch(${JSON.stringify(`${base}/sse?k=opaque`)}).then((r) => r.text()).then((t) => parent.postMessage(t, '*'))</script>`;
    const read = await s.page.evaluate(async (src) => {
      const got = new Promise<string>((r) => addEventListener('message', (e) => r(String(e.data)), { once: true }));
      const f = document.createElement('iframe');
      f.src = `data:text/html,${encodeURIComponent(src)}`;
      document.body.append(f);
      return got;
    }, inner);
    expect(read).toBe(sseText('opaque'));
    expect(await waitForCapture(s.control, 'the data: frame’s stream', (sn) => capturedText(sn, 'opaque'))).toBe(sseText('opaque'));
  });

  it('reports a stream started through frames[0] before any hook could reach the frame', async () => {
    await s.page.goto(`${base}/early`);
    const read = await s.page.evaluate(async () => {
      const f = document.createElement('iframe');
      f.src = '/held';
      document.body.append(f);
      // window.frames cannot be intercepted: this fetch is ahead of every hook.
      const res = await (window.frames[0] as Window & typeof globalThis).fetch('/sse?k=early');
      return res.text();
    });
    expect(read).toBe(sseText('early'));
    releaseHeld();
    const signal = await waitForCapture(s.control, 'the frame signal', (sn) => sn.signals.find((x) => x.signal === 'frame'));
    expect(signal.detail).toContain(`${base}/sse?k=early`);
  });
});
