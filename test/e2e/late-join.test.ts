/**
 * Opened late, still complete: a page whose WebSocket and SSE fetch stream opened at load,
 * before anything recorded the tab, is attached only once both are streaming. The capture must
 * hold both connections, marked as joined late, with their true open time, every frame the
 * hook's buffer kept from before the attach and every frame after it — byte for byte what the
 * server logged sending — and, when the buffer overflowed, exactly how many frames it lost.
 * Then a real Socket.IO chat opened before the real DevTools panel: the answer's stream is in
 * the capture and the panel lists it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from '../../src/cli/chromium';
import { openControl, tabIdOf, type Control } from '../../src/cli/control';
import { openPanel } from '../../src/cli/devtools-panel';
import { LATE_BUFFER_BYTES, LATE_FRAMES_PER_CONNECTION } from '../../src/hook/late-join';
import type { ConnectionCapture } from '../../src/core/trace/model';
import { waitForCapture } from '../harness/control-session';
import { socketioVariants } from '../zoo/socketio';

/** What the server sent and received, per stream: the oracle. */
interface StreamLog {
  sent: string[];
  received: string[];
  /** Sends the frames after the attach and ends the stream. */
  release?: () => void;
  /** With `hold=1`: sends the first frames, which the server holds until then. */
  start?: () => void;
}

interface LateServer {
  origin: string;
  logs: Map<string, StreamLog>;
  close(): Promise<void>;
}

/**
 * Frames of the test streams: text with multi-byte characters, sizes varied, so that a byte
 * count or a frame boundary that is off shows.
 */
const frameText = (stream: string, i: number, size: number): string => {
  const head = `${stream}#${i} é€ `;
  return head + 'x'.repeat(Math.max(0, size - Buffer.byteLength(head)));
};

const PAGE = `<!doctype html><meta charset="utf-8"><title>late join</title><script>
  const q = new URLSearchParams(location.search);
  const run = q.get('run');
  window.__late = { ws: [], sse: '', wsClosed: false, sseDone: false };
  const ws = new WebSocket('ws://' + location.host + '/ws?run=' + run + '&frames=' + q.get('frames') + '&size=' + q.get('size') + '&hold=' + q.get('hold'));
  ws.onopen = () => { window.__late.wsOpen = true; if (q.get('hello') === '1') ws.send('hello from the page, café'); };
  ws.onmessage = (e) => window.__late.ws.push(e.data);
  ws.onclose = () => { window.__late.wsClosed = true; };
  if (q.get('sse') === '1') {
    fetch('/sse?run=' + run).then(async (res) => {
      const reader = res.body.getReader();
      const dec = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        window.__late.sse += dec.decode(value, { stream: true });
      }
      window.__late.sseDone = true;
    });
  }
</script>`;

async function startLateServer(): Promise<LateServer> {
  const logs = new Map<string, StreamLog>();
  const logOf = (key: string): StreamLog => {
    let log = logs.get(key);
    if (!log) logs.set(key, (log = { sent: [], received: [] }));
    return log;
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
      return;
    }
    if (url.pathname === '/sse') {
      const log = logOf(`sse:${url.searchParams.get('run')}`);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      const send = (i: number) => {
        const chunk = `id: ${i}\ndata: ${JSON.stringify({ i, text: frameText('sse', i, 40 + ((i * 13) % 90)) })}\n\n`;
        log.sent.push(chunk);
        res.write(chunk);
      };
      for (let i = 0; i < 12; i++) send(i);
      log.release = () => {
        for (let i = 12; i < 20; i++) send(i);
        res.end();
      };
      return;
    }
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws: WsSocket, req: IncomingMessage) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const log = logOf(`ws:${url.searchParams.get('run')}`);
    const frames = Number(url.searchParams.get('frames'));
    const size = Number(url.searchParams.get('size'));
    ws.on('message', (data) => log.received.push(data.toString('utf8')));
    const send = (i: number) => {
      const text = frameText('ws', i, size + ((i * 37) % 200));
      log.sent.push(text);
      ws.send(text);
    };
    const first = () => {
      for (let i = 0; i < frames; i++) send(i);
    };
    if (url.searchParams.get('hold') === '1') log.start = first;
    else first();
    log.release = () => {
      for (let i = frames; i < frames + 5; i++) send(i);
      ws.close(1000, 'done');
    };
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logs,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

