// Shared chat page UI: the Prompt textarea, Send / Stop buttons, the message
// log and the status line. Every mode page has the same controls.

const STATES = ['idle', 'streaming', 'reconnecting', 'done', 'stopped', 'error'];

/**
 * createChatUI({ onSend(prompt), onStop() }) → helpers.
 * onSend may be async; Send is disabled while busy.
 */
export function createChatUI({ onSend, onStop }) {
  const prompt = document.querySelector('textarea[aria-label="Prompt"]');
  const send = document.getElementById('send');
  const stop = document.getElementById('stop');
  const log = document.getElementById('messages');
  const status = document.getElementById('status');
  let busy = false;

  const ui = {
    log,
    /** setStatus('error', 'message') or setStatus('done') */
    setStatus(word, message) {
      if (!STATES.includes(word)) throw new Error(`bad status ${word}`);
      status.textContent = word === 'error' ? `error: ${message || 'unknown error'}` : word;
      document.body.dataset.state = word;
    },
    get status() {
      return document.body.dataset.state;
    },
    setStopEnabled(on) {
      stop.disabled = !on;
    },
    setBusy(on) {
      busy = on;
      send.disabled = on;
    },
    /** Appends a message div to `container` (default: the log) and returns it. */
    addMessage(role, id, text = '', container = log) {
      const el = document.createElement('div');
      el.className = `message ${role}`;
      el.dataset.messageId = id;
      el.textContent = text;
      container.appendChild(el);
      ui.scroll();
      return el;
    },
    append(el, text) {
      el.textContent += text;
      ui.scroll();
    },
    scroll() {
      log.scrollTop = log.scrollHeight;
    },
  };

  const doSend = () => {
    if (busy) return;
    const text = prompt.value;
    prompt.value = '';
    Promise.resolve(onSend(text)).catch((err) => {
      console.error(err);
      ui.setStatus('error', err?.message || String(err));
    });
  };
  send.addEventListener('click', doSend);
  stop.addEventListener('click', () => {
    if (!stop.disabled) onStop();
  });
  prompt.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      doSend();
    }
  });
  stop.disabled = true;
  ui.setStatus('idle');
  return ui;
}
