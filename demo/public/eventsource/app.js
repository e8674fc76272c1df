// eventsource client: POST a run, then a native EventSource (the browser
// reconnects itself with Last-Event-ID). ?ids=0 is passed through to the
// events URL: the server then omits id lines, so a reconnect replays from the
// start and the text is duplicated (the trapped variant, on purpose).
import { createChatUI } from '/shared/ui.js';
import { genParams, queryParam, postJson, errorMessage } from '/shared/params.js';

let es = null;
let runId = null;

function finish(status) {
  es?.close();
  es = null;
  runId = null;
  ui.setStopEnabled(false);
  ui.setBusy(false);
  ui.setStatus(status);
}

const ui = createChatUI({
  async onSend(prompt) {
    ui.setBusy(true);
    let run;
    try {
      run = await postJson('/eventsource/api/runs', { prompt, ...genParams() });
    } catch (err) {
      ui.setBusy(false);
      ui.setStatus('error', errorMessage(err));
      return;
    }
    runId = run.runId;
    ui.addMessage('user', `${run.runId}-prompt`, prompt);
    const el = ui.addMessage('assistant', run.runId);
    ui.setStopEnabled(true);
    ui.setStatus('streaming');
    const ids = queryParam('ids');
    const url = `/eventsource/api/runs/${encodeURIComponent(run.runId)}/events${ids !== null ? `?ids=${encodeURIComponent(ids)}` : ''}`;
    const source = new EventSource(url);
    es = source;
    source.addEventListener('open', () => ui.setStatus('streaming'));
    source.addEventListener('delta', (e) => ui.append(el, JSON.parse(e.data).delta));
    source.addEventListener('done', () => finish('done'));
    source.addEventListener('cancelled', () => finish('stopped'));
    source.addEventListener('error', () => {
      if (es !== source) return;
      if (source.readyState === EventSource.CONNECTING) ui.setStatus('reconnecting');
      else {
        finish('error');
        ui.setStatus('error', 'EventSource closed');
      }
    });
  },
  async onStop() {
    const id = runId;
    finish('stopped');
    if (!id) return;
    try {
      await postJson(`/eventsource/api/runs/${encodeURIComponent(id)}/cancel`);
    } catch (err) {
      console.warn('cancel failed', err);
    }
  },
});
