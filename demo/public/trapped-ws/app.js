// trapped-ws client: a new WebSocket per Send; Stop closes it; a drop is an error.
import { createChatUI } from '/shared/ui.js';
import { genParams, randomId } from '/shared/params.js';

const wsUrl = (path) => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
let ws = null;
let stoppedByUser = false;

const ui = createChatUI({
  onSend(prompt) {
    ui.addMessage('user', randomId('u-'), prompt);
    const el = ui.addMessage('assistant', randomId('a-'));
    ui.setBusy(true);
    ui.setStopEnabled(true);
    ui.setStatus('streaming');
    stoppedByUser = false;
    let finished = false;
    let failure = null;
    const sock = new WebSocket(wsUrl('/trapped-ws/ws'));
    ws = sock;
    sock.onopen = () => sock.send(JSON.stringify({ type: 'chat', prompt, ...genParams() }));
    sock.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      if (msg.type === 'delta') ui.append(el, msg.text);
      else if (msg.type === 'done') {
        finished = true;
        sock.close(1000, 'done');
      } else if (msg.type === 'error') {
        failure = msg.message;
        sock.close(1000);
      }
    };
    sock.onclose = (e) => {
      ws = null;
      ui.setStopEnabled(false);
      ui.setBusy(false);
      if (finished) ui.setStatus('done');
      else if (stoppedByUser) ui.setStatus('stopped');
      else ui.setStatus('error', failure ?? `connection closed (code ${e.code})`);
    };
  },
  onStop() {
    if (!ws) return;
    stoppedByUser = true;
    ws.close(1000, 'stop');
  },
});
