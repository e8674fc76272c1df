/**
 * The openai chat page's client: the official `openai` npm client, running in the browser.
 * - chat: chat.completions.create({ stream: true }); Stop aborts the request (stream.controller.abort()).
 * - responses: responses.create({ background: true, stream: true }); the response id goes in the URL;
 *   after a network error the client resumes with responses.retrieve(id, { stream: true, starting_after });
 *   a page opened on ?response=<id> retrieves the same stream; Stop calls responses.cancel(id).
 */
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';

const { mode } = (window as unknown as { __ZOO__: { mode: 'chat' | 'responses' } }).__ZOO__;
const openai = new OpenAI({ baseURL: `${location.origin}/v1`, apiKey: 'test', dangerouslyAllowBrowser: true });
const form = document.getElementById('composer') as HTMLFormElement;
const field = form.elements.namedItem('prompt') as HTMLInputElement | HTMLTextAreaElement;
const stopButton = document.getElementById('stop') as HTMLButtonElement;
const thread = document.getElementById('thread') as HTMLElement;
const history: OpenAI.Chat.ChatCompletionMessageParam[] = [];

let onStop: (() => void) | null = null;
stopButton.addEventListener('click', () => onStop?.());
const streaming = (stop: (() => void) | null) => {
  onStop = stop;
  stopButton.hidden = !stop;
};

function message(role: 'user' | 'assistant', text: string): HTMLElement {
  const row = document.createElement('div');
  row.className = 'message';
  row.dataset.role = role;
  row.innerHTML = `<span class="who">${role === 'user' ? 'You' : 'Assistant'}</span><span class="content"></span>`;
  const content = row.querySelector('.content') as HTMLElement;
  content.textContent = text;
  thread.append(row);
  return content;
}

function status(text: string): void {
  const el = document.createElement('p');
  el.className = 'status';
  el.textContent = text;
  thread.append(el);
}

async function chat(prompt: string, el: HTMLElement): Promise<void> {
  history.push({ role: 'user', content: prompt });
  const abort = new AbortController();
  let stream: { controller: AbortController } | undefined;
  streaming(() => (stream ? stream.controller.abort() : abort.abort()));
  let text = '';
  try {
    const s = await openai.chat.completions.create({ model: 'zoo-1', messages: history, stream: true }, { signal: abort.signal });
    stream = s;
    for await (const chunk of s) {
      text += chunk.choices[0]?.delta?.content ?? '';
      el.textContent = text;
    }
  } catch (e) {
    status(`Something went wrong: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    history.push({ role: 'assistant', content: text });
    streaming(null);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete']);

/** Renders a background response's stream into `el`, resuming after network errors from the last sequence number seen. */
async function follow(first: () => Promise<AsyncIterable<ResponseStreamEvent>>, el: HTMLElement, known?: string): Promise<void> {
  let id = known;
  let lastSeq: number | undefined;
  let text = '';
  let stopped = false;
  streaming(() => {
    stopped = true;
    if (id) void openai.responses.cancel(id).catch((e: unknown) => status(`Could not stop: ${String(e)}`));
  });
  let open = first;
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        for await (const ev of await open()) {
          lastSeq = ev.sequence_number;
          if (ev.type === 'response.created' && !id) {
            id = ev.response.id;
            window.history.replaceState(null, '', `?response=${id}`);
          } else if (ev.type === 'response.output_text.delta') {
            text += ev.delta;
            el.textContent = text;
          } else if (TERMINAL.has(ev.type)) return;
        }
        // The stream ended without a terminal event: cancelled, or cut short. Ask the server which.
        if (stopped || !id) return;
        if ((await openai.responses.retrieve(id)).status !== 'in_progress') return;
      } catch (e) {
        if (stopped || !id) throw e;
        await sleep(500 * (attempt + 1));
      }
      const resumeId = id;
      const after = lastSeq;
      open = () => openai.responses.retrieve(resumeId, { stream: true, ...(after === undefined ? {} : { starting_after: after }) });
    }
  } catch (e) {
    status(`Something went wrong: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    streaming(null);
  }
}

if (field instanceof HTMLTextAreaElement) {
  field.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const prompt = field.value.trim();
  if (!prompt || onStop) return;
  field.value = '';
  message('user', prompt);
  const el = message('assistant', '');
  if (mode === 'chat') void chat(prompt, el);
  else void follow(() => openai.responses.create({ model: 'zoo-1', input: prompt, background: true, stream: true }), el);
});

// A page opened on ?response=<id> shows that response: its input, then its event stream from the start (live while it runs).
const responseId = new URLSearchParams(location.search).get('response');
if (mode === 'responses' && responseId) {
  void (async () => {
    const items = await openai.responses.inputItems.list(responseId);
    for (const item of items.data) {
      if (item.type === 'message' && item.role === 'user') message('user', item.content.map((c) => ('text' in c ? c.text : '')).join(''));
    }
    await follow(() => openai.responses.retrieve(responseId, { stream: true }), message('assistant', ''), responseId);
  })();
}