let server: LateServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = await startLateServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const inTexts = (c: ConnectionCapture) => c.events.filter((e) => e.dir === 'in').map((e) => e.text);
const outTexts = (c: ConnectionCapture) => c.events.filter((e) => e.dir === 'out').map((e) => e.text);

/**
 * Loads the page with nothing recording its tab, waits until the page itself has received
 * what the server sent before the attach, then attaches a control (as an opening panel does).
 *
 * `dormantFirst` (a run whose WebSocket was opened with `hold=1`): the server sends its first
 * frames only once the hook is dormant. Until the extension answers, the hook is pending and
 * keeps everything for a panel that may be open (emit.ts); on a loaded machine that answer can
 * come after a fast stream's frames, which then would not be heard as a dormant hook hears them.
 * A capture flush reaches the hook after the extension's answer (app.ts `flush-capture`), so
 * once it is answered the hook has gone dormant.
 */
async function loadThenAttach(query: string, ready: string, dormantFirst: string | null = null): Promise<{ control: Control; attachedAt: number; page: Page; close: () => Promise<void> }> {
  const page = await browser.context.newPage();
  const url = `${server.origin}/?${query}`;
  await page.goto(url);
  const control = await openControl(browser.context, browser.extensionId!);
  const tabId = await tabIdOf(control, url);
  if (dormantFirst) {
    await page.waitForFunction('window.__late.wsOpen === true', null, { timeout: 20_000 });
    await control.client.request('flush-capture', { tabId });
    server.logs.get(`ws:${dormantFirst}`)!.start!();
  }
  await page.waitForFunction(ready, null, { timeout: 20_000 });
  const attachedAt = Date.now();
  await control.attach(tabId);
  return {
    control,
    attachedAt,
    page,
    close: async () => {
      await control.page.close();
      await page.close();
    },
  };
}

