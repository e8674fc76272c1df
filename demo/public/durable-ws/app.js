// durable-ws client: one WebSocket per page, (re)subscribed from the last
// offset seen; reconnects with backoff on any close. Stop sends cancel.
import { createChatUI } from '/shared/ui.js';
import { genParams, queryParam, setQueryParam, randomId, MAX_RETRIES, backoffMs } from '/shared/params.js';

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/durable-ws/ws`;
let cid = queryParam('c');
let ws = null;
let lastOffset = -1;
let attempt = 0;
let active = null; // { runId, messageId }
const elements = new Map(); // messageId → element

function assistantEl(messageId) {
  let el = elements.get(messageId);
  if (!el) elements.set(messageId, (el = ui.addMessage('assistant', messageId)));
  return el;
}

function setActive(run) {
  active = run;
  ui.setStopEnabled(!!run);
  ui.setBusy(!!run);
}

function onEvent(ev) {
  if (ev.conversationId !== cid || ev.offset <= lastOffset) return;
  lastOffset = ev.offset;
  if (ev.kind === 'user') {
    if (!elements.has(ev.messageId)) elements.set(ev.messageId, ui.addMessage('user', ev.messageId, ev.text));
  } else if (ev.kind === 'delta') {
    if (active?.runId !== ev.runId) setActive({ runId: ev.runId, messageId: ev.messageId });
    if (ui.status !== 'streaming') ui.setStatus('streaming');
    ui.append(assistantEl(ev.messageId), ev.text);
  } else if (ev.kind === 'done' || ev.kind === 'cancelled') {
    assistantEl(ev.messageId);
    if (!active || active.runId === ev.runId) {
      setActive(null);
      ui.setStatus(ev.kind === 'done' ? 'done' : 'stopped');
    }
  }
}

function connect() {
  const sock = new WebSocket(wsUrl);
  ws = sock;
  sock.onopen = () => {
    if (cid) sock.send(JSON.stringify({ type: 'subscribe', conversationId: cid, offset: lastOffset }));
    else attempt = 0;
  };
  sock.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.type === 'event') onEvent(msg);
    else if (msg.type === 'subscribed') {
      attempt = 0;
      if (msg.activeRunId) {
        setActive({ runId: msg.activeRunId, messageId: msg.activeMessageId });
        assistantEl(msg.activeMessageId);
        ui.setStatus('streaming');
      } else if (ui.status === 'reconnecting') ui.setStatus('done');
    } else if (msg.type === 'run-started') {
      setActive({ runId: msg.runId, messageId: msg.messageId });
      assistantEl(msg.messageId);
      ui.setStatus('streaming');
    } else if (msg.type === 'error') {
      setActive(null);
      ui.setStatus('error', msg.message);
    }
  };
  sock.onclose = () => {
    if (ws !== sock) return;
    ws = null;
    attempt++;
    if (attempt > MAX_RETRIES) {
      setActive(null);
      ui.setStatus('error', `gave up after ${MAX_RETRIES} reconnect attempts`);
      return;
    }
    if (active) ui.setStatus('reconnecting');
    setTimeout(connect, backoffMs(attempt));
  };
}

const ui = createChatUI({
  onSend(prompt) {
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      ui.setStatus('error', 'not connected');
      return;
    }
    if (!cid) {
      cid = randomId('c');
      setQueryParam('c', cid);
      ws.send(JSON.stringify({ type: 'subscribe', conversationId: cid, offset: -1 }));
    }
    ui.setBusy(true);
    ui.setStatus('streaming');
    ws.send(JSON.stringify({ type: 'start', conversationId: cid, prompt, ...genParams() }));
  },
  onStop() {
    if (active && ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'cancel', runId: active.runId }));
  },
});

connect();
