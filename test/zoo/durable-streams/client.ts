/**
 * The Durable Streams family's browser client: @durable-streams/client's stream() reading the
 * chat's JSON stream through the app's origin. Variants (from <body data-variant>):
 *
 * - sse-offset: live: 'sse'. In this client version a network error on the SSE body errors the
 *   whole read (src/response.ts: only a clean end of the SSE response reconnects), so the app
 *   reconnects itself, from the last batch.offset it kept, as the library's docs tell apps to
 *   (skills/reading-streams/SKILL.md, "Not saving offset for resumption"). A tab opened on
 *   ?chat=<id> does the same read from the start; Stop POSTs the app's cancel endpoint.
 * - replay: the same SSE read, but the app never kept batch.offset and reads from '-1' again
 *   into the same bubble: exactly that documented mistake. A tab opened on ?chat=<id> loads
 *   the history once (live: false), and Stop only stops this tab's reading.
 * - long-poll: the library's default live mode, `live: 'long-poll'`: one GET per batch, each
 *   from the Stream-Next-Offset the last answer gave. A request cut while it waits fails with
 *   a network error, which the library's fetch client retries by itself with the same offset
 *   (src/fetch.ts, createFetchWithBackoff: maxRetries Infinity by default); a body cut while it
 *   is read errors the whole read, and the app re-reads from its kept offset as sse-offset does.
 *   Second tab and Stop as sse-offset.
 * - long-poll-replay: the same long-poll read, but the app turns the library's retries off
 *   (backoffOptions.maxRetries 0, to show errors at once) and re-reads from '-1' into the same
 *   bubble; second tab and Stop as replay.
 */
import { stream } from '@durable-streams/client';

type Item = { type: 'user'; text: string } | { type: 'token'; text: string } | { type: 'done' } | { type: 'cancelled' };
interface Turn {
  chatId: string;
  user: HTMLElement;
  answer: HTMLElement;
}

const variant = document.body.dataset.variant as 'sse-offset' | 'replay' | 'long-poll' | 'long-poll-replay';
/** The variants that keep their offset, have a cancel endpoint and a live second tab. */
const careful = variant === 'sse-offset' || variant === 'long-poll';
const longPoll = variant === 'long-poll' || variant === 'long-poll-replay';
const log = document.getElementById('log')!;
const form = document.getElementById('composer') as HTMLFormElement;
const field = form.querySelector<HTMLInputElement | HTMLTextAreaElement>('[name]')!;
const sendButton = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
const stopButton = form.querySelector<HTMLButtonElement>('button[type="button"]')!;

/** The turn this tab is streaming, and how to stop reading it. */
let live: { turn: Turn; stopReading: () => void } | null = null;

const streamUrl = (chatId: string) => `${location.origin}/streams/chat-${chatId}`;

function newTurn(chatId: string): Turn {
  const section = document.createElement('section');
  const user = document.createElement('div');
  user.className = 'user';
  const answer = document.createElement('div');
  answer.className = 'answer';
  section.append(user, answer);
  log.append(section);
  return { chatId, user, answer };
}

function setStreaming(on: boolean): void {
  stopButton.hidden = !on;
  sendButton.disabled = on;
  if (!on) live = null;
}

function apply(turn: Turn, items: readonly Item[]): void {
  for (const item of items) {
    if (item.type === 'user') turn.user.textContent = item.text;
    else if (item.type === 'token') turn.answer.textContent += item.text;
    else if (live?.turn === turn) setStreaming(false);
  }
}

/**
 * Read live (over SSE or long-poll) and, when the read breaks, read again: from the offset the
 * last batch ended at (sse-offset, long-poll), or from the start into the same bubble (replay,
 * long-poll-replay).
 */
async function follow(turn: Turn): Promise<void> {
  let stopped = false;
  let offset = '-1';
  const read = async (): Promise<void> => {
    const res = await stream<Item>({
      url: streamUrl(turn.chatId),
      offset: careful ? offset : '-1',
      live: longPoll ? 'long-poll' : 'sse',
      ...(variant === 'long-poll-replay' ? { backoffOptions: { initialDelay: 100, maxDelay: 1000, multiplier: 1.3, maxRetries: 0 } } : {}),
    });
    live = { turn, stopReading: () => ((stopped = true), res.cancel()) };
    res.subscribeJson((batch) => {
      apply(turn, batch.items);
      offset = batch.offset;
      if (batch.streamClosed) stopped = true;
    });
    res.closed.catch(() => {
      if (!stopped) setTimeout(() => void read(), 500);
    });
  };
  await read();
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const prompt = field.value.trim();
  if (!prompt || live) return;
  field.value = '';
  void (async () => {
    const r = await fetch('/api/chats', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt }) });
    const { chatId } = (await r.json()) as { chatId: string };
    history.replaceState(null, '', `?chat=${chatId}`);
    const turn = newTurn(chatId);
    turn.user.textContent = prompt;
    setStreaming(true);
    live = { turn, stopReading: () => undefined };
    await follow(turn);
  })();
});

stopButton.addEventListener('click', () => {
  if (!live) return;
  const { turn, stopReading } = live;
  if (careful) {
    // Stop at the source: the server ends the generation and appends a 'cancelled' marker.
    void fetch(`/api/chats/${turn.chatId}/cancel`, { method: 'POST' });
  } else {
    stopReading();
    setStreaming(false);
  }
});

// A page opened on ?chat=<id> shows that conversation.
const opened = new URLSearchParams(location.search).get('chat');
if (opened) {
  const turn = newTurn(opened);
  if (careful) {
    setStreaming(true);
    live = { turn, stopReading: () => undefined };
    void follow(turn);
  } else {
    // History only: what the stream holds right now, read once.
    void stream<Item>({ url: streamUrl(opened), offset: '-1', live: false })
      .then((res) => res.json())
      .then((items) => apply(turn, items));
  }
}
