// multi-agent-direct client: one resumable fetch-SSE stream per agent.
import { createChatUI } from '/shared/ui.js';
import { genParams, postJson, errorMessage } from '/shared/params.js';
import { followSse } from '/shared/resume.js';
import { addTurn } from '/shared/agents.js';

let runId = null;

const ui = createChatUI({
  async onSend(prompt) {
    ui.setBusy(true);
    let run;
    try {
      run = await postJson('/multi-agent-direct/api/runs', { prompt, ...genParams() });
    } catch (err) {
      ui.setBusy(false);
      ui.setStatus('error', errorMessage(err));
      return;
    }
    runId = run.runId;
    const els = addTurn(ui, run.runId, prompt);
    ui.setStopEnabled(true);
    ui.setStatus('streaming');
    const reconnecting = new Set();
    const update = () => ui.setStatus(reconnecting.size ? 'reconnecting' : 'streaming');
    const results = await Promise.allSettled(
      run.agents.map((a) =>
        followSse(a.stream, {
          onEvent(ev) {
            if (ev.event === 'delta') ui.append(els[a.name], JSON.parse(ev.data).delta);
          },
          onConnected() {
            reconnecting.delete(a.name);
            update();
          },
          onReconnecting() {
            reconnecting.add(a.name);
            update();
          },
        }),
      ),
    );
    runId = null;
    ui.setStopEnabled(false);
    ui.setBusy(false);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) ui.setStatus('error', errorMessage(failed.reason));
    else if (results.some((r) => r.value.event === 'cancelled')) ui.setStatus('stopped');
    else ui.setStatus('done');
  },
  async onStop() {
    if (!runId) return;
    try {
      await postJson(`/multi-agent-direct/api/runs/${encodeURIComponent(runId)}/cancel`);
    } catch (err) {
      console.warn('cancel failed', err);
    }
  },
});
