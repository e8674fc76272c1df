// Page-URL helpers shared by every mode.

/** {tps, tokens, seed} from the page URL query (only those present, as numbers). */
export function genParams() {
  const q = new URLSearchParams(location.search);
  const out = {};
  for (const k of ['tps', 'tokens', 'seed']) {
    const v = q.get(k);
    if (v !== null && v !== '') out[k] = Number(v);
  }
  return out;
}

export function queryParam(name) {
  return new URLSearchParams(location.search).get(name);
}

/** Sets ?name=value in the page URL with history.replaceState, keeping other params. */
export function setQueryParam(name, value) {
  const url = new URL(location.href);
  url.searchParams.set(name, value);
  history.replaceState(history.state, '', url);
}

export function randomId(prefix = '') {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return prefix + Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('').slice(0, 16);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Reconnect backoff: 300, 600, 1200, … ms for attempt 1, 2, 3, … */
export const MAX_RETRIES = 8;
export const backoffMs = (attempt) => 300 * 2 ** (attempt - 1);

export async function postJson(url, body) {
  const { ensureOk } = await import('./sse.js');
  const res = await ensureOk(
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }),
  );
  return res.json();
}

/** Short, readable message for an error. */
export function errorMessage(err) {
  if (!err) return 'unknown error';
  const m = err.message || String(err);
  return m === 'Failed to fetch' || m === 'network error' ? 'network error' : m;
}
