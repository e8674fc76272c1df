/**
 * Every protocol the inspector knows, in real Chromium: a local server (protocols/server.ts)
 * speaks each one from its wire fixture — real content type and headers, an API-shaped URL,
 * several delayed writes — and a page fetches it as a client would (fetch + reader, or a
 * WebSocket playing its side of a Socket.IO / JSON socket). The standalone panel for that tab
 * must name the protocol in the connection table and show the reassembled answer in Output.
 *
 * The expected name and text come from Node: `recognize` + `reassemble` over the same fixture,
 * loaded by the unit tests' loader; a literal known to be in each answer guards against both
 * sides agreeing on garbage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from '../../src/cli/chromium';
import type { Control } from '../../src/cli/control';
import { poll, type PanelHandle } from '../../src/cli/devtools-panel';
import { recognize, recognizers } from '../../src/core/protocols';
import { reassemble } from '../../src/core/reassembly';
import { loadFixture, readWire } from '../unit/core/fixture';
import { clickButton, settle, watchTabInPanel } from '../harness/panel';
import { CASES, startProtocolServer, wsFrames, type ProtocolCase, type ProtocolServer } from './protocols/server';

interface Expected {
  id: string | null;
  name: string;
  guess: boolean;
  text: string;
}

/** What the inspector's core makes of the fixture, in Node. */
function expectedOf(c: ProtocolCase): Expected {
  const rec = recognize(loadFixture(c.protocol, c.file));
  return { id: rec.protocol, name: rec.name, guess: rec.guess, text: reassemble(rec).messages.map((m) => m.text).join('') };
}

interface PanelRow {
  url: string;
  kind: string;
  protocol: string;
  protocolClass: string;
  protocolTitle: string;
  end: string;
  events: number;
}

let server: ProtocolServer;
let browser: LaunchedBrowser;
let app: Page;
let control: Control;
let panelPage: Page;
let panel: PanelHandle;
/** Per case: what the page received, or why it failed (each test reports its own). */
const streamed = new Map<string, { ok: true; received: string | string[] } | { ok: false; error: string }>();

const pathOf = (url: string): string => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

/** The connection row whose URL has this path (and query), read by column header. */
async function rowFor(c: ProtocolCase): Promise<PanelRow | null> {
  const rows = await panel.evaluate<Array<PanelRow & { title: string }>>(`(() => {
    const table = document.querySelector('table[aria-label="Streaming connections"]');
    if (!table) return [];
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.innerText.trim());
    const col = (h) => headers.indexOf(h);
    return [...table.querySelectorAll('tbody tr')].map((tr) => {
      const cell = (h) => tr.cells[col(h)];
      const p = cell('Protocol');
      return {
        title: tr.cells[0].getAttribute('title') ?? '',
        url: tr.cells[0].innerText.trim(),
        kind: cell('Kind')?.innerText.trim() ?? '',
        protocol: p?.innerText.trim() ?? '',
        protocolClass: p?.className ?? '',
        protocolTitle: p?.getAttribute('title') ?? '',
        end: cell('End')?.innerText.trim() ?? '',
        events: Number(cell('Events')?.innerText.trim() || 0),
      };
    });
  })()`);
  return rows.find((r) => r.title !== '' && pathOf(r.title) === c.path) ?? null;
}

async function allRows(): Promise<string> {
  return JSON.stringify(await panel.evaluate(`[...document.querySelectorAll('table[aria-label="Streaming connections"] tbody tr')].map((tr) => [...tr.cells].map((td) => td.innerText.trim()).join(' | '))`));
}

/** For a failure message: what the extension itself captured for the case's URL. */
async function captureNote(c: ProtocolCase): Promise<string> {
  const snap = await control.snapshot();
  const conn = snap.connections.find((x) => pathOf(x.summary.url) === c.path);
  if (!conn) return 'the capture has no connection for it';
  const { kind, contentType, streaming, state, end } = conn.summary;
  return `the capture has it as ${JSON.stringify({ kind, contentType, streaming, state, end, events: conn.events.length })}`;
}

async function selectRow(c: ProtocolCase): Promise<void> {
  await panel.evaluate(`(() => {
    const tr = [...document.querySelectorAll('table[aria-label="Streaming connections"] tbody tr')].find((tr) => {
      const t = tr.cells[0].getAttribute('title');
      if (!t) return false;
      const u = new URL(t);
      return u.pathname + u.search === ${JSON.stringify(c.path)};
    });
    if (!tr) throw new Error('no row for ${c.path}');
    tr.click();
    return true;
  })()`);
}

