/**
 * The Conversation view in real Chromium: a local server streams three recorded answers
 * (Anthropic thinking + tool use, an OpenAI Responses function call, an AI SDK UI stream with
 * an executed tool) to a real page, through the hook and the whole pipeline, and the
 * standalone panel for that tab must show each one's thinking, tool name, arguments and
 * result, and jump from a part to its event. Screenshots in light and dark.
 *
 * What the view must show is read straight from the fixture bytes here (a small SSE reader,
 * JSON.parse), not from the inspector's core.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from '../../src/cli/chromium';
import { openControl, tabIdOf } from '../../src/cli/control';
import type { PanelHandle } from '../../src/cli/devtools-panel';
import { readWire } from '../unit/core/fixture';
import { clickButton, pageAsPanel } from '../harness/panel';
import { saveScreenshot } from '../harness/session';
import { startProtocolServer, type FetchCase, type ProtocolServer } from './protocols/server';

type Json = Record<string, unknown>;

/** The `data:` payloads of an SSE body, parsed (`[DONE]` left out). */
function ssePayloads(body: string): Json[] {
  return body
    .split(/\r?\n\r?\n/)
    .map((block) => block.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n'))
    .filter((d) => d !== '' && d !== '[DONE]')
    .map((d) => JSON.parse(d) as Json);
}

interface Expected {
  thinking: string;
  tool: string;
  args: Json;
  /** The tool's result, when the stream carries one. */
  result?: Json;
}

const at = (x: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Json)[k] : undefined), x);

function anthropicExpected(body: string): Expected {
  const events = ssePayloads(body);
  const tool = events.find((e) => at(e, 'content_block', 'type') === 'tool_use');
  return {
    thinking: events.filter((e) => at(e, 'delta', 'type') === 'thinking_delta').map((e) => at(e, 'delta', 'thinking')).join(''),
    tool: String(at(tool, 'content_block', 'name')),
    args: JSON.parse(events.filter((e) => at(e, 'delta', 'type') === 'input_json_delta' && e.index === tool?.index).map((e) => at(e, 'delta', 'partial_json')).join('')) as Json,
  };
}

function responsesExpected(body: string): Expected {
  const events = ssePayloads(body);
  const call = events.find((e) => e.type === 'response.output_item.added' && at(e, 'item', 'type') === 'function_call');
  return {
    thinking: events.filter((e) => e.type === 'response.reasoning_summary_text.delta').map((e) => e.delta).join(''),
    tool: String(at(call, 'item', 'name')),
    args: JSON.parse(String(events.find((e) => e.type === 'response.function_call_arguments.done')?.arguments)) as Json,
  };
}

function aiSdkExpected(body: string): Expected {
  const events = ssePayloads(body);
  return {
    thinking: events.filter((e) => e.type === 'reasoning-delta').map((e) => e.delta).join(''),
    tool: String(events.find((e) => e.type === 'tool-input-start')?.toolName),
    args: events.find((e) => e.type === 'tool-input-available')?.input as Json,
    result: events.find((e) => e.type === 'tool-output-available')?.output as Json,
  };
}

