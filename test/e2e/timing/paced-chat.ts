/**
 * A chat server that paces an OpenAI-style SSE answer on a known schedule and records, with
 * its own clock, when each chunk was written: the oracle the panel's timing is checked against.
 *   GET  /                          a page whose `start()` asks for both answers below
 *   POST /v1/chat/completions       a role chunk at once, the first token at `firstTokenMs`,
 *                                   then one every `stepMs`, with one pause of `stallMs`
 *                                   after token `stallAfter`, then [DONE]
 *   POST /v1/chat/completions?fast  a short answer at once (a second stream to search)
 * Times are performance.now() of this process, relative to the request's arrival.
 *
 * The page is an app of its own (no code of ours): it stamps, with its own clock, when it
 * called fetch and when its reader got each token (`window.arrivals`), which is what its user
 * saw; on a loaded machine a token can reach the page's main thread late, and the page says so.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Schedule {
  firstTokenMs: number;
  stepMs: number;
  stallAfter: number;
  stallMs: number;
  tokens: string[];
}

export interface Written {
  /** ms from the request's arrival to each token's write; the role chunk's write first. */
  roleAt: number;
  tokenAt: number[];
}

export interface PacedChat {
  url: string;
  /** The paced answer's writes, once it has ended. */
  written(): Promise<Written>;
  close(): Promise<void>;
}

const chunk = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ id: 'chatcmpl-paced', object: 'chat.completion.chunk', created: 1, model: 'paced-1', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

const PAGE = `<!doctype html><title>paced chat</title><p id="status">idle</p><pre id="answer"></pre>
<script>
window.arrivals = { start: 0, tokens: [] };
async function ask(path, into, stamps) {
  const start = performance.now();
  if (stamps) stamps.start = start;
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messages":[{"role":"user","content":"hi"}]}' });
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const t = performance.now();
    buf += dec.decode(value, { stream: true });
    const parts = buf.split('\\n\\n');
    buf = parts.pop();
    for (const p of parts) {
      const data = p.replace(/^data: /, '');
      if (data === '[DONE]') continue;
      const text = JSON.parse(data).choices[0]?.delta?.content;
      if (!text) continue;
      into.textContent += text;
      if (stamps) stamps.tokens.push({ t: t - start, text });
    }
  }
}
window.start = () => {
  document.body.dataset.state = 'streaming';
  return Promise.all([ask('/v1/chat/completions', document.getElementById('answer'), window.arrivals), ask('/v1/chat/completions?fast', document.createElement('pre'))])
    .then(() => { document.body.dataset.state = 'done'; }, (e) => { document.body.dataset.state = 'error: ' + e; });
};
</script>`;

/** Waits until `at` (ms after `t0`) by the clock, never less: timers may fire a little early. */
function until(t0: number, at: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      const left = t0 + at - performance.now();
      if (left <= 0) resolve();
      else setTimeout(check, Math.max(1, left));
    };
    check();
  });
}

export async function startPacedChat(schedule: Schedule): Promise<PacedChat> {
  let done: ((w: Written) => void) | null = null;
  const writtenP = new Promise<Written>((r) => (done = r));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE);
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions') {
      res.writeHead(404).end();
      return;
    }
    const t0 = performance.now();
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.socket?.setNoDelay(true);
    res.write(chunk({ role: 'assistant', content: '' }));
    if (url.searchParams.has('fast')) {
      res.end(chunk({ content: 'A durable answer, quickly.' }) + chunk({}, 'stop') + 'data: [DONE]\n\n');
      return;
    }
    const roleAt = performance.now() - t0;
    void (async () => {
      const tokenAt: number[] = [];
      let due = schedule.firstTokenMs;
      for (let i = 0; i < schedule.tokens.length; i++) {
        await until(t0, due);
        tokenAt.push(performance.now() - t0);
        res.write(chunk({ content: schedule.tokens[i] }));
        // The next token is due a step after this one was written (a pause after `stallAfter`).
        due = tokenAt[i]! + (i + 1 === schedule.stallAfter ? schedule.stallMs : schedule.stepMs);
      }
      res.end(chunk({}, 'stop') + 'data: [DONE]\n\n');
      done?.({ roleAt, tokenAt });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    written: () => writtenP,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
