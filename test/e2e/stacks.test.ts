/**
 * The durable-session stacks in real Chromium with the built extension. Durable Streams runs
 * for real: the reference server (@durable-streams/server) on its own port, a writer appending
 * an answer with the library's client while the page reads it with the library's `stream()`,
 * over SSE and over long-poll. The other stacks are served from their fixtures over a real
 * socket (test/e2e/protocols/server.ts): the AI SDK resume GET, an OpenAI Responses background
 * resume, a LangGraph run join with Last-Event-ID, and, over WebSocket, the OpenAI Realtime
 * API, a Cloudflare Agents resume handshake and an Ably channel.
 *
 * For each the standalone panel must name the stack in the connection table, show the answer in
 * Output and list its resume handles there. The expected name, text and handles come from Node
 * (`recognize` over the fixture, or the writer's own tokens), with a literal guarding each.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DurableStreamTestServer } from '@durable-streams/server';
import { DurableStream } from '@durable-streams/client';
import { launchBrowser, type LaunchedBrowser } from '../../src/cli/chromium';
import type { Control } from '../../src/cli/control';
import { poll, type PanelHandle } from '../../src/cli/devtools-panel';
import { analyzeWithView } from '../../src/core/analysis';
import { recognize, recognizerById } from '../../src/core/protocols';
import { reassemble } from '../../src/core/reassembly';
import { loadFixture } from '../unit/core/fixture';
import { clickButton, connectionRows, watchTabInPanel } from '../harness/panel';
import { bundleClient } from '../zoo/bundle';
import { startProtocolServer, wsFrames, type ProtocolCase, type ProtocolServer } from './protocols/server';

const THREAD = '8d2b1f3e-4c5a-4e6f-9a7b-0c1d2e3f4a5b';
const RUN = '1ef9c3a2-7b1e-6f60-8d3a-2f0c5b9e4a11';

type StackCase = ProtocolCase & { handles: Array<[string, string]> };

const CASES: StackCase[] = [
  {
    name: 'AI SDK resume', protocol: 'vercel-ui', file: 'resume.txt', expectId: 'vercel-ui', guess: false, literal: 'replay the answer',
    kind: 'fetch', method: 'GET', path: '/api/chat/chat-4b7e2a91/stream', requestHeaders: [], requestBody: null,
    handles: [['conversation-id', 'chat-4b7e2a91'], ['message-id', 'msg-resume-1']],
  },
  {
    name: 'OpenAI Responses background resume', protocol: 'openai-responses', file: 'resume.txt', expectId: 'openai-responses', guess: false, literal: ' How',
    kind: 'fetch', method: 'GET', path: '/v1/responses/resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b?stream=true&starting_after=6', requestHeaders: [], requestBody: null,
    handles: [['sequence', '']],
  },
  {
    name: 'LangGraph run join', protocol: 'langgraph', file: 'join-after.txt', expectId: 'langgraph', guess: false, literal: 'the last event.',
    kind: 'fetch', method: 'GET', path: `/threads/${THREAD}/runs/${RUN}/stream`, requestHeaders: [['last-event-id', '1732000001000-4']], requestBody: null,
    handles: [['run-id', RUN], ['conversation-id', THREAD], ['event-id', '1732000001000-9']],
  },
  { name: 'OpenAI Realtime', protocol: 'openai-realtime', file: 'text.json', expectId: 'openai-realtime', guess: false, literal: 'Realtime voices', kind: 'websocket', path: '/v1/realtime?model=gpt-realtime', handles: [['session-id', 'sess_C9xRt2'], ['response-id', 'resp_C9xR1']] },
  { name: 'Cloudflare Agents resume', protocol: 'cloudflare-agents', file: 'resume.json', expectId: 'cloudflare-agents', guess: false, literal: 'Durable Objects', kind: 'websocket', path: '/agents/chat/room-7e21', handles: [['stream-id', 'req_a81f29c4']] },
  { name: 'Ably AI Transport', protocol: 'ably', file: 'stream.json', expectId: 'ably', guess: false, literal: 'one message', kind: 'websocket', path: '/?key=REDACTED&format=json&heartbeats=true&v=3', handles: [['session-id', 'a8Fq2!kM3wXyZ9-1f'], ['cursor', '108uyDJAgBOihn12345:8']] },
];

const DS_TOKENS = ['Durable ', 'streams ', 'survive ', 'every ', 'drop.'];
const DS_ANSWER = DS_TOKENS.join('');

let server: ProtocolServer;
let ds: DurableStreamTestServer;
let proxy: http.Server;
/** The origin the page reads from (the pass-through), and the server's own (the writer's). */
let dsOrigin: string;
let dsDirect: string;
let browser: LaunchedBrowser;
let app: Page;
let control: Control;
let panelPage: Page;
let panel: PanelHandle;
const received = new Map<string, unknown>();