describe('connections opened before anything recorded join the capture late', () => {
  it('a WebSocket and an SSE fetch already streaming: complete from their first byte, byte-exact against the server log', async () => {
    const run = 'complete';
    const s = await loadThenAttach(`run=${run}&frames=10&size=300&sse=1&hello=1`, `window.__late.ws.length === 10 && (window.__late.sse.match(/\\n\\n/g) ?? []).length === 12`);
    try {
      const joined = await waitForCapture(s.control, 'both connections, joined late', (snap) => {
        const ws = snap.connections.find((c) => c.summary.kind === 'websocket' && c.summary.url.includes(`run=${run}`));
        const sse = snap.connections.find((c) => c.summary.kind === 'fetch' && c.summary.url.includes(`/sse?run=${run}`));
        return ws && sse ? { ws, sse } : null;
      });
      for (const c of [joined.ws, joined.sse]) {
        expect(c.summary.joinedLate).toEqual({ missedFrames: 0, missedBytes: 0 });
        // Its true open time, from before the attach, not the moment it was announced.
        expect(c.summary.startedAt).toBeLessThan(s.attachedAt);
      }
      expect(joined.ws.summary.status).toBe(101);
      expect(joined.sse.summary.status).toBe(200);

      // Now the frames after the attach.
      server.logs.get(`ws:${run}`)!.release!();
      server.logs.get(`sse:${run}`)!.release!();
      const done = await waitForCapture(s.control, 'both connections ended', (snap) => {
        const ws = snap.connections.find((c) => c.summary.id === joined.ws.summary.id);
        const sse = snap.connections.find((c) => c.summary.id === joined.sse.summary.id);
        return ws?.summary.state === 'ended' && sse?.summary.state === 'ended' ? { ws, sse } : null;
      }, 20_000);
      const wsLog = server.logs.get(`ws:${run}`)!;
      const sseLog = server.logs.get(`sse:${run}`)!;
      expect(wsLog.sent).toHaveLength(15);
      expect(inTexts(done.ws)).toEqual(wsLog.sent);
      expect(outTexts(done.ws)).toEqual(wsLog.received);
      expect(wsLog.received).toEqual(['hello from the page, café']);
      expect(done.ws.summary.bytesIn).toBe(wsLog.sent.reduce((n, t) => n + Buffer.byteLength(t), 0));
      expect(done.ws.summary.end).toBe('server-close');
      // Chunk boundaries are the browser's; the bytes are the server's.
      expect(inTexts(done.sse).join('')).toBe(sseLog.sent.join(''));
      expect(done.sse.summary.bytesIn).toBe(Buffer.byteLength(sseLog.sent.join('')));
      expect(done.sse.summary.end).toBe('clean');
    } finally {
      await s.close();
    }
  }, 90_000);

  it('a WebSocket that sent more than the buffer holds: the oldest frames are counted as missed, exactly, and the rest are there', async () => {
    const run = 'overflow';
    const frames = 120;
    const s = await loadThenAttach(`run=${run}&frames=${frames}&size=3000&sse=0&hello=0`, `window.__late.ws.length === ${frames}`);
    try {
      const ws = await waitForCapture(s.control, 'the WebSocket, joined late', (snap) => snap.connections.find((c) => c.summary.kind === 'websocket' && c.summary.url.includes(`run=${run}`)));
      const log = server.logs.get(`ws:${run}`)!;
      const before = [...log.sent];
      // The oracle: the most recent frames whose bytes fit the buffer, from the server's log.
      let kept = 0;
      let bytes = 0;
      while (kept < before.length && bytes + Buffer.byteLength(before[before.length - 1 - kept]!) <= LATE_BUFFER_BYTES) {
        bytes += Buffer.byteLength(before[before.length - 1 - kept]!);
        kept += 1;
      }
      const missed = before.slice(0, before.length - kept);
      expect(missed.length).toBeGreaterThan(0);
      expect(ws.summary.joinedLate).toEqual({ missedFrames: missed.length, missedBytes: missed.reduce((n, t) => n + Buffer.byteLength(t), 0) });

      log.release!();
      const done = await waitForCapture(s.control, 'the WebSocket ended', (snap) => {
        const c = snap.connections.find((x) => x.summary.id === ws.summary.id);
        return c?.summary.state === 'ended' ? c : null;
      }, 20_000);
      expect(inTexts(done)).toEqual(log.sent.slice(missed.length));
    } finally {
      await s.close();
    }
  }, 90_000);
});

