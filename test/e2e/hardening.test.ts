/**
 * A hostile page and a faulty world: the page gains nothing beyond its own tab's capture, the
 * extension keeps working, and capture survives a service-worker restart, an extension reload
 * and a recording panel that goes away and comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { startControlSession, waitForCapture, assistantText, type ControlSession } from '../harness/control-session';
import { openControl, tabIdOf } from '../../src/cli/control';
import { isUntrusted } from '../../src/core/trace/model';
import { analyzeConnection, answerText } from '../../src/core/analysis';
import { generateTokens } from '../../demo/model';
import { firstClick, startPressServer, type PressServer } from '../harness/press-page';
import { startWsControlServer, type WsControlServer } from './ws-control/server';
import type { WsRecording } from '../../src/core/replay/socket-recording';

let s: ControlSession;
let hostile: http.Server;
let hostileUrl = '';
let press: PressServer;
let wsApp: WsControlServer;

beforeAll(async () => {
  s = await startControlSession({ tokensPerSecond: 30, tokens: 90 });
  const script = readFileSync(new URL('./hardening/hostile.js', import.meta.url), 'utf8');
  hostile = http.createServer((req, res) => {
    if (req.url?.startsWith('/flood')) {
      // 12 MiB in 64 KiB SSE events: a page's own stream, as big as it likes.
      res.setHeader('content-type', 'text/event-stream');
      const line = `data: ${'f'.repeat(64 * 1024 - 8)}\n\n`;
      for (let i = 0; i < 192; i++) res.write(line);
      res.end();
      return;
    }
    if (req.url?.startsWith('/sse')) {
      res.setHeader('content-type', 'text/event-stream');
      for (let i = 0; i < 20; i++) res.write(`id: ${i}\ndata: {"delta":"t${i} "}\n\n`);
      res.end();
      return;
    }
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>hostile</title><script>${script}</script>`);
  });
  await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
  press = await startPressServer();
  wsApp = await startWsControlServer();
  hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/hostile`;
});
afterAll(async () => {
  await s?.close();
  hostile?.close();
  await press?.close();
  await wsApp?.close();
});

describe('a hostile page', () => {
  it('cannot hold more than the tab’s byte budget: the oldest payloads go, and the capture says so', async () => {
    await s.browser.serviceWorker!.evaluate(() => (globalThis as unknown as { chrome: typeof chrome }).chrome.storage.local.set({ captureBudgetMiB: 4 }));
    try {
      await s.page.goto(`${hostileUrl}?flood`);
      const read = await s.page.evaluate(async () => (await (await fetch('/flood')).text()).length);
      expect(read).toBe(192 * 64 * 1024);
      const snap = await waitForCapture(s.control, 'the budget notice', (sn) => (sn.signals.some((x) => x.signal === 'capture-lost') && sn.connections.some((c) => c.summary.url.endsWith('/flood') && c.summary.state === 'ended') ? sn : null));
      const flood = snap.connections.find((c) => c.summary.url.endsWith('/flood'))!;
      const held = flood.events.reduce((n, e) => n + (e.text?.length ?? 0) + (e.base64?.length ?? 0), 0);
      expect(held).toBeLessThanOrEqual(4 * 1024 * 1024);
      // Every event is still there, with its size; the newest kept its data.
      expect(flood.events.reduce((n, e) => n + e.size, 0)).toBe(192 * 64 * 1024);
      expect(flood.events.at(-1)!.text).not.toBeNull();
      expect(snap.signals.find((x) => x.signal === 'capture-lost')!.detail).toMatch(/within its 4\.0 MiB capture budget/);
    } finally {
      await s.browser.serviceWorker!.evaluate(() => (globalThis as unknown as { chrome: typeof chrome }).chrome.storage.local.remove('captureBudgetMiB'));
    }
  });

  it('gains nothing: no tab opened, no other capture read, the hook’s channel neither seen nor joined', async () => {
    // Another tab with its own capture, which the hostile page must never reach.
    const other = await s.browser.context.newPage();
    await other.goto(`${s.demo.url}/trapped-sse/?other=1`);

    await s.page.goto(hostileUrl);
    const pagesBefore = s.browser.context.pages().length;
    await s.page.evaluate(() => (window as unknown as { __attack(): void }).__attack());
    expect(await s.page.evaluate(() => (window as unknown as { __stream(): Promise<number> }).__stream())).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1000));

    expect(s.browser.context.pages().length).toBe(pagesBefore);
    expect(s.page.url()).toBe(hostileUrl);
    const log = await s.page.evaluate(() => (window as unknown as { __hostileLog: { errors: string[]; commands: string[]; messages: number; sniffed: string[] } }).__hostileLog);
    // Its own postMessage calls are all it saw: nothing of ours arrives as a message.
    expect(log.messages).toBe(7);
    expect(log.errors).toEqual([]);
    // The hook and the relay talk over a private port: no command, no batch, no hook id on window.
    expect(log.commands).toEqual([]);
    expect(log.sniffed).toEqual([]);

    const snap = await waitForCapture(s.control, 'the real stream', (sn) => (sn.connections.some((c) => c.summary.url.endsWith('/sse?n=20') && c.summary.state === 'ended') ? sn : null));
    const real = snap.connections.find((c) => c.summary.url.endsWith('/sse?n=20'))!;
    expect(isUntrusted(real.summary)).toBe(false);
    // Nothing it posted on window reached the capture: no forged connection, signal or fault.
    expect(snap.connections.filter((c) => c.summary.url.includes('forged.invalid'))).toEqual([]);
    expect(snap.signals.filter((x) => x.detail === 'forged')).toEqual([]);
    expect(snap.faults.filter((f) => f.id === 'forged-drop')).toEqual([]);
    expect(snap.signals.map((x) => x.signal)).not.toContain('capture-lost');

    // The other tab's capture has none of it.
    const control2 = await openControl(s.browser.context, s.browser.extensionId!);
    await control2.attach(await tabIdOf(control2, `${s.demo.url}/trapped-sse/?other=1`));
    expect((await control2.snapshot()).connections.some((c) => c.summary.url.includes('forged.invalid'))).toBe(false);
    await control2.close();
    await other.close();
  });

  it('cannot make the relay press its stop control, which a second-tab-cancel test does press, once', async () => {
    await s.page.goto(press.url);
    await s.page.waitForFunction(() => document.querySelector('#stop') !== null);
    // Once more now that the relay listens for sure; every window message it posted has arrived
    // (so any listener on window has run) when the page has received them all itself.
    await s.page.evaluate(() => (window as unknown as { __pressAttack(): void }).__pressAttack());
    await s.page.waitForFunction(() => {
      const log = (window as unknown as { __pressLog: { posted: number; delivered: number } }).__pressLog;
      return log.delivered === log.posted;
    });
    const tabA = await s.page.evaluate(() => (window as unknown as { __pressLog: { doc: string; clicks: number; posted: number; commands: number } }).__pressLog);
    // Both rounds ran: every command as a window message and after a fake port handover.
    expect(tabA.commands).toBeGreaterThan(0);
    expect(tabA.posted).toBe(2 * 2 * tabA.commands);
    expect(tabA.clicks).toBe(0);

    // The background's command: the test opens this page in a second tab (which attacks too as
    // it loads) and presses stop there through that tab's relay.
    const run = await s.control.runTest('second-tab-cancel', { waitForGenerationMs: 15_000, timeoutMs: 15_000 });
    await firstClick(press);
    // One click, in the second tab's document: none in this tab, none from any attack.
    expect(press.clicks).toHaveLength(1);
    expect(press.clicks[0]).not.toBe(tabA.doc);
    expect(await s.page.evaluate(() => (window as unknown as { __pressLog: { clicks: number } }).__pressLog.clicks)).toBe(0);
    // The test itself ran and found the control (its verdict is about cancels, which this page has none of).
    expect(run.verdict.reason).not.toMatch(/could not run|no stop control/i);
  });

  it('cannot arm, replace or read a mock: forged arm-replay commands serve nothing, the panel’s mock is served as armed', async () => {
    await s.page.goto(hostileUrl);
    const origin = new URL(hostileUrl).origin;
    const forge = (text: string) =>
      s.page.evaluate(({ origin, text }) => {
        const recording = { method: 'GET', url: `${origin}/sse`, status: 200, statusText: '', headers: [['content-type', 'text/event-stream']], chunks: [{ at: 0, text }], end: { kind: 'close', at: 0 } };
        const commands = [
          { type: 'arm-replay', recording, scale: 0 },
          { type: 'replay', tabId: 1, recording, scale: 0 },
        ];
        for (const c of commands) {
          const msg = { source: 'durable-sessions-inspector', v: 1, ...c };
          dispatchEvent(new CustomEvent('__durable_sessions_command', { detail: msg }));
          dispatchEvent(new CustomEvent('__durable_sessions_capture', { detail: msg }));
          postMessage(msg, '*');
        }
        // Every window message has arrived (so every listener ran) once the page has them all.
        return new Promise<void>((resolve) => {
          let seen = 0;
          addEventListener('message', function count() {
            if (++seen === commands.length) {
              removeEventListener('message', count);
              resolve();
            }
          });
        });
      }, { origin, text });
    const read = () => s.page.evaluate(async () => (await fetch('/sse')).text());

    await forge('data: {"delta":"forged"}\n\n');
    // The page's own request still goes to its server.
    expect(await read()).toContain('t19 ');

    const mocked = 'data: {"delta":"from the panel"}\n\n';
    await s.control.replay({ method: 'GET', url: `${origin}/sse`, status: 200, statusText: '', headers: [['content-type', 'text/event-stream']], chunks: [{ at: 0, text: mocked }], end: { kind: 'close', at: 0 } }, 0);
    await forge('data: {"delta":"forged over the mock"}\n\n');
    // Nothing of the armed mock is on the page's window before it is served.
    expect(await s.page.evaluate(() => JSON.stringify(Object.keys(window)).includes('from the panel'))).toBe(false);
    expect(await read()).toBe(mocked);
    // The forged ones did not queue behind it either.
    expect(await read()).toContain('t19 ');
  });

  it('cannot arm or read a WebSocket replay: forged arm-replay commands serve no socket, the panel’s replay is served as armed', async () => {
    await s.page.goto(`${wsApp.url}/?hostile=replay`);
    const url = `${wsApp.url.replace('http', 'ws')}/ws`;
    const recordingOf = (text: string): WsRecording => ({ kind: 'websocket', url, protocol: '', extensions: '', frames: [{ at: 0, dir: 'in', text, base64: null }] });
    const forge = () =>
      s.page.evaluate((recording) => {
        const source = 'durable-sessions-inspector';
        const commands = [{ type: 'arm-replay', recording, scale: 0 }, { type: 'replay', tabId: 1, recording, scale: 0 }];
        for (const c of commands) {
          const msg = { source, v: 1, ...c };
          dispatchEvent(new CustomEvent('__durable_sessions_command', { detail: msg }));
          dispatchEvent(new CustomEvent('__durable_sessions_capture', { detail: msg }));
          postMessage(msg, '*');
        }
        return new Promise<void>((resolve) => {
          let seen = 0;
          addEventListener('message', function count() {
            if (++seen === commands.length) {
              removeEventListener('message', count);
              resolve();
            }
          });
        });
      }, recordingOf('forged'));
    /** Opens the app's socket and returns the text of the first message it got (the server greets with 'hello'). */
    const connect = async () => {
      await s.page.evaluate(() => ((window as unknown as { __log: unknown[] }).__log.length = 0));
      await s.page.evaluate(() => (window as unknown as { __connect: (bt: string) => Promise<void> }).__connect('blob'));
      await s.page.waitForFunction(() => (window as unknown as { __log: unknown[] }).__log.length > 0);
      return s.page.evaluate(() => (window as unknown as { __log: Array<{ text?: string }> }).__log[0]!.text);
    };
    const before = wsApp.received.length;
    await forge();
    expect(await connect()).toBe('hello');
    expect(wsApp.received.length).toBe(before + 1);

    await s.control.replay(recordingOf('from the panel'), 0);
    await forge();
    expect(await s.page.evaluate(() => JSON.stringify(Object.keys(window)).includes('from the panel'))).toBe(false);
    expect(await connect()).toBe('from the panel');
    expect(wsApp.received.length).toBe(before + 1);
    // The forged ones did not queue behind it: the next socket reaches the server.
    expect(await connect()).toBe('hello');
    expect(wsApp.received.length).toBe(before + 2);
  });

  it('cannot drive the WebSocket control, even knowing the connection’s ids: only the background’s command acts', async () => {
    await s.page.goto(`${wsApp.url}/?hostile=1`);
    const socket = wsApp.received.length;
    await s.page.evaluate(() => (window as unknown as { __connect: (bt: string) => Promise<void> }).__connect('blob'));
    const c = await waitForCapture(s.control, 'the socket', (sn) => sn.connections.find((x) => x.summary.kind === 'websocket' && x.summary.state === 'open'));
    const conn = c.summary.id;
    // The worst case: the page learnt both the panel's id and the hook's own.
    const forged = await s.page.evaluate((ids) => {
      const source = 'durable-sessions-inspector';
      const actions = [
        { kind: 'send', data: { binary: false, value: 'forged send' } },
        { kind: 'inject', data: { binary: false, value: 'forged inject' } },
        { kind: 'block', dir: 'in', hold: false },
        { kind: 'close', code: 4666, reason: 'forged', wasClean: true },
      ];
      let n = 0;
      for (const conn of ids) {
        for (const action of actions) {
          for (const m of [{ source, v: 1, type: 'ws-control', conn, action }, { source, v: 1, type: 'ws-control', tabId: 1, conn, action }]) {
            n += 1;
            postMessage(m, '*');
            for (const name of ['__durable_sessions_command', '__durable_sessions_capture', '__durable_sessions_port', 'message']) {
              dispatchEvent(new CustomEvent(name, { detail: m }));
              document.dispatchEvent(new CustomEvent(name, { detail: m, bubbles: true }));
            }
            const channel = new MessageChannel();
            postMessage({ __durable_sessions_port: true }, '*', [channel.port2]);
            channel.port1.postMessage(m);
            dispatchEvent(new MessageEvent('message', { data: { __durable_sessions_port: true }, ports: [new MessageChannel().port2] }));
          }
        }
      }
      return n;
    }, [conn, conn.slice(conn.indexOf(':') + 1)]);
    expect(forged).toBe(16);
    // The background's own command, sent after all of them, is carried out: by then any forgery would have been too.
    await s.control.wsControl(conn, { kind: 'inject', data: { binary: false, value: 'real inject' } });
    await s.page.waitForFunction(() => (window as unknown as { __log: Array<{ text?: string }> }).__log.some((e) => e.text === 'real inject'));
    const log = await s.page.evaluate(() => (window as unknown as { __log: Array<{ type: string; text?: string | null; via?: string }> }).__log);
    expect(log.filter((e) => e.via === 'onmessage').map((e) => e.text)).toEqual(['hello', 'real inject']);
    expect(log.some((e) => e.type === 'close')).toBe(false);
    expect(wsApp.received[socket]).toEqual([]);
    const after = await waitForCapture(s.control, 'the real inject', (sn) => sn.connections.find((x) => x.summary.id === conn && x.events.some((e) => e.mark === 'injected')));
    expect(after.summary.controls?.map((n) => n.action)).toEqual(['inject']);
  });

  it('leaves the extension working for the next page', async () => {
    await s.page.goto(`${s.demo.url}/trapped-sse/`);
    await s.page.getByLabel('Prompt').fill('after the hostile page');
    await s.page.getByRole('button', { name: 'Send' }).click();
    await s.page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 30_000 });
    await waitForCapture(s.control, 'the next page’s stream', (sn) => sn.connections.find((c) => c.summary.url.endsWith('/trapped-sse/api/chat') && c.summary.state === 'ended'));
  });
});