interface Row {
  url: string;
  protocol: string;
  end: string;
}

const rows = async (): Promise<Row[]> => (await connectionRows(panel)).map((r) => ({ url: r.fullUrl, protocol: r.protocol, end: r.end }));

/** Waits for the finished, recognized rows whose URL passes `match`. */
async function finishedRows(match: (url: string) => boolean, what: string, count = 1): Promise<Row[]> {
  let seen: Row[] = [];
  try {
    return await poll(async () => {
      seen = (await rows()).filter((r) => match(r.url));
      return seen.length >= count && seen.every((r) => r.end !== 'live' && r.protocol !== '') ? seen : null;
    }, what, 15_000);
  } catch {
    throw new Error(`${what}: saw ${JSON.stringify(seen)} among ${JSON.stringify(await rows())}`);
  }
}

interface Output {
  heading: string;
  text: string;
  handles: Array<[string, string]>;
}

async function outputOf(url: string): Promise<Output> {
  await panel.evaluate(`(() => {
    const tr = [...document.querySelectorAll('table[aria-label="Streaming connections"] tbody tr')].find((tr) => tr.cells[0].getAttribute('title') === ${JSON.stringify(url)});
    if (!tr) throw new Error('no row for ${url}');
    tr.click();
  })()`);
  await poll(async () => ((await panel.evaluate<boolean>(`!!document.querySelector('[role=tab]')`)) ? true : null), 'the detail tabs', 5000);
  await clickButton(panel, 'Output', '[role=tab]');
  return panel.evaluate<Output>(`(() => ({
    heading: document.querySelector('.output .subbar span')?.textContent ?? '',
    text: [...document.querySelectorAll('.output .message .text')].map((t) => t.textContent).join(''),
    handles: [...document.querySelectorAll('.resume-handles li')].map((li) => [li.dataset.kind, li.querySelector('code')?.textContent ?? '']),
  }))()`);
}

/** Polls the Output view of `url` until it shows `text`. */
async function outputShowing(url: string, text: string): Promise<Output> {
  let last: Output = { heading: '', text: '', handles: [] };
  try {
    return await poll(async () => ((last = await outputOf(url)).text === text ? last : null), `the output of ${url}`, 10_000);
  } catch {
    return last;
  }
}

async function writeAnswer(name: string): Promise<string> {
  const url = `${dsOrigin}/streams/${name}`;
  const writer = await DurableStream.create({ url: url.replace(dsOrigin, dsDirect), contentType: 'application/json' });
  await writer.append(JSON.stringify({ type: 'user', text: 'Do durable streams survive drops?' }));
  return url;
}

/** Appends the answer token by token once the page's reader has asked for more than the start. */
async function streamAnswer(url: string, readerWaiting: () => boolean, onePerRead: boolean): Promise<void> {
  const writer = new DurableStream({ url: url.replace(dsOrigin, dsDirect), contentType: 'application/json' });
  await poll(async () => (readerWaiting() ? true : null), 'the page to wait for new data', 10_000);
  for (const t of DS_TOKENS) {
    await writer.append(JSON.stringify({ type: 'token', text: t }));
    // Long-poll: the next token only once the reader asked again, so every read carries one.
    const before = dsRequests.length;
    if (onePerRead) await poll(async () => (dsRequests.length > before ? true : null), 'the reader to ask again', 10_000);
  }
  await writer.append(JSON.stringify({ type: 'done' }));
  await writer.close();
}

/** Reads of the Durable Streams server the page made (URL path and query), as the server saw them. */
const dsRequests: string[] = [];

