/**
 * Page scripts that record what an app's own code observes when its stream drops (errors,
 * events, readyState, text), run against the demo app. The same probe runs once with a real
 * drop and once with an injected one, in Chromium (faults.test.ts) and Firefox (firefox.test.ts):
 * the two logs must be equal. Each sets `window.__ready` once a few events arrived.
 */
export const FETCH_PROBE = `(async () => {
  const res = await fetch('/trapped-sse/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'drop me', tps: 40, tokens: 200 }) });
  const reader = res.body.getReader();
  const log = [];
  let reads = 0;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) { log.push('done'); break; }
      if (++reads === 5) window.__ready = true;
    }
  } catch (e) {
    log.push({ name: e.name, message: e.message, isTypeError: e instanceof TypeError, proto: Object.getPrototypeOf(e) === TypeError.prototype });
    try { await reader.read(); } catch (again) { log.push({ again: again === e ? 'same error' : again.name + ': ' + again.message }); }
  }
  return log;
})()`;

export const WS_PROBE = `new Promise((resolve) => {
  const ws = new WebSocket(location.origin.replace('http', 'ws') + '/trapped-ws/ws');
  const log = [];
  let frames = 0;
  ws.onopen = () => { log.push(['open', ws.readyState]); ws.send(JSON.stringify({ type: 'chat', prompt: 'drop me', tps: 40, tokens: 200 })); };
  ws.onmessage = () => { if (++frames === 5) window.__ready = true; };
  ws.onerror = (e) => log.push(['error', ws.readyState, e.constructor.name]);
  ws.onclose = (e) => { log.push(['close', e.code, e.wasClean, e.reason, ws.readyState, e.constructor.name]); resolve(log); };
})`;

export const ES_PROBE = `(async () => {
  const { runId } = await (await fetch('/eventsource/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'drop me', tps: 40, tokens: 40 }) })).json();
  return await new Promise((resolve) => {
    const es = new EventSource('/eventsource/api/runs/' + runId + '/events');
    const log = [];
    let text = '';
    let deltas = 0;
    es.onopen = () => log.push(['open', es.readyState]);
    es.onerror = () => log.push(['error', es.readyState]);
    es.addEventListener('delta', (e) => { text += JSON.parse(e.data).delta; if (++deltas === 5) window.__ready = true; });
    es.addEventListener('done', (e) => { log.push(['done', e.lastEventId !== '']); es.close(); resolve({ log, text, readyState: es.readyState }); });
  });
})()`;
