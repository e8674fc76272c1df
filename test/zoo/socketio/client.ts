/**
 * The chat page's client: the real socket.io-client with the library's default options
 * (polling then a WebSocket upgrade, automatic reconnection with a randomized 1 s backoff), or
 * polling only where the variant says so.
 * Which events it listens to and what it does on (re)connect is what the variants vary.
 */
import { Fetch, io } from 'socket.io-client';
import type { Features } from './page';

interface Message {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  status: 'streaming' | 'done' | 'stopped';
}

const features = JSON.parse(document.body.dataset.features ?? '{}') as Features;
const list = document.getElementById('messages') as HTMLElement;
const form = document.getElementById('composer') as HTMLFormElement;
const field = form.elements.namedItem('prompt') as HTMLInputElement | HTMLTextAreaElement;
const send = form.querySelector('button[type=submit]') as HTMLButtonElement;
const stop = document.getElementById('stop') as HTMLButtonElement;

const socket = io(features.polling === 'xhr' ? { transports: ['polling'] } : features.polling === 'fetch' ? { transports: [Fetch] } : {});
// Only apps with a conversation room put the conversation in the URL: a plain app's chat lives
// in the socket that asked, so there is nothing another tab could open.
let chatId: string | null = features.rooms ? new URL(location.href).searchParams.get('chat') : null;
const messages: Message[] = [];
const nodes = new Map<string, HTMLElement>();
/** Whether this page's socket has connected before: a later 'connect' is a reconnect. */
let connectedBefore = false;

function latestAssistant(): Message | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'assistant') return messages[i];
  return undefined;
}

function paint(m: Message): void {
  let node = nodes.get(m.id);
  if (!node) {
    node = document.createElement('div');
    node.className = m.role;
    node.dataset.id = m.id;
    const text = document.createElement('div');
    text.className = m.role === 'assistant' ? 'answer' : 'text';
    node.append(text);
    list.append(node);
    nodes.set(m.id, node);
  }
  node.firstElementChild!.textContent = m.text;
  node.dataset.status = m.status;
  const streaming = latestAssistant()?.status === 'streaming';
  stop.hidden = !streaming;
  send.disabled = streaming;
}

function upsert(m: Message): void {
  const i = messages.findIndex((x) => x.id === m.id);
  if (i === -1) messages.push({ ...m });
  else messages[i] = { ...m };
  paint(messages[i === -1 ? messages.length - 1 : i]!);
}

function showHistory(history: { messages: Message[] }): void {
  // A snapshot replaces what is on screen, so applying it twice never duplicates text.
  for (const node of nodes.values()) node.remove();
  nodes.clear();
  messages.length = 0;
  for (const m of history.messages) upsert(m);
}

socket.on('connect', () => {
  // With connectionStateRecovery the library restored this socket's rooms and replayed the
  // events it missed (socket.recovered); nothing to do. Otherwise this is a new socket.
  const reconnect = connectedBefore;
  connectedBefore = true;
  if (socket.recovered || !features.rooms || !chatId) return;
  if (!reconnect || features.recovery) {
    socket.emit('join', chatId, showHistory);
  } else {
    // The rooms-only app loads the history once, when the page opens; after a reconnect it
    // rejoins the room but, with the messages already on screen, does not ask for them
    // again: whatever was emitted while it was away is lost (a gap in the answer).
    socket.emit('join', chatId);
  }
});

socket.on('message', (p: { chatId: string; message: Message }) => {
  if (p.chatId === chatId) upsert(p.message);
});

socket.on('token', (p: { chatId: string; messageId: string; token: string }) => {
  const m = messages.find((x) => x.id === p.messageId);
  if (p.chatId !== chatId || !m || m.status !== 'streaming') return;
  m.text += p.token;
  paint(m);
});

socket.on('done', (p: { chatId: string; messageId: string; status: Message['status'] }) => {
  const m = messages.find((x) => x.id === p.messageId);
  if (p.chatId !== chatId || !m || m.status !== 'streaming') return;
  m.status = p.status;
  paint(m);
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const prompt = field.value.trim();
  if (!prompt || latestAssistant()?.status === 'streaming') return;
  if (!chatId) {
    chatId = crypto.randomUUID();
    if (features.rooms) history.replaceState(null, '', `?chat=${chatId}`);
  }
  socket.emit('ask', { chatId, prompt });
  field.value = '';
});

stop.addEventListener('click', () => {
  const m = latestAssistant();
  if (!m || m.status !== 'streaming') return;
  if (features.stop === 'cancel') {
    socket.emit('cancel', { chatId }); // the server stops and tells every tab with 'done'
    return;
  }
  if (features.stop === 'disconnect') {
    // No cancel event in this protocol: dropping the connection is the only way to make the
    // server stop, and the library reconnects right away with a fresh socket.
    socket.disconnect().connect();
  }
  m.status = 'stopped';
  paint(m);
});
