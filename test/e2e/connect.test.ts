/**
 * Connect and gRPC-web in real Chromium with the built extension: a real connect-node server
 * (HTTP/1.1, Connect and gRPC-web on) serves the page and `chat.v1.ChatService/Generate`; the
 * page calls it with connect-web's own transports (bundled for the browser), JSON and binary,
 * once ending in an error status. The standalone panel must name each stream with its codec
 * and RPC method and show, in Output, the text the real client decoded (the page's own return
 * value is the oracle), and the error status.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { launchBrowser, type LaunchedBrowser } from '../../src/cli/chromium';
import { poll, type PanelHandle } from '../../src/cli/devtools-panel';
import { clickButton, connectionRows, watchTabInPanel } from '../harness/panel';
import { bundleClient } from '../zoo/bundle';
import { chatRoutes, DELTAS, QUOTA_MESSAGE } from '../fixtures/protocols/connect/service';
import type { Wire } from './connect/client';

const METHOD = 'chat.v1.ChatService/Generate';
const ANSWER = DELTAS.join('');

interface Case {
  wire: Wire;
  failAfter: number;
  /** The panel's name for the stream, as a literal. */
  name: string;
}

const CASES: Case[] = [
  { wire: 'connect-json', failAfter: 0, name: `Connect (server streaming, JSON) · ${METHOD}` },
  { wire: 'grpc-web-json', failAfter: 4, name: `gRPC-web (JSON) · ${METHOD}` },
  { wire: 'grpc-web-proto', failAfter: 0, name: `gRPC-web (protobuf) · ${METHOD}` },
];

let server: http.Server;
let origin: string;
let browser: LaunchedBrowser;
let app: Page;
let panelPage: Page;
let panel: PanelHandle;
const received: Array<{ text: string; error: string | null }> = [];

interface Row {
  url: string;
  protocol: string;
  end: string;
}

const rows = async (): Promise<Row[]> => (await connectionRows(panel)).map((r) => ({ url: r.fullUrl, protocol: r.protocol, end: r.end }));

/** The Output view of the connection row whose Protocol cell is `name`. */
async function outputOf(name: string): Promise<{ heading: string; text: string; badge: string }> {
  await panel.evaluate(`(() => {
    const table = document.querySelector('table[aria-label="Streaming connections"]');
    const col = [...table.querySelectorAll('thead th')].map((th) => th.innerText.trim()).indexOf('Protocol');
    const tr = [...table.querySelectorAll('tbody tr')].find((tr) => tr.cells[col].innerText.trim() === ${JSON.stringify(name)});
    if (!tr) throw new Error('no row for ${name}');
    tr.click();
  })()`);
  await poll(async () => ((await panel.evaluate<boolean>(`!!document.querySelector('[role=tab]')`)) ? true : null), 'the detail tabs', 5000);
  await clickButton(panel, 'Output', '[role=tab]');
  return panel.evaluate(`(() => ({
    heading: document.querySelector('.output .subbar span')?.textContent ?? '',
    text: [...document.querySelectorAll('.output .message .text')].map((t) => t.textContent).join(''),
    badge: document.querySelector('.output .message header .badge')?.textContent ?? '',
  }))()`);
}

beforeAll(async () => {
  const rpc = connectNodeAdapter({ routes: chatRoutes, connect: true, grpcWeb: true, grpc: false });
  server = http.createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Connect chat</title><p>chat</p>');
      return;
    }
    rpc(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = await bundleClient(new URL('./connect/client.ts', import.meta.url).pathname);
  browser = await launchBrowser();
  app = browser.context.pages()[0] ?? (await browser.context.newPage());
  const marker = `${origin}/?tab=${Math.random().toString(36).slice(2)}`;
  await app.goto(marker);
  await app.addScriptTag({ content: client, type: 'module' });
  await app.waitForFunction(() => typeof (window as unknown as { connectChat?: unknown }).connectChat === 'function');
  ({ panelPage, panel } = await watchTabInPanel(browser, marker));
  await app.bringToFront();
  for (const c of CASES) {
    received.push(await app.evaluate(([w, f]) => (window as unknown as { connectChat(w: string, f: number): Promise<{ text: string; error: string | null }> }).connectChat(w, f), [c.wire, c.failAfter] as const));
  }
  await panelPage.bringToFront();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

describe('Connect and gRPC-web streams in the panel (real Chromium, real connect-web and connect-node)', () => {
  it('the page got the answers from the real client', () => {
    expect(received).toEqual([
      { text: ANSWER, error: null },
      { text: DELTAS.slice(0, 4).join(''), error: `ResourceExhausted: ${QUOTA_MESSAGE}` },
      { text: ANSWER, error: null },
    ]);
  });

  it('each stream is listed with its protocol, codec and RPC method', async () => {
    const url = `${origin}/${METHOD}`;
    let seen: Row[] = [];
    await poll(async () => {
      seen = (await rows()).filter((r) => r.url === url);
      return seen.length === CASES.length && seen.every((r) => r.end !== 'live' && r.protocol !== '') ? seen : null;
    }, 'the three RPC rows', 15_000).catch(() => undefined);
    expect(seen.map((r) => r.protocol).sort()).toEqual(CASES.map((c) => c.name).sort());
  });

  it('Connect JSON: Output shows the text the client decoded, finished', async () => {
    const out = await outputOf(CASES[0]!.name);
    expect(out.heading).toBe(CASES[0]!.name);
    expect(out.text).toBe(received[0]!.text);
    expect(out.badge).toBe('finished');
  });

  it('gRPC-web JSON ending in an error status: the text before it, and the status as the error', async () => {
    const out = await outputOf(CASES[1]!.name);
    expect(out.text).toBe(received[1]!.text);
    expect(out.badge).toBe(`error: resource_exhausted: ${QUOTA_MESSAGE}`);
  });

  it('gRPC-web protobuf: recognized and finished by its trailers, with no text claimed from undecoded messages', async () => {
    const out = await outputOf(CASES[2]!.name);
    expect(out.heading).toBe(CASES[2]!.name);
    expect(out.text).toBe('');
    expect(out.badge).toBe('finished');
  });
});
