// The page's AI client: sse.js (the real library, bundled for the page) POSTs a prompt and
// streams the answer, rendered into #out. `window.__sse(path)` resolves when sse.js reports
// the stream closed, with the text shown and what sse.js told the app on the way.
import { SSE } from 'sse.js';

window.__sse = (path) =>
  new Promise((resolve) => {
    const out = document.getElementById('out');
    out.textContent = '';
    const log = [];
    const source = new SSE(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test' },
      payload: JSON.stringify({ prompt: 'say hello' }),
    });
    source.addEventListener('open', (e) => log.push(`open ${e.responseCode} ${e.headers['content-type']}`));
    source.addEventListener('message', (e) => {
      if (e.data === '[DONE]') return log.push('[DONE]');
      out.textContent += JSON.parse(e.data).t;
    });
    source.addEventListener('error', (e) => log.push(`error ${e.responseCode} ${JSON.stringify(e.data)}`));
    source.addEventListener('abort', () => log.push('abort'));
    source.addEventListener('readystatechange', (e) => {
      log.push(`state ${e.readyState}`);
      if (e.readyState === SSE.CLOSED) resolve({ text: out.textContent, log });
    });
  });
