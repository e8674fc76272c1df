/** Test helpers for the demo server: SSE reading over fetch, WebSocket message queues. */
import WebSocket from 'ws';

export interface SseEv {
  id?: string;
  event: string;
  data: string;
  retry?: number;
}

/** Incremental SSE parser (same rules as the browser client). */
export function sseParser(onEvent: (ev: SseEv) => void, onComment?: (c: string) => void): (chunk: string) => void {
  let buf = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  let retry: number | undefined;
  return (chunk) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      if (line === '') {
        if (data.length || retry !== undefined) {
          const ev: SseEv = { event: event || 'message', data: data.join('\n') };
          if (id !== undefined) ev.id = id;
          if (retry !== undefined) ev.retry = retry;
          onEvent(ev);
        }
        data = [];
        event = '';
        id = undefined;
        retry = undefined;
      } else if (line.startsWith(':')) onComment?.(line.slice(1).trim());
      else {
        const c = line.indexOf(':');
        const field = c < 0 ? line : line.slice(0, c);
        const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
        if (field === 'data') data.push(value);
        else if (field === 'event') event = value;
        else if (field === 'id') id = value;
        else if (field === 'retry') retry = Number(value);
      }
    }
  };
}

/**
 * Reads an SSE response. `until(ev, all)` returning true aborts reading early
 * (the caller's AbortController is used). Resolves with events, raw text and
 * whether the stream ended by error.
 */
export async function readSse(
  res: Response,
  opts: { until?: (ev: SseEv, all: SseEv[]) => boolean; abort?: AbortController } = {},
): Promise<{ events: SseEv[]; raw: string; error?: unknown }> {
  const events: SseEv[] = [];
  let raw = '';
  let stop = false;
  const feed = sseParser((ev) => {
    if (stop) return;
    events.push(ev);
    if (opts.until?.(ev, events)) stop = true;
  });
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  try {
    while (!stop) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = dec.decode(value, { stream: true });
      raw += text;
      feed(text);
    }
    if (stop) {
      opts.abort?.abort();
      await reader.cancel().catch(() => {});
    }
  } catch (error) {
    return { events, raw, error };
  }
  return { events, raw };
}

export async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** A WebSocket with a queue of parsed JSON messages. */
export class WsClient {
  readonly ws: WebSocket;
  readonly messages: Array<Record<string, unknown>> = [];
  private waiters: Array<() => void> = [];
  closed: Promise<{ code: number }>;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('error', () => {});
    this.ws.on('message', (d) => {
      this.messages.push(JSON.parse(d.toString()) as Record<string, unknown>);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.closed = new Promise((resolve) =>
      this.ws.on('close', (code) => {
        resolve({ code });
        this.waiters.splice(0).forEach((w) => w());
      }),
    );
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === WebSocket.OPEN) return resolve();
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** Waits until `pred(messages)` holds (or the socket closes / times out). */
  async waitFor(pred: (msgs: Array<Record<string, unknown>>) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.messages)) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('socket closed while waiting');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout; got ${JSON.stringify(this.messages.slice(-3))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

export const wsUrl = (httpUrl: string, path: string): string => httpUrl.replace(/^http/, 'ws') + path;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Response JSON as `any` (tests assert on shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const json = (res: Response): Promise<any> => res.json() as Promise<any>;