const json = (v: unknown): string => JSON.stringify(v);
const CASES: Array<FetchCase & { expected: (body: string) => Expected; shot: string }> = [
  {
    name: 'Anthropic thinking + tool use', protocol: 'anthropic', file: 'thinking-tool.txt', expectId: 'anthropic', guess: false, literal: 'get_weather',
    kind: 'fetch', method: 'POST', path: '/v1/messages', requestHeaders: [['content-type', 'application/json'], ['anthropic-version', '2023-06-01']],
    requestBody: json({ model: 'claude-sonnet-4-5', max_tokens: 2048, stream: true, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Weather in Paris?' }] }),
    expected: anthropicExpected, shot: 'conversation-anthropic',
  },
  {
    name: 'OpenAI Responses function call', protocol: 'openai-responses', file: 'tools.txt', expectId: 'openai-responses', guess: false, literal: 'get_weather',
    kind: 'fetch', method: 'POST', path: '/v1/responses', requestHeaders: [['content-type', 'application/json']],
    requestBody: json({ model: 'o4-mini', input: 'Weather in Paris?', stream: true, reasoning: { summary: 'auto' }, tools: [{ type: 'function', name: 'get_weather' }] }),
    expected: responsesExpected, shot: 'conversation-responses',
  },
  {
    name: 'AI SDK UI stream with tools', protocol: 'vercel-ui', file: 'tools.txt', expectId: 'vercel-ui', guess: false, literal: 'getWeather',
    kind: 'fetch', method: 'POST', path: '/api/chat', requestHeaders: [['content-type', 'application/json']],
    requestBody: json({ id: 'chat-1', messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Weather in Berlin?' }] }] }),
    expected: aiSdkExpected, shot: 'conversation-ai-sdk',
  },
];

interface ViewRead {
  thinking: string[];
  tools: Array<{ name: string; args: Record<string, string>; result: Record<string, string>; duration: string; flag: string | null; links: number[] }>;
  links: number;
}

/** What the Conversation view shows: thinking text, and per tool call its name, the JSON trees' leaves (key → shown value) and its event links. */
const readView = (p: PanelHandle): Promise<ViewRead> =>
  p.evaluate<ViewRead>(`(() => {
    const leaves = (tree) => {
      const out = {};
      if (!tree) return out;
      for (const n of tree.querySelectorAll('[role=treeitem]')) {
        const k = n.querySelector('.json-key');
        if (k && !n.hasAttribute('aria-expanded')) out[k.innerText] = n.querySelector('.json-value').innerText;
      }
      return out;
    };
    return {
      thinking: [...document.querySelectorAll('.conversation .conv-reasoning .text')].map((t) => t.innerText),
      tools: [...document.querySelectorAll('.conversation .conv-tool-call')].map((d) => {
        const trees = d.querySelectorAll('.json-tree');
        return {
          name: d.querySelector('.conv-tool-name')?.innerText ?? '',
          args: leaves(trees[0]),
          result: leaves(trees[1]),
          duration: d.querySelector('.conv-duration')?.innerText ?? '',
          flag: d.querySelector('.conv-flag')?.innerText ?? null,
          links: [...d.querySelectorAll('summary .conv-links button')].map((b) => Number(b.dataset.frame)),
        };
      }),
      links: document.querySelectorAll('.conversation .conv-links button').length,
    };
  })()`);

const shown = (v: Json): Record<string, string> => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, JSON.stringify(x)]));
const EVENTS_TABLE = 'table[aria-label="Connection events"]';

let server: ProtocolServer;
let browser: LaunchedBrowser;
let app: Page;
let tabId: number;
const streamed = new Map<string, string>();

async function openPanel(theme: 'light' | 'dark'): Promise<{ page: Page; panel: PanelHandle }> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(`chrome-extension://${browser.extensionId}/panel/index.html?tabId=${tabId}&theme=${theme}`);
  const panel = pageAsPanel(page);
  await panel.waitFor(`document.querySelectorAll('table[aria-label="Streaming connections"] tbody tr').length === ${CASES.length}`, 'a row per stream');
  return { page, panel };
}

async function showConversation(panel: PanelHandle, c: FetchCase): Promise<void> {
  await panel.evaluate(`(() => {
    const tr = [...document.querySelectorAll('table[aria-label="Streaming connections"] tbody tr')].find((tr) => new URL(tr.cells[0].getAttribute('title')).pathname === ${JSON.stringify(c.path)});
    if (!tr) throw new Error('no row for ${c.path}');
    tr.click();
    return true;
  })()`);
  await panel.waitFor(`document.querySelector('[role=tab][aria-selected="true"]') !== null`, 'the detail tabs');
  await clickButton(panel, 'Conversation', '[role=tab]');
  await panel.waitFor(`document.querySelector('.conversation .conv-tool-call .conv-tool-name') !== null`, `the ${c.name} conversation`);
}

