// multi-agent-funnel client: ONE fetch-SSE stream carries every agent's events.
import { createChatUI } from '/shared/ui.js';
import { readSse, ensureOk } from '/shared/sse.js';
import { genParams, randomId, errorMessage } from '/shared/params.js';
import { addTurn } from '/shared/agents.js';

let controller = null;

const ui = createChatUI({
  async onSend(prompt) {
    controller = new AbortController();
    const { signal } = controller;
    const els = addTurn(ui, randomId('t-'), prompt);
    ui.setBusy(true);
    ui.setStopEnabled(true);
    ui.setStatus('streaming');
    try {
      const res = await ensureOk(
        await fetch('/multi-agent-funnel/api/chat', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ prompt, ...genParams() }),
          signal,
        }),
      );
      let finished = false;
      await readSse(res, (ev) => {
        const msg = JSON.parse(ev.data);
        if (msg.type === 'text-delta' && els[msg.agent]) ui.append(els[msg.agent], msg.delta);
        else if (msg.type === 'finish') finished = true;
      });
      if (!finished) throw new Error('stream ended before finish');
      ui.setStatus('done');
    } catch (err) {
      if (signal.aborted) ui.setStatus('stopped');
      else ui.setStatus('error', errorMessage(err));
    } finally {
      controller = null;
      ui.setStopEnabled(false);
      ui.setBusy(false);
    }
  },
  onStop() {
    controller?.abort();
  },
});
