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
        resolve({ log, response, url: xhr.responseURL, headers: xhr.getAllResponseHeaders(),
          contentType: xhr.getResponseHeader('Content-Type'), missing: xhr.getResponseHeader('x-none'),
          final: state() });
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
});
