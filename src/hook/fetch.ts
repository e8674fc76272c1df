/**
 * fetch capture. The app's promise settles with the same error objects it would get without
 * us; a streaming response's body is replaced by a pull-through stream (highWaterMark 0) that
 * reads from the network only when the app reads, so we never buffer or read ahead, and the
 * chunks the app receives are the very same Uint8Array objects.
 *
 * A `new Response` cannot carry the original's `url`, `redirected` and `type`: the Response
 * prototype getters are patched to answer from the original for the responses we replaced.
 */
import type { Header } from '../core/trace/records';
import { isStreamingContentType, contentTypeOf } from '../core/trace/model';
import type { Emitter } from './emit';
import { replaceGetter, replaceValue, mimic } from './define';
import { safely } from './safely';
import { utf8Length } from './encode';

interface FetchContext {
  conn: string;
  signal: AbortSignal | null;
}

const PREVIEW_CHARS = 2048;

type G = Window & typeof globalThis;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Reads headers only from shapes we can read without side effects on the app's values. */
function readHeaders(g: G, h: unknown): Header[] {
  if (h instanceof g.Headers) return [...h];
  if (Array.isArray(h)) return h.filter((p): p is [string, string] => Array.isArray(p) && p.length === 2).map(([k, v]) => [String(k), String(v)]);
  if (isPlainObject(h)) return Object.entries(h).filter(([, v]) => typeof v === 'string') as Header[];
  return [];
}

function describeBody(g: G, body: unknown): { size: number | null; preview: string | null } {
  if (body == null) return { size: null, preview: null };
  if (typeof body === 'string') return { size: utf8Length(body), preview: body.slice(0, PREVIEW_CHARS) };
  if (body instanceof g.URLSearchParams) {
    const s = body.toString();
    return { size: utf8Length(s), preview: s.slice(0, PREVIEW_CHARS) };
  }
  if (body instanceof g.ArrayBuffer) return { size: body.byteLength, preview: null };
  if (g.ArrayBuffer.isView(body)) return { size: body.byteLength, preview: null };
  if (body instanceof g.Blob) return { size: body.size, preview: null };
  // FormData and ReadableStream bodies are left alone: measuring them would consume them.
  return { size: null, preview: null };
}

function describeRequest(g: G, emitter: Emitter, args: unknown[]): FetchContext {
  const [input, init] = args;
  const opts = isPlainObject(init) ? init : {};
  let url = '';
  let method = 'GET';
  let headers: Header[] = [];
  let signal: AbortSignal | null = null;
  if (input instanceof g.Request) {
    url = input.url;
    method = input.method;
    headers = [...input.headers];
    signal = input.signal;
  } else if (typeof input === 'string' || input instanceof g.URL) {
    url = new g.URL(String(input), g.location.href).href;
  }
  if (typeof opts.method === 'string') method = opts.method.toUpperCase();
  if (opts.headers !== undefined) headers = readHeaders(g, opts.headers);
  if (opts.signal instanceof g.AbortSignal) signal = opts.signal;
  const body = describeBody(g, opts.body);
  const conn = emitter.newConnId();
  emitter.emit(conn, {
    type: 'open', kind: 'fetch', url, method, requestHeaders: headers,
    requestBodySize: body.size, requestBodyPreview: body.preview, detail: null,
  });
  return { conn, signal };
}

function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'name' in err && 'message' in err) return `${String(err.name)}: ${String(err.message)}`;
  return String(err);
}

function endCause(ctx: FetchContext): 'client-abort' | 'network-error' {
  return ctx.signal?.aborted ? 'client-abort' : 'network-error';
}

interface Mirror {
  url: string;
  redirected: boolean;
  type: ResponseType;
}

