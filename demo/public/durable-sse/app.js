// durable-sse client: POST a run, follow its resumable stream; ?c=<cid> in the
// page URL lets a second tab load the conversation and join the active run.
import { createChatUI } from '/shared/ui.js';
import { ensureOk } from '/shared/sse.js';
import { genParams, queryParam, setQueryParam, randomId, postJson, errorMessage } from '/shared/params.js';
import { followSse } from '/shared/resume.js';

let cid = queryParam('c');
let activeRunId = null;

async function follow(runId, el) {
  activeRunId = runId;
  ui.setBusy(true);
  ui.setStopEnabled(true);
  ui.setStatus('streaming');
  try {
    const end = await followSse(`/durable-sse/api/runs/${encodeURIComponent(runId)}/stream`, {
      onEvent(ev) {
        if (ev.event === 'delta') ui.append(el, JSON.parse(ev.data).delta);
      },
      onConnected: () => ui.setStatus('streaming'),
      onReconnecting: () => ui.setStatus('reconnecting'),
    });
    ui.setStatus(end.event === 'done' ? 'done' : 'stopped');
  } catch (err) {
    ui.setStatus('error', errorMessage(err));
  } finally {
    activeRunId = null;
    ui.setStopEnabled(false);
    ui.setBusy(false);
  }
}

const ui = createChatUI({
  async onSend(prompt) {
    if (!cid) {
      cid = randomId('c');
      setQueryParam('c', cid);
    }
    ui.setBusy(true);
    let run;
    try {
      run = await postJson(`/durable-sse/api/conversations/${encodeURIComponent(cid)}/runs`, { prompt, ...genParams() });
    } catch (err) {
      ui.setBusy(false);
      ui.setStatus('error', errorMessage(err));
      return;
    }
    ui.addMessage('user', randomId('u-'), prompt);
    await follow(run.runId, ui.addMessage('assistant', run.messageId));
  },
  async onStop() {
    if (!activeRunId) return;
    try {
      await postJson(`/durable-sse/api/runs/${encodeURIComponent(activeRunId)}/cancel`);
    } catch (err) {
      console.warn('cancel failed', err);
    }
  },
});

async function loadConversation() {
  if (!cid) return;
  try {
    const res = await ensureOk(await fetch(`/durable-sse/api/conversations/${encodeURIComponent(cid)}`, { cache: 'no-store' }));
    const conv = await res.json();
    let activeEl = null;
    for (const m of conv.messages) {
      const live = m.runId === conv.activeRunId && m.role === 'assistant' && m.state === 'streaming';
      // The active message starts empty: its stream is replayed from the start.
      const el = ui.addMessage(m.role, m.id, live ? '' : m.text);
      if (live) activeEl = el;
    }
    if (conv.activeRunId && activeEl) await follow(conv.activeRunId, activeEl);
  } catch (err) {
    ui.setStatus('error', errorMessage(err));
  }
}

loadConversation();
