// The XHR probe the tests run in the page, natively and replayed: it logs every event the app
// can see, with the object's state at that moment, and the final response as each
// responseType gives it. Plain page script (no module), served inline.
window.__xhrProbe = (opts) => new Promise((resolve) => {
  const xhr = new XMLHttpRequest();
  const log = [];
  let t0 = performance.now();
  let aborted = false;
  const state = () => ({ rs: xhr.readyState, status: xhr.status, statusText: xhr.statusText,
    text: xhr.responseType === '' || xhr.responseType === 'text' ? xhr.responseText : null });
  const types = ['readystatechange', 'loadstart', 'progress', 'load', 'loadend', 'error', 'abort', 'timeout'];
  for (const type of types) {
    xhr.addEventListener(type, (e) => {
      const entry = { type, at: Math.round(performance.now() - t0), ...state() };
      if (e instanceof ProgressEvent) Object.assign(entry, { lc: e.lengthComputable, loaded: e.loaded, total: e.total });
      entry.proto = Object.prototype.toString.call(e);
      log.push(entry);
      if (type === 'progress' && opts.abortOnProgress && !aborted) {
        aborted = true;
        xhr.abort();
        log.push({ type: 'after-abort', ...state() });
      }
      if (type === 'loadend') {
        let response;
        try {
          const r = xhr.response;
          response = r instanceof ArrayBuffer ? `ArrayBuffer ${r.byteLength} ${new TextDecoder().decode(r)}`
            : r instanceof Blob ? `Blob ${r.size} ${r.type}`
            : JSON.stringify(r);
        } catch (err) { response = `threw ${err.name}`; }
        const facts = { own: Object.getOwnPropertyNames(xhr).concat(Object.getOwnPropertySymbols(xhr).map(String)),
          tag: Object.prototype.toString.call(xhr), isXhr: xhr instanceof XMLHttpRequest };
        const result = { log, facts, response, url: xhr.responseURL, headers: xhr.getAllResponseHeaders(),
          contentType: xhr.getResponseHeader('Content-Type'), missing: xhr.getResponseHeader('x-none'),
          final: state() };
        if (opts.reopen) {
          // Opening the object again: its readystatechange (readyState 1) is logged by the listener.
          xhr.open('GET', opts.url);
          log.push({ type: 'after-reopen', ...state(), headers: xhr.getAllResponseHeaders() });
        }
        resolve(result);
      }
    });
  }
  xhr.onload = () => log.push({ type: 'onload-attr' });
  xhr.open(opts.method ?? 'GET', opts.url);
  log.push({ type: 'after-open', ...state() });
  if (opts.responseType) xhr.responseType = opts.responseType;
  if (opts.timeout) xhr.timeout = opts.timeout;
  xhr.setRequestHeader('x-probe', '1');
  t0 = performance.now();
  xhr.send(opts.body ?? null);
  log.push({ type: 'after-send', ...state() });
  // A timeout set while the request is in flight still counts from the send.
  if (opts.timeoutAfterSend) setTimeout(() => (xhr.timeout = opts.timeoutAfterSend), 40);
  if (opts.misuse) {
    // What a native XHR in flight throws: a second send, a header after the send.
    for (const [label, f] of [['send again', () => xhr.send()], ['header after send', () => xhr.setRequestHeader('x-late', '1')]]) {
      try {
        f();
        log.push({ type: label, threw: false });
      } catch (e) {
        log.push({ type: label, error: `${e.name}: ${e.message}`, isDomException: e instanceof DOMException, stackHasExtension: /extension:/.test(String(e.stack)) });
      }
    }
  }
});