export function installFetch(g: G, emitter: Emitter): void {
  const origFetch = g.fetch;
  const ResponseCtor = g.Response;
  const ReadableStreamCtor = g.ReadableStream;
  const TextDecoderCtor = g.TextDecoder;
  if (typeof origFetch !== 'function' || !ResponseCtor || !ReadableStreamCtor) return;

  const mirrors = new WeakMap<Response, Mirror>();
  const proto = ResponseCtor.prototype;
  const getter = (key: keyof Mirror) => Object.getOwnPropertyDescriptor(proto, key)?.get;
  const origGetters = { url: getter('url'), redirected: getter('redirected'), type: getter('type') };
  for (const key of ['url', 'redirected', 'type'] as const) {
    const orig = origGetters[key];
    if (!orig) continue;
    replaceGetter(proto, key, function (this: unknown) {
      const m = mirrors.get(this as Response);
      return m ? m[key] : Reflect.apply(orig, this, []);
    });
  }
  const origClone = proto.clone;
  replaceValue(proto, 'clone', mimic(function clone(this: Response) {
    const copy = Reflect.apply(origClone, this, []) as Response;
    const m = mirrors.get(this);
    if (m) mirrors.set(copy, m);
    return copy;
  }, origClone));

  function passThrough(source: ReadableStream<Uint8Array>, ctx: FetchContext): ReadableStream<Uint8Array> {
    const reader = source.getReader();
    const decoder = new TextDecoderCtor();
    let ended = false;
    const end = (cause: 'clean' | 'client-abort' | 'network-error', error: string | null) => {
      if (ended) return;
      ended = true;
      emitter.emit(ctx.conn, { type: 'end', cause, error, code: null, reason: null });
    };
    return new ReadableStreamCtor<Uint8Array>(
      {
        pull(controller) {
          return reader.read().then(
            (r) => {
              if (r.done) {
                safely(() => {
                  const tail = decoder.decode();
                  if (tail) emitter.emit(ctx.conn, { type: 'data', dir: 'in', text: tail, base64: null, size: 0, event: null, id: null });
                  end('clean', null);
                });
                controller.close();
                return;
              }
              const chunk = r.value;
              safely(() => {
                const text = decoder.decode(chunk, { stream: true });
                emitter.emit(ctx.conn, { type: 'data', dir: 'in', text, base64: null, size: chunk.byteLength, event: null, id: null });
              });
              controller.enqueue(chunk);
            },
            (err: unknown) => {
              safely(() => end(endCause(ctx), errorText(err)));
              controller.error(err);
            },
          );
        },
        cancel(reason) {
          safely(() => end('client-abort', reason === undefined ? null : errorText(reason)));
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
  }

  function onResponse(ctx: FetchContext, res: Response): Response {
    const headers: Header[] = [...res.headers];
    // `new Response` refuses statuses outside 200–599: such bodies are never teed, which keeps
    // the original response intact (getReader below locks it for good).
    const streaming = isStreamingContentType(contentTypeOf(headers)) && res.body !== null && res.status >= 200 && res.status <= 599;
    emitter.emit(ctx.conn, { type: 'response', status: res.status, statusText: res.statusText, headers, streaming });
    if (!streaming || !res.body) {
      // The body is not teed: the connection's capture ends with its headers.
      emitter.emit(ctx.conn, { type: 'end', cause: 'clean', error: null, code: null, reason: null });
      return res;
    }
    const out = new ResponseCtor(passThrough(res.body, ctx), { status: res.status, statusText: res.statusText, headers: res.headers });
    mirrors.set(out, { url: res.url, redirected: res.redirected, type: res.type });
    return out;
  }

  const wrapped = new Proxy(origFetch, {
    apply(target, thisArg, args: unknown[]) {
      const ctx = emitter.recording() ? safely(() => describeRequest(g, emitter, args)) : undefined;
      let promise: Promise<Response>;
      try {
        promise = Reflect.apply(target, thisArg, args) as Promise<Response>;
      } catch (err) {
        if (ctx) safely(() => emitter.emit(ctx.conn, { type: 'end', cause: 'network-error', error: errorText(err), code: null, reason: null }));
        throw err;
      }
      if (!ctx) return promise;
      return promise.then(
        (res) => safely(() => onResponse(ctx, res)) ?? res,
        (err: unknown) => {
          safely(() => emitter.emit(ctx.conn, { type: 'end', cause: endCause(ctx), error: errorText(err), code: null, reason: null }));
          throw err;
        },
      );
    },
  });
  replaceValue(g, 'fetch', wrapped);
}
