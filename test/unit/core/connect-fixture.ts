/**
 * Loader for the Connect / gRPC-web fixtures (test/fixtures/protocols/connect, recorded by its
 * record.ts): one HTTP exchange per file, its response body as the client's reader got it. A
 * capture holds the body as the page hook records these content types: bytes (base64) per
 * read, or text for grpc-web-text, which is base64 already. `split` re-cuts the body at other
 * byte positions (see fixture.ts); 'recorded' keeps the reads as they came.
 */
import type { ConnectionCapture, TraceEvent } from '../../../src/core/trace/model';
import type { EndCause } from '../../../src/core/trace/records';
import { cutPoints, readWire, summaryOf, type Split } from './fixture';

export interface ConnectExchange {
  client: string;
  url: string;
  method: string;
  requestHeaders: Array<[string, string]>;
  requestBase64: string;
  status: number;
  responseHeaders: Array<[string, string]>;
  chunks: string[];
  clientText: string;
  clientError: { code: string; message: string } | null;
}

export function connectExchange(file: string): ConnectExchange {
  return JSON.parse(readWire('connect', file)) as ConnectExchange;
}

export function bodyBytes(x: ConnectExchange): Uint8Array {
  return Buffer.concat(x.chunks.map((c) => Buffer.from(c, 'base64')));
}

/** Byte chunks as one capture: text events for grpc-web-text, base64 events otherwise. */
export function captureOfChunks(x: ConnectExchange, parts: Uint8Array[], opts: { end?: EndCause; ended?: boolean } = {}): ConnectionCapture {
  const text = /grpc-web-text/.test(x.responseHeaders.find(([k]) => k === 'content-type')?.[1] ?? '');
  const events: TraceEvent[] = parts.map((p, seq) => ({
    seq, time: 10 * (seq + 1), dir: 'in', size: p.length, event: null, id: null,
    text: text ? Buffer.from(p).toString('latin1') : null,
    base64: text ? null : Buffer.from(p).toString('base64'),
  }));
  const summary = summaryOf({ url: x.url, method: x.method, requestHeaders: x.requestHeaders, responseHeaders: x.responseHeaders, end: opts.end ?? 'clean' }, 'fetch');
  summary.status = x.status;
  if (opts.ended === false) {
    summary.state = 'open';
    summary.endedAt = null;
    summary.end = null;
  }
  summary.events = events.length;
  summary.bytesIn = parts.reduce((n, p) => n + p.length, 0);
  return { summary, events };
}

export function connectCapture(file: string, split: Split | { kind: 'recorded' } = { kind: 'recorded' }, opts: { end?: EndCause; ended?: boolean } = {}): ConnectionCapture {
  const x = connectExchange(file);
  if (split.kind === 'recorded') return captureOfChunks(x, x.chunks.map((c) => Buffer.from(c, 'base64')), opts);
  const bytes = bodyBytes(x);
  const bounds = [0, ...cutPoints(bytes, split), bytes.length];
  const parts: Uint8Array[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) parts.push(bytes.subarray(bounds[i], bounds[i + 1]));
  return captureOfChunks(x, parts, opts);
}
