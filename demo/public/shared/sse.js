// Minimal Server-Sent Events parser for fetch() response bodies.
// Handles chunk boundaries, \n / \r\n / \r line endings, comments, multi-line data.

/** Creates a parser; call feed(text) with decoded chunks. onEvent({id, event, data, retry}). */
export function createSseParser(onEvent) {
  let buf = '';
  let data = [];
  let event = '';
  let id;
  let retry;
  let pendingCR = false;
  const dispatch = () => {
    if (data.length) onEvent({ id, event: event || 'message', data: data.join('\n'), retry });
    data = [];
    event = '';
    id = undefined;
    retry = undefined;
  };
  const line = (l) => {
    if (l === '') return dispatch();
    if (l.startsWith(':')) return;
    const i = l.indexOf(':');
    const field = i < 0 ? l : l.slice(0, i);
    let value = i < 0 ? '' : l.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
  };
  return {
    feed(text) {
      if (pendingCR && text.startsWith('\n')) text = text.slice(1);
      pendingCR = false;
      buf += text;
      let m;
      const re = /\r\n|\r|\n/g;
      let start = 0;
      while ((m = re.exec(buf))) {
        if (m[0] === '\r' && m.index === buf.length - 1) {
          pendingCR = true;
        }
        line(buf.slice(start, m.index));
        start = m.index + m[0].length;
      }
      buf = buf.slice(start);
    },
  };
}

/** Reads a fetch Response body as SSE until it ends; resolves when the stream ends. */
export async function readSse(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = createSseParser(onEvent);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    parser.feed(decoder.decode());
  } finally {
    reader.releaseLock?.();
  }
}

/** Throws an Error with the server's JSON error message if the response is not ok. */
export async function ensureOk(response) {
  if (response.ok) return response;
  let msg = `HTTP ${response.status}`;
  try {
    const j = await response.json();
    if (j && j.error) msg += `: ${j.error}`;
  } catch {
    /* not JSON */
  }
  const err = new Error(msg);
  err.status = response.status;
  throw err;
}