describe('a long stream while nothing records: the hook stops listening after its first frames', () => {
  it('joins with its first frames byte-exact and the gap said to be uncounted; after the join it is heard again, and a stall it can no longer apply is refused, saying why', async () => {
    const run = 'unheard';
    const frames = LATE_FRAMES_PER_CONNECTION + 40;
    const s = await loadThenAttach(`run=${run}&frames=${frames}&size=60&sse=0&hello=0&hold=1`, `window.__late.ws.length === ${frames}`, run);
    try {
      const ws = await waitForCapture(s.control, 'the WebSocket, joined late', (snap) => snap.connections.find((c) => c.summary.kind === 'websocket' && c.summary.url.includes(`run=${run}`)));
      const log = server.logs.get(`ws:${run}`)!;
      expect(ws.summary.joinedLate).toEqual({ missedFrames: 0, missedBytes: 0, uncounted: true });
      // What the hook heard before it went quiet, exactly the server's first frames.
      expect(inTexts(ws)).toEqual(log.sent.slice(0, LATE_FRAMES_PER_CONNECTION));

      // Heard again, but behind the app's onmessage: a stall cannot hold a message back from
      // the app any more, so it is refused, with the reason in the capture, and the app keeps
      // getting every frame.
      const faultId = `stall-${run}`;
      await s.control.armFault({ id: faultId, kind: 'stall', stallMs: 3_600_000, stallThen: 'deliver', trigger: { kind: 'now' }, scope: { kind: 'tab' }, probability: 1, once: true });
      const refused = await waitForCapture(s.control, 'the stall answered', (snap) => snap.faults.find((f) => f.id === faultId));
      expect(refused.detail).toMatch(/^not injected: this connection joined late after the inspector had stopped listening to it/);
      log.release!();
      await s.page.waitForFunction(`window.__late.ws.length === ${frames + 5}`, null, { timeout: 20_000 });
      expect(await s.page.evaluate(() => (window as unknown as { __late: { ws: string[] } }).__late.ws)).toEqual(log.sent);
      const done = await waitForCapture(s.control, 'the released frames captured', (snap) => {
        const c = snap.connections.find((x) => x.summary.id === ws.summary.id);
        return c && inTexts(c).length === LATE_FRAMES_PER_CONNECTION + 5 ? c : null;
      }, 20_000);
      expect(inTexts(done)).toEqual([...log.sent.slice(0, LATE_FRAMES_PER_CONNECTION), ...log.sent.slice(-5)]);
    } finally {
      await s.close();
    }
  }, 90_000);
});

describe('a Socket.IO chat opened before the DevTools panel', () => {
  it('after the panel opens and a prompt, the answer’s stream is in the capture and the panel lists it', async () => {
    const app = await socketioVariants.find((v) => v.id === 'socketio-plain')!.start();
    const devtools = await launchBrowser({ devtools: true });
    try {
      const page = devtools.context.pages()[0] ?? (await devtools.context.newPage());
      const url = `${app.origin}${app.path}`;
      // The app's WebSocket has opened and carried a frame before the panel exists (seen from
      // the browser's side, through CDP, not through our hook).
      const socketUp = new Promise<void>((resolve) =>
        page.on('websocket', (ws) => {
          if (ws.url().includes('/socket.io/')) ws.once('framereceived', () => resolve());
        }),
      );
      await page.goto(url);
      await socketUp;
      const panel = await openPanel(devtools.cdp, devtools.extensionId!, url);
      const prompt = 'How do durable chat sessions survive a dropped connection?';
      await page.bringToFront();
      await page.fill(app.ui.input, prompt);
      await page.click(app.ui.send);
      const answer = app.answer(prompt);
      await page.waitForFunction(({ sel, text }) => document.querySelector(sel)?.textContent === text, { sel: app.ui.answer, text: answer }, { timeout: 60_000 });

      // The panel lists the socket, joined late, with the answer's frames.
      await panel.waitFor(`[...document.querySelectorAll('table.connections tbody tr')].some((r) => r.innerText.includes('joined late') && Number(r.querySelector('td.events')?.innerText) > 0)`, 'the joined-late socket with events in the panel', 30_000);
      expect(await panel.text()).not.toContain('No streaming connections yet');

      // And the capture holds the whole answer: the tokens of the frames, in order, are the model's answer.
      const control = await openControl(devtools.context, devtools.extensionId!);
      await control.attach(await tabIdOf(control, url));
      const tokens = await waitForCapture(control, 'the answer in the socket frames', (snap) => {
        for (const c of snap.connections) {
          if (c.summary.kind !== 'websocket' || !c.summary.joinedLate) continue;
          const text = c.events
            .filter((e) => e.dir === 'in' && e.text?.startsWith('42'))
            .map((e) => JSON.parse(e.text!.slice(2)) as [string, { token?: string }])
            .filter(([name]) => name === 'token')
            .map(([, p]) => p.token ?? '')
            .join('');
          if (text === answer) return text;
        }
        return null;
      }, 20_000);
      expect(tokens).toBe(answer);
    } finally {
      await devtools.close();
      await app.close();
    }
  }, 180_000);
});
