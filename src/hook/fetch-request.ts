/**
 * The request as the capture records it: method, URL, headers and what can be known of the
 * body, read from fetch's own arguments. Reading them must run no page code and change nothing
 * the page can observe: fetch itself reads each init member once (getters and inherited
 * `Object.prototype` properties included) and a second read by us would be seen, so the init
 * dictionary is read as own data properties only, and `Request` and `Headers` through natives
 * captured at install.
 */
import { baseUrlOf } from './base-url';
import type { Header } from '../core/trace/records';
import type { Emitter } from './emit';
import { apply, get, getterOf, ownData } from './define';
import { utf8Length } from './encode';
import { openConnection, type Connection } from './connection';
import { append, byteLengthOf, bufferByteLength, slice, upper } from '../core/builtins';

type G = Window & typeof globalThis;

export interface FetchContext {
  connection: Connection;
  /** The request's AbortSignal: an end while it is aborted is the app's doing, not the network's. */
  signal: AbortSignal | null;
  method: string;
  url: string;
  /** Whether the signal is aborted, read through the captured getter. */
  aborted(): boolean;
}

const PREVIEW_CHARS = 2048;

/**
 * What describing a request needs from the page's globals, captured at install: a page that
 * later replaces `URL`, a `Request` getter or `Headers.prototype.entries` must not see us call
 * its replacement (the call itself would be observable), nor break us.
 */
export interface RequestIntrinsics {
  URL: typeof URL;
  Request: typeof Request;
  Headers: typeof Headers;
  AbortSignal: typeof AbortSignal;
  URLSearchParams: typeof URLSearchParams;
  ArrayBuffer: typeof ArrayBuffer;
  Blob: typeof Blob;
  isArray: (x: unknown) => x is unknown[];
  isView: (x: unknown) => x is ArrayBufferView;
  keys: (o: object) => string[];
  headersEntries: Function;
  iteratorNext: Function;
  searchParamsToString: Function;
  hrefOf: Function | undefined;
  /** The base URL relative request URLs resolve against (base-url.ts). */
  base: () => string;
  requestGetters: { url?: Function; method?: Function; headers?: Function; signal?: Function };
  blobSize: Function | undefined;
  abortedOf: Function | undefined;
}

export function captureRequestIntrinsics(g: G): RequestIntrinsics {
  const rp = g.Request.prototype;
  return {
    URL: g.URL, Request: g.Request, Headers: g.Headers, AbortSignal: g.AbortSignal, URLSearchParams: g.URLSearchParams,
    ArrayBuffer: g.ArrayBuffer, Blob: g.Blob, isArray: Array.isArray, isView: g.ArrayBuffer.isView, keys: Object.keys,
    headersEntries: g.Headers.prototype.entries,
    iteratorNext: Object.getPrototypeOf(new g.Headers().entries()).next,
    searchParamsToString: g.URLSearchParams.prototype.toString,
    hrefOf: getterOf(g.URL.prototype, 'href'),
    base: baseUrlOf(g),
    requestGetters: { url: getterOf(rp, 'url'), method: getterOf(rp, 'method'), headers: getterOf(rp, 'headers'), signal: getterOf(rp, 'signal') },
    blobSize: getterOf(g.Blob.prototype, 'size'),
    abortedOf: getterOf(g.AbortSignal.prototype, 'aborted'),
  };
}

/** The pairs of a Headers object, through the captured native iterator (no page code runs). */
export function headerPairs(x: RequestIntrinsics, h: Headers): Header[] {
  const out: Header[] = [];
  const it = apply(x.headersEntries, h, []) as object;
  for (;;) {
    const r = apply(x.iteratorNext, it, []) as IteratorResult<[string, string]>;
    if (r.done) return out;
    append(out, r.value);
  }
}

/** Reads headers only from shapes we can read without running page code. */
function readHeaders(x: RequestIntrinsics, h: unknown): Header[] {
  if (h instanceof x.Headers) return headerPairs(x, h);
  const out: Header[] = [];
  if (x.isArray(h)) {
    const n = ownData(h, 'length') as number;
    for (let i = 0; i < n; i++) {
      const p = ownData(h, i);
      if (!x.isArray(p) || ownData(p, 'length') !== 2) continue;
      const k = ownData(p, 0);
      const v = ownData(p, 1);
      if (typeof k === 'string' && typeof v === 'string') append(out, [k, v]);
    }
    return out;
  }
  if (typeof h === 'object' && h !== null) {
    const keys = x.keys(h);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = ownData(h, k);
      if (typeof v === 'string') append(out, [k, v]);
    }
  }
  return out;
}

function describeBody(x: RequestIntrinsics, body: unknown): { size: number | null; preview: string | null } {
  if (body == null) return { size: null, preview: null };
  if (typeof body === 'string') return { size: utf8Length(body), preview: slice(body, 0, PREVIEW_CHARS) };
  if (body instanceof x.URLSearchParams) {
    const s = apply(x.searchParamsToString, body, []) as string;
    return { size: utf8Length(s), preview: slice(s, 0, PREVIEW_CHARS) };
  }
  if (body instanceof x.ArrayBuffer) return { size: bufferByteLength(body), preview: null };
  if (x.isView(body)) return { size: byteLengthOf(body), preview: null };
  if (body instanceof x.Blob) return { size: get(x.blobSize, body) as number, preview: null };
  // FormData and ReadableStream bodies are left alone: measuring them would consume them.
  return { size: null, preview: null };
}

/**
 * Describes the request from fetch's arguments and opens its connection (the open record).
 * `serve` is asked, before the open record goes out, for a detail marking a request the hook
 * answers itself (a replay or a mock); null leaves the request to the network.
 */
export function describeRequest(g: G, x: RequestIntrinsics, emitter: Emitter, args: unknown[], serve: ((method: string, url: string) => string | null) | null = null): FetchContext {
  const input = args[0];
  const init = args[1];
  const opts: object = typeof init === 'object' && init !== null ? init : {};
  let url = '';
  let method = 'GET';
  let headers: Header[] = [];
  let signal: AbortSignal | null = null;
  if (input instanceof x.Request) {
    url = String(get(x.requestGetters.url, input));
    method = String(get(x.requestGetters.method, input));
    headers = headerPairs(x, get(x.requestGetters.headers, input) as Headers);
    signal = get(x.requestGetters.signal, input) as AbortSignal;
  } else if (typeof input === 'string') {
    url = String(get(x.hrefOf, new x.URL(input, x.base())));
  } else if (input instanceof x.URL) {
    url = String(get(x.hrefOf, input));
  }
  const m = ownData(opts, 'method');
  if (typeof m === 'string') method = upper(m);
  const h = ownData(opts, 'headers');
  if (h !== undefined) headers = readHeaders(x, h);
  const sig = ownData(opts, 'signal');
  if (sig instanceof x.AbortSignal) signal = sig;
  const body = describeBody(x, ownData(opts, 'body'));
  const detail = serve ? serve(method, url) : null;
  const connection = openConnection(emitter, {
    kind: 'fetch', url, method, requestHeaders: headers,
    requestBodySize: body.size, requestBodyPreview: body.preview, detail,
  });
  return { connection, signal, method, url, aborted: () => signal !== null && get(x.abortedOf, signal) === true };
}

/** Why a connection whose request or body failed ended: the app aborted it, or the network failed. */
export function endCause(ctx: FetchContext): 'client-abort' | 'network-error' {
  return ctx.aborted() ? 'client-abort' : 'network-error';
}