beforeAll(async () => {
  server = await startProtocolServer({ cases: CASES });
  browser = await launchBrowser();
  app = browser.context.pages()[0] ?? (await browser.context.newPage());
  const marker = `${server.url}/?tab=${Math.random().toString(36).slice(2)}`;
  await app.goto(marker);
  const control = await openControl(browser.context, browser.extensionId!);
  tabId = await tabIdOf(control, marker);
  await control.attach(tabId);
  for (const { expected: _e, shot: _s, ...spec } of CASES) {
    streamed.set(spec.name, await app.evaluate(([s]) => (window as unknown as { streamFetch(s: unknown): Promise<string> }).streamFetch(s), [spec] as const));
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the Conversation view (real Chromium, real page, fixtures over HTTP)', () => {
  it('the page read every stream intact', () => {
    for (const c of CASES) expect(streamed.get(c.name), c.name).toBe(readWire(c.protocol, c.file));
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`shows thinking, the tool, its arguments and result for each stream (${theme})`, async () => {
      const { page, panel } = await openPanel(theme);
      expect(await panel.evaluate(`document.documentElement.dataset.theme`)).toBe(theme);
      // Dark is dark: the view's background is a dark colour, light a light one.
      const bg = await panel.evaluate<string>(`getComputedStyle(document.querySelector('body')).backgroundColor`);
      const [r, g, b] = bg.match(/\d+/g)!.map(Number);
      expect((r! + g! + b!) / 3 < 128, bg).toBe(theme === 'dark');
      for (const c of CASES) {
        const want = c.expected(readWire(c.protocol, c.file));
        await showConversation(panel, c);
        const view = await readView(panel);
        expect(view.thinking.join(''), c.name).toBe(want.thinking);
        expect(view.tools, c.name).toHaveLength(1);
        const tool = view.tools[0]!;
        expect(tool.name, c.name).toBe(want.tool);
        expect(tool.args, c.name).toEqual(shown(want.args));
        expect(tool.flag, c.name).toBeNull();
        if (want.result) expect(tool.result, c.name).toEqual(shown(want.result));
        expect(tool.duration, c.name).toMatch(/^\d+(\.\d)? (ms|s)$/);
        expect(tool.links.length, c.name).toBeGreaterThan(0);
        // The tool call in view, whole: it is what the screenshot is about.
        await panel.evaluate(`document.querySelector('.conversation .conv-tool-call').scrollIntoView({ block: 'nearest' })`);
        await saveScreenshot(panel, `${c.shot}-${theme}`);
        const png = await page.screenshot();
        expect(png.length, c.name).toBeGreaterThan(10_000);
      }
      await page.close();
    });
  }

  it('jumps from a tool call to the event that carried it, and back by keyboard', async () => {
    const { page, panel } = await openPanel('light');
    const c = CASES[0]!;
    await showConversation(panel, c);
    const frame = (await readView(panel)).tools[0]!.links.at(-1)!;
    // The link is a button: focus it and press Enter, as a keyboard user would.
    await page.focus(`.conversation .conv-tool-call summary .conv-links button[data-frame="${frame}"]`);
    await page.keyboard.press('Enter');
    await panel.waitFor(`document.querySelector('${EVENTS_TABLE} tbody tr[aria-selected="true"]') !== null`, 'the selected event');
    expect(await panel.evaluate(`document.querySelector('#tab-events').getAttribute('aria-selected')`)).toBe('true');
    expect(await panel.evaluate<number>(`Number(document.querySelector('${EVENTS_TABLE} tbody tr[aria-selected="true"]').dataset.index)`)).toBe(frame);
    // That event is the fixture's message number `frame`, and it belongs to the tool call.
    const payload = JSON.stringify(ssePayloads(readWire(c.protocol, c.file))[frame]);
    expect(payload).toMatch(/"input_json_delta"|"tool_use"/);
    expect(await panel.evaluate<string>(`document.querySelector('${EVENTS_TABLE} tbody tr[aria-selected="true"]').innerText`)).toContain(payload.slice(0, 80));
    // Sections fold from the keyboard (native <details>).
    await clickButton(panel, 'Conversation', '[role=tab]');
    await panel.waitFor(`document.querySelector('.conversation .conv-reasoning') !== null`, 'the conversation again');
    await page.focus('.conversation .conv-reasoning > summary');
    await page.keyboard.press('Enter');
    await panel.waitFor(`document.querySelector('.conversation .conv-reasoning').open === false`, 'the thinking folded');
    await page.close();
  });
});
