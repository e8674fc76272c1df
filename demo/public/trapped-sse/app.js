// trapped-sse client: one fetch POST, parse OpenAI-style SSE chunks from the body.
import { createChatUI } from '/shared/ui.js';
import { readSse, ensureOk } from '/shared/sse.js';
import { genParams, randomId, errorMessage } from '/shared/params.js';

let controller = null;

const ui = createChatUI({
  async onSend(prompt) {
    controller = new AbortController();
    const { signal } = controller;
    ui.addMessage('user', randomId('u-'), prompt);
    const el = ui.addMessage('assistant', randomId('a-'));
    ui.setBusy(true);
    ui.setStopEnabled(true);
    ui.setStatus('streaming');
    try {
      const res = await ensureOk(
        await fetch('/trapped-sse/api/chat', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ prompt, ...genParams() }),
          signal,
        }),
      );
      let finished = false;
      await readSse(res, (ev) => {
        if (ev.data === '[DONE]') {
          finished = true;
          return;
        }
        const choice = JSON.parse(ev.data).choices?.[0];
        if (choice?.delta?.content) ui.append(el, choice.delta.content);
      });
      if (!finished) throw new Error('stream ended before [DONE]');
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
