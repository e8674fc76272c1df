/**
 * What the XHR replay tests compare between a native XHR and a served one: the probe's event
 * log (probe.js) reduced to what must match whatever the chunking — a run of LOADING
 * `readystatechange` + `progress` events becomes one `loading` entry (the browsers merge
 * network reads, and their 50 ms progress throttle merges events, so the count of chunks is
 * not the app's contract) — with each event's readyState, status and progress fields.
 */
export interface ProbeEntry {
  type: string;
  /** A misuse's exception (probe option `misuse`). */
  error?: string;
  headers?: string;
  at?: number;
  rs?: number;
  status?: number;
  statusText?: string;
  text?: string | null;
  lc?: boolean;
  loaded?: number;
  total?: number;
  proto?: string;
}

export interface ProbeResult {
  log: ProbeEntry[];
  /** What the object itself shows: own properties, brand, class. */
  facts: { own: string[]; tag: string; isXhr: boolean };
  response: string;
  url: string;
  headers: string;
  contentType: string | null;
  missing: string | null;
  final: { rs: number; status: number; statusText: string; text: string | null };
}

export interface ProbeOptions {
  url: string;
  method?: string;
  body?: string;
  responseType?: XMLHttpRequestResponseType;
  timeout?: number;
  abortOnProgress?: boolean;
  /** Sets `timeout` 40 ms after the send. */
  timeoutAfterSend?: number;
  /** Calls send() and setRequestHeader() again right after the send. */
  misuse?: boolean;
  /** Opens the object again at loadend. */
  reopen?: boolean;
}

export function eventShape(r: ProbeResult): object[] {
  const out: object[] = [];
  for (const e of r.log) {
    const loading = e.rs === 3 && (e.type === 'readystatechange' || e.type === 'progress');
    const entry: Record<string, unknown> = { type: loading ? 'loading' : e.type, rs: e.rs, status: e.status, proto: e.proto };
    if (e.lc !== undefined && !loading) Object.assign(entry, { lc: e.lc, loaded: e.loaded, total: e.total });
    if (loading && e.type === 'progress') Object.assign(entry, { lc: e.lc, total: e.total });
    const last = out.at(-1) as Record<string, unknown> | undefined;
    if (loading && last?.type === 'loading') {
      if (entry.lc !== undefined) Object.assign(last, { lc: entry.lc, total: entry.total });
      continue;
    }
    out.push(Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)));
  }
  return out;
}

/** The texts the app saw at each LOADING event: each a prefix of the next, growing to the whole body. */
export function textsGrow(r: ProbeResult): boolean {
  const texts = r.log.filter((e) => e.rs === 3 && typeof e.text === 'string').map((e) => e.text!);
  return texts.every((t, i) => i === 0 || t.startsWith(texts[i - 1]!));
}
