/**
 * The MCP chat page's client: the SDK's own Client and StreamableHTTPClientTransport. Sending a
 * message calls the `chat` tool with onprogress (each progress message is the next token); Stop
 * aborts the call, after which the SDK sends notifications/cancelled. In the shared variant the
 * chat id goes in the URL and a page opened on it follows the generation with the `watch` tool
 * and stops it with the `stop` tool.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const config = (window as unknown as { __ZOO__: { shared: boolean } }).__ZOO__;
const form = document.getElementById('composer') as HTMLFormElement;
const field = form.elements.namedItem('prompt') as HTMLInputElement | HTMLTextAreaElement;
const stopButton = document.getElementById('stop') as HTMLButtonElement;
const list = document.getElementById('messages') as HTMLElement;

const client = new Client({ name: 'zoo-mcp-chat', version: '1.0.0' });
// Defaults on purpose: reconnectionOptions (1 s, ×1.5, 2 retries) are what a real app gets.
const ready = client.connect(new StreamableHTTPClientTransport(new URL('/mcp', location.href)));

let onStop: (() => void) | null = null;
stopButton.addEventListener('click', () => onStop?.());

function bubble(role: 'user' | 'assistant', text: string): HTMLElement {
  const el = document.createElement('p');
  el.className = `msg ${role}`;
  el.textContent = text;
  list.append(el);
  return el;
}

function note(text: string): void {
  const el = document.createElement('p');
  el.className = 'note';
  el.textContent = text;
  list.append(el);
}

/** Calls a tool that streams tokens as progress, rendering them into `el`; the result's text is the final answer. */
async function stream(el: HTMLElement, name: string, args: Record<string, unknown>, stop: () => void, signal?: AbortSignal): Promise<void> {
  let text = el.textContent ?? '';
  onStop = stop;
  stopButton.hidden = false;
  try {
    await ready;
    const result = await client.callTool({ name, arguments: args }, undefined, {
      ...(signal ? { signal } : {}),
      onprogress: (p) => {
        text += p.message ?? '';
        el.textContent = text;
      },
    });
    const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
    const full = content.find((c) => c.type === 'text')?.text;
    if (typeof full === 'string') el.textContent = full;
  } catch (e) {
    if (!signal?.aborted) note(`Error: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    onStop = null;
    stopButton.hidden = true;
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const prompt = field.value.trim();
  if (!prompt || onStop) return;
  field.value = '';
  bubble('user', prompt);
  const el = bubble('assistant', '');
  const chatId = config.shared ? crypto.randomUUID() : undefined;
  if (chatId) history.replaceState(null, '', `?chat=${chatId}`);
  const abort = new AbortController();
  void stream(el, 'chat', chatId ? { prompt, chatId } : { prompt }, () => abort.abort('The user pressed Stop'), abort.signal);
});

// A page opened on ?chat=<id> shows that chat and, while it is still generating, follows it live.
const chatId = new URLSearchParams(location.search).get('chat');
if (config.shared && chatId) {
  void (async () => {
    await ready;
    const read = await client.readResource({ uri: `chat://${chatId}` });
    const first = read.contents[0];
    const state = first && 'text' in first ? (JSON.parse(first.text) as { prompt: string; text: string; tokens: number; running: boolean } | null) : null;
    if (!state) return;
    bubble('user', state.prompt);
    const el = bubble('assistant', state.text);
    if (state.running) await stream(el, 'watch', { chatId, from: state.tokens }, () => void client.callTool({ name: 'stop', arguments: { chatId } }));
  })();
}