beforeAll(async () => {
  ds = new DurableStreamTestServer({ port: 0, host: '127.0.0.1' });
  const upstream = new URL(await ds.start());
  // The page reads through a pass-through that notes each read, as a reverse proxy would.
  proxy = http.createServer((req, res) => {
    if (req.method === 'GET') dsRequests.push(req.url ?? '');
    const up = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  dsOrigin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  dsDirect = upstream.origin;
  server = await startProtocolServer({ cases: CASES });
  const client = await bundleClient(new URL('./stacks/ds-client.ts', import.meta.url).pathname);
  browser = await launchBrowser();
  app = browser.context.pages()[0] ?? (await browser.context.newPage());
  const marker = `${server.url}/?tab=${Math.random().toString(36).slice(2)}`;
  await app.goto(marker);
  await app.addScriptTag({ content: client, type: 'module' });
  await app.waitForFunction(() => typeof (window as unknown as { dsRead?: unknown }).dsRead === 'function');
  ({ control, panelPage, panel } = await watchTabInPanel(browser, marker));

  await app.bringToFront();
  for (const c of CASES) {
    try {
      received.set(c.name, c.kind === 'fetch'
        ? await app.evaluate(([spec]) => (window as unknown as { streamFetch(s: unknown): Promise<string> }).streamFetch(spec), [c] as const)
        : await app.evaluate(([spec, frames]) => (window as unknown as { streamSocket(s: unknown, f: unknown): Promise<string[]> }).streamSocket(spec, frames), [c, wsFrames(c)] as const));
    } catch (err) {
      received.set(c.name, `failed: ${String(err)}`);
    }
  }
  for (const live of ['sse', 'long-poll'] as const) {
    const url = await writeAnswer(`chat-${live}`);
    const path = new URL(url).pathname;
    const reading = app.evaluate(([u, l]) => (window as unknown as { dsRead(u: string, l: string): Promise<string> }).dsRead(u, l), [url, live] as const);
    const waiting = () => dsRequests.some((r) => r.startsWith(path) && r.includes(`live=${live}`));
    await streamAnswer(url, waiting, live === 'long-poll');
    received.set(`ds-${live}`, await reading);
  }
  await panelPage.bringToFront();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  proxy?.closeAllConnections();
  await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
  await ds?.stop();
});

describe('durable-session stacks, recognized with their handles in the panel (real Chromium)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const rec = recognize(loadFixture(c.protocol, c.file));
    const text = reassemble(rec).messages.map((m) => m.text).join('');
    const name = recognizerById(c.expectId)!.name;
    expect(rec.protocol).toBe(c.expectId);
    expect(text).toContain(c.literal);
    expect(String(received.get(c.name))).not.toMatch(/^failed/);

    const url = `${c.kind === 'websocket' ? server.url.replace('http', 'ws') : server.url}${c.path}`;
    const [row] = await finishedRows((u) => u === url, `the ${c.name} row`);
    expect(row!.protocol).toBe(name);
    const out = await outputShowing(url, text);
    expect(out.text).toBe(text);
    expect(out.heading.startsWith(name)).toBe(true);
    for (const [kind, value] of c.handles) {
      if (value === '') expect(out.handles.map(([k]) => k), kind).toContain(kind);
      else expect(out.handles, `${kind} ${value}`).toContainEqual([kind, value]);
    }
  });

  it('Durable Streams over SSE: named, the whole answer, the last offset and the cursor', async () => {
    expect(received.get('ds-sse')).toBe(DS_ANSWER);
    const isRead = (u: string) => u.startsWith(`${dsOrigin}/streams/chat-sse?`) && u.includes('live=sse');
    const [row] = await finishedRows(isRead, 'the Durable Streams SSE row');
    expect(row!.protocol).toBe('Durable Streams');
    const out = await outputShowing(row!.url, DS_ANSWER);
    expect(out.text).toBe(DS_ANSWER);
    const offset = out.handles.find(([k]) => k === 'offset');
    expect(offset?.[1]).toMatch(/^\d{16}_\d{16}$/);
    expect(out.handles.map(([k]) => k)).toContain('cursor');
  });

  it('Durable Streams over long-poll: one row for the chain of reads, with the whole answer, its requests reachable', async () => {
    expect(received.get('ds-long-poll')).toBe(DS_ANSWER);
    const prefix = `${dsOrigin}/streams/chat-long-poll?`;
    const polls = dsRequests.filter((r) => r.startsWith('/streams/chat-long-poll?'));
    // A catch-up read, one long-poll per token, one for the end marker: many short requests
    // (and a last one the server answers 204 Stream-Closed, with no body).
    const withData = DS_TOKENS.length + 2;
    expect(polls.length).toBeGreaterThanOrEqual(withData);
    // The panel lists the chain as one stream, by its path, not one row per request.
    const path = `${dsOrigin}/streams/chat-long-poll`;
    const [row] = await finishedRows((u) => u === path, 'the long-poll stream row');
    expect(row!.protocol).toBe('Durable Streams');
    expect((await rows()).filter((r) => r.url.startsWith(prefix))).toEqual([]);
    const label = await panel.evaluate<string>(`[...document.querySelectorAll('table[aria-label="Streaming connections"] tbody tr')].find((tr) => tr.cells[0].getAttribute('title') === ${JSON.stringify(path)}).innerText`);
    const requests = Number(/long-poll · (\d+) requests/.exec(label)?.[1]);
    expect(requests, label).toBeGreaterThanOrEqual(withData);
    const whole = await outputShowing(path, DS_ANSWER);
    expect(whole.text).toBe(DS_ANSWER);
    expect(whole.heading.startsWith('Durable Streams')).toBe(true);
    // Its events: every read's, in order, each request's first marked (one mark per request with events).
    await clickButton(panel, 'Events', '[role=tab]');
    const marks = await poll(async () => {
      const m = await panel.evaluate<string[]>(`[...document.querySelectorAll('.request-mark')].map((s) => s.textContent)`);
      return m.length > 0 ? m : null;
    }, 'the request marks in the event table', 5000);
    expect(marks[0]).toBe(`request 1/${requests}`);
    expect(marks.length).toBeGreaterThanOrEqual(withData);
    // The requests stay reachable from the detail: a list with one entry per request; one opens on its own.
    const listed = await panel.evaluate<string[]>(`[...document.querySelectorAll('.joined-requests li button')].map((b) => b.getAttribute('title'))`);
    expect(listed).toHaveLength(requests);
    expect(listed.every((u) => u.startsWith(prefix))).toBe(true);
    const onePoll = listed.findIndex((u) => /live=long-poll/.test(u));
    await panel.evaluate(`document.querySelectorAll('.joined-requests li button')[${onePoll}].click()`);
    await poll(async () => ((await panel.evaluate<string>(`document.querySelector('.conn-title')?.getAttribute('title') ?? ''`)) === listed[onePoll] ? true : null), 'the single request in the detail', 5000);
    // What the verdicts and flags read: the capture analysed as the background does.
    const snap = await control.snapshot();
    const joined = analyzeWithView(snap.connections, snap.view ?? []).filter((a) => a.conn.summary.url.startsWith(prefix));
    expect(joined).toHaveLength(1);
    expect(joined[0]!.output.messages.map((m) => m.text).join('')).toBe(DS_ANSWER);
    expect(joined[0]!.conn.summary.detail).toMatch(/^Durable Streams: \d+ reads as one stream$/);
    expect(Number(/\d+/.exec(joined[0]!.conn.summary.detail!)![0])).toBeGreaterThanOrEqual(withData);
    // One read alone holds one token, and lists the offset it hands out.
    await clickButton(panel, 'Output', '[role=tab]');
    const handles = await panel.evaluate<Array<[string, string]>>(`[...document.querySelectorAll('.resume-handles li')].map((li) => [li.dataset.kind, li.querySelector('code')?.textContent ?? ''])`);
    expect(handles.find(([k]) => k === 'offset')?.[1]).toMatch(/^\d{16}_\d{16}$/);
    const oneText = await panel.evaluate<string>(`[...document.querySelectorAll('.output .message .text')].map((t) => t.textContent).join('')`);
    expect(oneText.length).toBeLessThan(DS_ANSWER.length);
  });
});
