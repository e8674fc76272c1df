/**
 * Loaders for the durable-session stack fixtures that are recorded as HTTP exchanges (the
 * request URL, the status, the response headers and body the real client got), one
 * ConnectionCapture per exchange.
 */
import type { EndCause, Header } from '../../../src/core/trace/records';
import type { ConnectionCapture } from '../../../src/core/trace/model';
import { captureFromBody, readWire, type Split } from './fixture';

export interface Exchange {
  url: string;
  method: string;
  requestHeaders?: Header[];
  status: number;
  responseHeaders: Header[];
  body: string;
}

export function exchanges(protocol: string, file: string): Exchange[] {
  return JSON.parse(readWire(protocol, file)) as Exchange[];
}

/** One exchange as a capture, its body cut by `split`; `body` replaces the recorded one (a stream cut short). */
let n = 0;

export function exchangeCapture(e: Exchange, opts: { split?: Split; body?: string; end?: EndCause; startedAt?: number } = {}): ConnectionCapture {
  const c = captureFromBody(opts.body ?? e.body, { url: e.url, method: e.method, requestHeaders: e.requestHeaders ?? [], responseHeaders: e.responseHeaders, end: opts.end ?? 'clean' }, opts.split);
  c.summary.status = e.status;
  // Each exchange is its own connection, as the hook records it.
  c.summary.id = `doc:x${++n}`;
  if (opts.startedAt !== undefined) {
    const shift = opts.startedAt - c.summary.startedAt;
    c.summary.startedAt += shift;
    c.summary.endedAt = (c.summary.endedAt ?? 0) + shift;
    for (const ev of c.events) ev.time += shift;
  }
  return c;
}
