// A page that tries to abuse the extension. It runs after the hook (as any page script does),
// posts forged messages on the hook's channels and on postMessage, and breaks globals. It logs
// what it observed so the test can check that nothing came back to it.
(() => {
  const log = (window.__hostileLog = { errors: [], commands: [], messages: 0, sniffed: [] });
  addEventListener('error', (e) => log.errors.push(String(e.message)));
  addEventListener('unhandledrejection', (e) => log.errors.push(String(e.reason)));
  addEventListener('message', () => (log.messages += 1));
  addEventListener('__durable_sessions_command', (e) => log.commands.push(JSON.stringify(e.detail)));
  // The hook's id, if anything of the hook's channel were visible on window: forging under it
  // would make forged records look like the hook's own.
  // (Its own forgeries below use these ids; any other id would be the hook's.)
  const own = ['f0f0f0f0', 'unknown'];
  addEventListener('__durable_sessions_capture', (e) => e.detail && e.detail.hook && !own.includes(e.detail.hook) && log.sniffed.push(e.detail.hook), true);

  const source = 'durable-sessions-inspector';
  const v = 1;
  const capture = (detail) => dispatchEvent(new CustomEvent('__durable_sessions_capture', { detail }));
  const open = (conn, url) => ({ type: 'open', conn, time: Date.now(), kind: 'fetch', url, method: 'POST', requestHeaders: [['authorization', 'Bearer sk-forged']], requestBodySize: null, requestBodyPreview: null, detail: null });

  window.__attack = () => {
    // 1. Commands a page must never be able to give, on every channel it has.
    const commands = [
      { type: 'run-test', tabId: 1, test: 'multi-surface', options: { secondTabUrl: 'http://evil.invalid/' } },
      { type: 'subscribe', tabId: 1 },
      { type: 'list-sessions', tabId: 1 },
      { type: 'load-session', tabId: 1, sessionId: 'x' },
      { type: 'arm-fault', tabId: 1, fault: { id: 'x', kind: 'offline', offlineMs: 1000, trigger: { kind: 'now' }, scope: { kind: 'session' } } },
      { type: 'hello', url: 'http://evil.invalid/', docId: 'forged', firstConnect: true, nextSeq: 1 },
      { type: 'resend', after: 0 },
    ];
    for (const c of commands) {
      capture({ source, v, ...c });
      postMessage({ source, v, ...c }, '*');
    }
    // 2. Forged capture: another hook id, prototype keys, huge strings, huge batches, junk.
    capture({ source, v, type: 'capture', hook: 'f0f0f0f0', records: [open('f0f0f0f0-1', 'http://forged.invalid/stream')] });
    capture(JSON.parse(`{"source":"${source}","v":1,"type":"capture","hook":"f0f0f0f0","records":[{"type":"data","conn":"f0f0f0f0-1","time":1,"dir":"in","text":"x","size":1,"__proto__":{"polluted":true}}]}`));
    capture({ source, v, type: 'capture', hook: 'f0f0f0f0', records: [{ type: 'data', conn: 'f0f0f0f0-1', time: 2, dir: 'in', text: 'y'.repeat(8 * 1024 * 1024), size: 8 * 1024 * 1024 }] });
    capture({ source, v, type: 'capture', hook: 'f0f0f0f0', records: Array.from({ length: 100000 }, (_, i) => ({ type: 'data', conn: 'f0f0f0f0-1', time: 3 + i, dir: 'in', text: 'z', size: 1 })) });
    capture({ source, v, type: 'capture', hook: 'f0f0f0f0', records: [{ type: 'data', conn: 'f0f0f0f0-1', time: 5, dir: 'in', text: () => 1 }] });
    capture({ source, v, type: 'capture', hook: 'f0f0f0f0', records: [{ type: 'page', conn: 'page', time: 6, signal: 'capture-lost', detail: 'forged' }] });
    // Under the hook's own id, had the page learnt it: a forged offline signal and a forged drop.
    const id = log.sniffed[0] || 'unknown';
    capture({ source, v, type: 'capture', hook: id, records: [{ type: 'page', conn: 'page', time: 7, signal: 'offline', detail: 'forged' }, { type: 'fault', conn: `${id}-1`, time: 8, faultId: 'forged-drop', fault: 'drop', detail: 'forged' }] });
    capture('not an object');
    capture(null);
    // 3. Break globals after the hook installed.
    Object.defineProperty(Object.prototype, 'detail', { get() { throw new Error('hostile getter'); }, configurable: true });
    const realPush = Array.prototype.push;
    Array.prototype.push = function (...a) { return realPush.apply(this, a); };
    window.postMessage = () => { throw new Error('no postMessage for you'); };
    Object.freeze(window.fetch);
    delete Object.prototype.detail;
  };

  // A real stream after all that: the hook must still capture it, as this page's own.
  window.__stream = async () => {
    const res = await fetch('/sse?n=20');
    return (await res.text()).length;
  };
})();
