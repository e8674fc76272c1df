// Resumable fetch-SSE subscription: reconnects with Last-Event-ID and
// backoff (300, 600, 1200 ms, … up to MAX_RETRIES tries) until a terminal
// event (`done` or `cancelled`) arrives.
import { readSse, ensureOk } from './sse.js';
import { MAX_RETRIES, backoffMs, sleep, errorMessage } from './params.js';

/**
 * followSse(url, { onEvent(ev), onConnected(), onReconnecting(attempt), signal })
 * Resolves with the terminal event ({event:'done'|'cancelled', data}); rejects
 * after MAX_RETRIES failed tries, on HTTP 4xx, or when `signal` aborts.
 * Events with seq <= the last seen id are ignored (no duplicates).
 */
export async function followSse(url, { onEvent, onConnected, onReconnecting, signal } = {}) {
  let lastId = 0;
  let attempt = 0;
  for (;;) {
    let terminal = null;
    try {
      const headers = lastId > 0 ? { 'Last-Event-ID': String(lastId) } : {};
      const res = await ensureOk(await fetch(url, { headers, signal, cache: 'no-store' }));
      onConnected?.();
      await readSse(res, (ev) => {
        const seq = ev.id !== undefined ? Number(ev.id) : NaN;
        if (Number.isFinite(seq)) {
          if (seq <= lastId) return;
          lastId = seq;
        }
        attempt = 0;
        if (ev.event === 'done' || ev.event === 'cancelled') terminal = { event: ev.event, data: JSON.parse(ev.data) };
        else onEvent?.(ev);
      });
      if (terminal) return terminal;
    } catch (err) {
      if (signal?.aborted) throw err;
      if (err.status && err.status < 500) throw err;
      if (terminal) return terminal;
      console.warn('stream failed:', errorMessage(err));
    }
    attempt++;
    if (attempt > MAX_RETRIES) throw new Error(`gave up after ${MAX_RETRIES} reconnect attempts`);
    onReconnecting?.(attempt);
    await sleep(backoffMs(attempt));
  }
}