describe('a faulty world', () => {
  it('loses no event when the service worker is killed mid-capture', async () => {
    await s.page.goto(`${s.demo.url}/durable-sse/`);
    await s.page.getByLabel('Prompt').fill('kill the worker');
    await s.page.getByRole('button', { name: 'Send' }).click();
    await s.page.waitForFunction(() => (document.querySelector('.message.assistant')?.textContent ?? '').length > 40);
    const worker = (await s.browser.cdp.targets()).find((t) => t.type === 'service_worker');
    expect(worker).toBeDefined();
    await s.browser.cdp.send('Target.closeTarget', { targetId: worker!.targetId });
    await s.page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 30_000 });
    const text = generateTokens('kill the worker', 1, 90).join('');
    expect(await assistantText(s.page)).toBe(text);
    const stream = await waitForCapture(s.control, 'the whole run stream', (sn) => sn.connections.find((c) => c.summary.url.includes('/durable-sse/api/runs/') && c.summary.state === 'ended'));
    const captured = stream.events.map((e) => e.text ?? '').join('');
    const deltas = [...captured.matchAll(/"delta":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string).join('');
    expect(deltas).toBe(text);
    expect((await s.control.snapshot()).signals.map((x) => x.signal)).not.toContain('capture-lost');
  });

  it('loses nothing of a stream while no panel was recording: what the hook kept fills the gap', async () => {
    await s.page.goto(`${s.demo.url}/trapped-sse/`);
    await s.page.getByLabel('Prompt').fill('panel closes');
    await s.page.getByRole('button', { name: 'Send' }).click();
    const shown = () => s.page.evaluate(() => (document.querySelector('.message.assistant')?.textContent ?? '').length);
    await s.page.waitForFunction(() => (document.querySelector('.message.assistant')?.textContent ?? '').length > 20);
    const tabId = s.control.tabId;
    await s.control.close(); // DevTools closed: the tab goes dormant
    // The stream goes on while nothing records: wait until the page has shown more of it.
    const before = await shown();
    await s.page.waitForFunction((n) => (document.querySelector('.message.assistant')?.textContent ?? '').length > n + 20, before);
    s.control = await openControl(s.browser.context, s.browser.extensionId!);
    await s.control.attach(tabId); // and reopened mid-stream
    await s.page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 30_000 });
    const pageText = await s.page.evaluate(() => document.querySelector('.message.assistant')?.textContent ?? '');
    const snap = await waitForCapture(s.control, 'the chat stream ended', (sn) =>
      sn.connections.some((c) => c.summary.url.endsWith('/trapped-sse/api/chat') && c.summary.state === 'ended') ? sn : null,
    );
    const chat = snap.connections.find((c) => c.summary.url.endsWith('/trapped-sse/api/chat'))!;
    expect(answerText(analyzeConnection(chat))).toBe(pageText);
    // Nothing was lost, so nothing is said to be missing.
    expect(snap.signals.map((x) => x.signal)).not.toContain('capture-paused');
  });

  it('an extension reload leaves the open page working, and its orphaned hook goes quiet', async () => {
    await s.page.goto(`${s.demo.url}/trapped-sse/`);
    await s.page.evaluate(() => {
      const w = window as unknown as { __cmds: string[]; __errors: string[] };
      w.__cmds = [];
      w.__errors = [];
      addEventListener('__durable_sessions_command', (e) => w.__cmds.push(JSON.stringify((e as CustomEvent).detail)));
      addEventListener('error', (e) => w.__errors.push(e.message));
    });
    // The reload unloads the extension and closes every page of it: once the control page is
    // closed, the old service worker, and the relay's port to it, are gone.
    const oldPage = s.control.page;
    const unloaded = oldPage.isClosed() ? Promise.resolve() : oldPage.waitForEvent('close', { timeout: 30_000 });
    await oldPage.evaluate(() => chrome.runtime.reload()).catch(() => undefined);
    await unloaded;
    await s.page.getByLabel('Prompt').fill('orphaned');
    await s.page.getByRole('button', { name: 'Send' }).click();
    await s.page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 30_000 });
    expect(await assistantText(s.page)).toBe(generateTokens('orphaned', 1, 90).join(''));
    const seen = await s.page.evaluate(() => {
      const w = window as unknown as { __cmds: string[]; __errors: string[] };
      return { __cmds: w.__cmds, __errors: w.__errors };
    });
    expect(seen.__errors).toEqual([]);
    // The orphaned relay told its hook to stop over their private port: the page saw nothing of it.
    expect(seen.__cmds).toEqual([]);
  });
});
