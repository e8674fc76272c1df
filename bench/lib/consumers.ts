/**
 * The benchmarks' minimal apps, as JavaScript source run in a page or a worker: each reads a
 * whole stream and counts its events into a variable `events` the surrounding code declares.
 * `url` is a JavaScript expression (so a caller can append a cache-buster).
 */

/** fetch + reader: decodes every chunk and counts `\n\n`-separated SSE events. */
export const fetchSseConsumer = (url: string): string => `
  const res = await fetch(${url});
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let pos = 0, i;
    while ((i = buf.indexOf('\\n\\n', pos)) >= 0) { events++; pos = i + 2; }
    buf = buf.slice(pos);
  }`;

/** A WebSocket counted until the server closes it with 1000. */
export const webSocketConsumer = (url: string): string => `
  await new Promise((resolve, reject) => {
    const ws = new WebSocket(${url});
    ws.onmessage = () => { events++; };
    ws.onclose = (e) => (e.code === 1000 ? resolve() : reject(new Error('ws closed ' + e.code)));
  });`;