interface OutputView {
  heading: string;
  text: string;
  messages: number;
  empty: string | null;
}

const readOutput = (): Promise<OutputView> =>
  panel.evaluate<OutputView>(`(() => ({
    heading: document.querySelector('.output .subbar span')?.textContent ?? '',
    text: [...document.querySelectorAll('.output .message .text')].map((t) => t.textContent).join(''),
    messages: document.querySelectorAll('.output .message').length,
    empty: document.querySelector('p.empty')?.textContent ?? null,
  }))()`);

beforeAll(async () => {
  server = await startProtocolServer();
  browser = await launchBrowser();
  app = browser.context.pages()[0] ?? (await browser.context.newPage());
  const marker = `${server.url}/?tab=${Math.random().toString(36).slice(2)}`;
  await app.goto(marker);
  ({ control, panelPage, panel } = await watchTabInPanel(browser, marker));

  await app.bringToFront();
  for (const c of CASES) {
    try {
      const received =
        c.kind === 'fetch'
          ? await app.evaluate(([spec]) => (window as unknown as { streamFetch(s: unknown): Promise<string> }).streamFetch(spec), [c] as const)
          : await app.evaluate(([spec, frames]) => (window as unknown as { streamSocket(s: unknown, f: unknown): Promise<string[]> }).streamSocket(spec, frames), [c, wsFrames(c)] as const);
      streamed.set(c.name, { ok: true, received });
    } catch (err) {
      streamed.set(c.name, { ok: false, error: String(err) });
    }
  }
  await panelPage.bringToFront();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('every protocol, recognized and reassembled in the panel (real Chromium)', () => {
  it('the expectations computed in Node are the recognizers’ own, and hold the known literals', () => {
    for (const c of CASES) {
      const e = expectedOf(c);
      const r = recognizers.find((x) => x.id === c.expectId);
      expect(r, c.name).toBeDefined();
      expect(e, c.name).toMatchObject({ id: c.expectId, name: r!.name, guess: c.guess });
      expect(e.text, c.name).toContain(c.literal);
    }
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const e = expectedOf(c);
    const r = recognizers.find((x) => x.id === c.expectId)!;
    expect(e.text).toContain(c.literal);

    // The page got the fixture intact (the hook must not change what the app reads).
    const got = streamed.get(c.name);
    expect(got, 'the page streamed it').toMatchObject({ ok: true });
    if (c.kind === 'fetch') expect(got && got.ok && got.received).toBe(readWire(c.protocol, c.file));
    else expect(got && got.ok && got.received).toEqual(wsFrames(c).filter((f) => f.dir === 'in').map((f) => f.text));

    // The connection row names the recognizer (and marks a guess as one).
    let row: PanelRow | null = null;
    try {
      await poll(async () => ((row = await rowFor(c)) !== null && row.end !== 'live' && row.protocol !== '' ? true : null), `the ${c.path} row`, 10_000);
    } catch {
      throw new Error(`no finished, recognized row for ${c.path}; last seen ${JSON.stringify(row)}; ${await captureNote(c)}; the panel shows ${await allRows()}`);
    }
    const final = row as PanelRow | null;
    expect(final?.protocol).toBe(r.name);
    if (c.guess) {
      expect(final?.protocolClass.split(' ')).toContain('guess');
      expect(final?.protocolTitle).toBe(`${r.name}: guessed from the payload's shape`);
    } else {
      expect(final?.protocolClass.split(' ')).not.toContain('guess');
    }

    // The Output view shows the reassembled answer.
    await selectRow(c);
    await settle(100);
    await clickButton(panel, 'Output', '[role=tab]');
    let view: OutputView = { heading: '', text: '', messages: 0, empty: null };
    try {
      await poll(async () => ((view = await readOutput()).text === e.text ? true : null), `the ${c.name} output`, 10_000);
    } catch {
      // Fall through: the assertions below say what differs.
    }
    expect(view.text).toBe(e.text);
    expect(view.text).toContain(c.literal);
    expect(view.heading.startsWith(r.name)).toBe(true);
    expect(view.heading.includes('(guessed)')).toBe(c.guess);
  });

  it('served every request the way the real API expects it', () => {
    const mcp = server.seen.get('MCP Streamable HTTP');
    expect(mcp?.['mcp-protocol-version']).toBe('2025-06-18');
    expect(mcp?.accept).toBe('application/json, text/event-stream');
    expect(server.seen.get('Anthropic Messages')?.['anthropic-version']).toBe('2023-06-01');
    expect(server.seen.get('Socket.IO over WebSocket')?.upgrade).toBe('websocket');
  });
});
