// The app under replay: one WebSocket and one EventSource whose every step it renders as a line
// of text in the page (#ws, #es). That text is the app's state: a replay must end with the same.
const out = (id, line) => (document.getElementById(id).textContent += line + '\n');
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
const caught = (fn) => {
  try {
    fn();
    return 'no exception';
  } catch (e) {
    return `${e instanceof DOMException ? 'DOMException' : e.constructor.name} ${e.name}: ${e.message}`;
  }
};

window.__ws = () =>
  new Promise((resolve) => {
    const ws = new WebSocket(location.origin.replace('http', 'ws') + '/ws', ['chat.v1']);
    ws.binaryType = 'arraybuffer';
    out('ws', `created: instanceof ${ws instanceof WebSocket}, ${Object.prototype.toString.call(ws)}, readyState ${ws.readyState}, url ${ws.url}, protocol "${ws.protocol}", binaryType ${ws.binaryType}`);
    // What a socket refuses before it is open: the real one's answers are the reference.
    out('ws', `send while connecting: ${caught(() => ws.send('too early'))}`);
    out('ws', `send without data: ${caught(() => ws.send())}`);
    out('ws', `close(1001): ${caught(() => ws.close(1001))}`);
    out('ws', `close(1000, long reason): ${caught(() => ws.close(1000, 'x'.repeat(124)))}`);
    ws.binaryType = 'nonsense';
    out('ws', `binaryType after a bad value: ${ws.binaryType}`);
    ws.onopen = () => {
      out('ws', `open: readyState ${ws.readyState}, protocol "${ws.protocol}", extensions "${ws.extensions}"`);
      ws.send('start');
    };
    ws.onmessage = (e) => out('ws', typeof e.data === 'string' ? `text ${e.data} from ${e.origin}` : `binary ${e.data instanceof ArrayBuffer ? 'ArrayBuffer' : typeof e.data} ${hex(e.data)}`);
    ws.addEventListener('message', (e) => typeof e.data === 'string' && e.data === 'gamma' && out('ws', 'listener saw gamma'));
    ws.onerror = () => out('ws', `error: readyState ${ws.readyState}`);
    ws.onclose = (e) => {
      out('ws', `close: ${e instanceof CloseEvent} ${e.code} "${e.reason}" clean ${e.wasClean}, readyState ${ws.readyState}`);
      out('ws', `send after close: ${caught(() => ws.send('late'))}`);
      resolve();
    };
  });

window.__es = () =>
  new Promise((resolve) => {
    const es = new EventSource('/sse');
    out('es', `created: instanceof ${es instanceof EventSource}, ${Object.prototype.toString.call(es)}, readyState ${es.readyState}, url ${es.url}, withCredentials ${es.withCredentials}`);
    es.onopen = () => out('es', `open: readyState ${es.readyState}`);
    es.onmessage = (e) => out('es', `message ${e.data} id "${e.lastEventId}"`);
    es.addEventListener('token', (e) => out('es', `token ${JSON.stringify(e.data)} id "${e.lastEventId}" from ${e.origin}`));
    es.addEventListener('done', (e) => {
      out('es', `done ${e.data}`);
      es.close();
      out('es', `closed: readyState ${es.readyState}`);
      resolve();
    });
    es.onerror = () => out('es', `error: readyState ${es.readyState}`);
  });
