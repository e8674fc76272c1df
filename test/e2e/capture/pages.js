// The capture suite's test pages: each `/p/<scenario>` runs one scenario below, as an app
// would, and leaves what the app itself received in `window.__result`, with
// `document.body.dataset.state` = 'done' (or 'error', the message in `window.__error`).
const scenario = document.querySelector('script[data-scenario]').dataset.scenario;
const data = JSON.parse(document.getElementById('data').textContent);

const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const fromB64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function readAll(body) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

const scenarios = {
  async idle() {
    return {};
  },
  async ndjson() {
    const res = await fetch('/ndjson');
    return { text: await readAll(res.body) };
  },
  async 'busy-after-read'() {
    // Reads a stream, tells the server, and keeps the main thread busy in the same task: the
    // hook holds the telling request's record, and its own timer cannot send it until the task ends.
    const res = await fetch('/ndjson');
    const text = await readAll(res.body);
    const told = fetch('/told?key=busy-after-read', { method: 'POST' });
    const until = Date.now() + 700;
    while (Date.now() < until);
    await told;
    return { text };
  },
  async plain() {
    const res = await fetch('/plain');
    return { text: await res.text() };
  },
  xhr() {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      const reads = [];
      let seen = 0;
      xhr.open('GET', '/xhr');
      xhr.addEventListener('progress', () => {
        reads.push(xhr.responseText.slice(seen));
        seen = xhr.responseText.length;
      });
      xhr.addEventListener('load', () => resolve({ text: xhr.responseText, progressReads: reads.length }));
      xhr.addEventListener('error', () => reject(new Error('xhr failed')));
      xhr.send();
    });
  },
  async upload() {
    const lines = [...data.uploadLines];
    const encoder = new TextEncoder();
    const body = new ReadableStream({
      async pull(c) {
        const line = lines.shift();
        if (line === undefined) return c.close();
        await new Promise((r) => setTimeout(r, 10));
        c.enqueue(encoder.encode(line));
      },
    });
    const req = new Request('/echo?key=upload', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body, duplex: 'half' });
    const res = await fetch(req);
    return { text: await readAll(res.body) };
  },
  async clone() {
    const res = await fetch('/ndjson');
    const copy = res.clone();
    // The app reads the clone first, and the original afterwards.
    const text = await readAll(copy.body);
    const original = await res.text();
    return { text, original };
  },
  ws() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${location.host}/ws`);
      ws.binaryType = 'arraybuffer';
      const received = [];
      const frames = data.wsClientFrames.map(fromB64);
      ws.onopen = () => {
        // A typed array, an ArrayBuffer and a Blob: every binary shape send() takes.
        ws.send(frames[0]);
        ws.send(frames[1].buffer.slice(frames[1].byteOffset, frames[1].byteOffset + frames[1].byteLength));
        ws.send(new Blob([frames[2]]));
      };
      ws.onmessage = (e) => {
        received.push(b64(e.data));
        if (received.length === 1 + frames.length) ws.close(1000, 'done');
      };
      ws.onclose = (e) => resolve({ received, code: e.code });
      ws.onerror = () => reject(new Error('websocket failed'));
    });
  },
  sse() {
    return new Promise((resolve, reject) => {
      const es = new EventSource('/sse');
      const received = [];
      for (const type of data.sseTypes) {
        es.addEventListener(type, (e) => {
          received.push({ event: e.type, id: e.lastEventId, data: e.data });
          if (type === 'done') {
            es.close();
            resolve({ received });
          }
        });
      }
      es.onerror = () => {
        es.close();
        reject(new Error('EventSource failed'));
      };
    });
  },
  async workers() {
    const worker = new Worker('/worker.js');
    const shared = new SharedWorker('/shared-worker.js');
    const fromWorker = new Promise((r) => (worker.onmessage = (e) => r(e.data)));
    const fromShared = new Promise((r) => (shared.port.onmessage = (e) => r(e.data)));
    shared.port.start();
    return { worker: await fromWorker, shared: await fromShared };
  },
};

Promise.resolve()
  .then(() => scenarios[scenario]())
  .then(
    (result) => {
      window.__result = result;
      document.getElementById('out').textContent = JSON.stringify(result);
      document.body.dataset.state = 'done';
    },
    (err) => {
      window.__error = String(err && err.stack ? err.stack : err);
      document.body.dataset.state = 'error';
    },
  );
