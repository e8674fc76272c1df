// The app under control: one WebSocket whose every message, close and error it logs as its own
// code sees them (both through `onmessage` and an `addEventListener` listener).
window.__log = [];
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
function describe(e, via) {
  const d = e.data;
  const entry = {
    via,
    type: 'message',
    isMessageEvent: e instanceof MessageEvent,
    origin: e.origin,
    dataType: typeof d === 'string' ? 'string' : d instanceof Blob ? 'Blob' : d instanceof ArrayBuffer ? 'ArrayBuffer' : typeof d,
    text: typeof d === 'string' ? d : null,
    hex: d instanceof ArrayBuffer ? hex(d) : null,
  };
  if (d instanceof Blob) d.arrayBuffer().then((b) => (entry.hex = hex(b)));
  window.__log.push(entry);
}
window.__connect = (binaryType) =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(location.origin.replace('http', 'ws') + '/ws');
    ws.binaryType = binaryType;
    window.__ws = ws;
    ws.onmessage = (e) => describe(e, 'onmessage');
    ws.addEventListener('message', (e) => describe(e, 'listener'));
    ws.onerror = () => window.__log.push({ type: 'error', readyState: ws.readyState });
    ws.onclose = (e) => window.__log.push({ type: 'close', code: e.code, reason: e.reason, wasClean: e.wasClean, readyState: ws.readyState, isCloseEvent: e instanceof CloseEvent });
    ws.onopen = () => resolve();
    setTimeout(() => reject(new Error('the socket did not open')), 10000);
  });
