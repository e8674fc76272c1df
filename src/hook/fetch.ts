/**
 * fetch capture. The app's promise settles with the same error objects it would get without
 * us; a streaming response's body is replaced by a pull-through byte stream (highWaterMark 0)
 * that reads from the network only when the app reads, so we never buffer or read ahead, and
 * the app gets the same bytes in the same reads (default or BYOB readers alike).
 *
 * A `new Response` cannot carry the original's `url`, `redirected` and `type`: the Response
 * prototype getters are patched to answer from the original for the responses we replaced.
 */
import type { Header } from '../core/trace/records';
import { streamDecision } from '../core/trace/model';
import type { Emitter } from './emit';
import { apply, bare, method, ownData, replaceGetter, replaceValue } from './define';
import { safely } from './safely';
import { utf8Length } from './encode';
import type { FaultEngine, StreamControl, StreamHandle } from './faults';
import type { Replays } from './replay';
import { mulberry32, shapingDelayMs, splitChunk, type FaultSpec } from '../core/faults/spec';
import { engineTraits } from './engine';

interface FetchContext {
  conn: string;
  signal: AbortSignal | null;
  method: string;
  url: string;
}

const PREVIEW_CHARS = 2048;

type G = Window & typeof globalThis;

/**
 * What describing a request needs from the page's globals, captured at install: a page that
 * later replaces `URL`, a `Request` getter or `Headers.prototype.entries` must not see us call
 * its replacement (the call itself would be observable), nor break us.
 */
interface Intrinsics {
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
  requestGetters: { url?: Function; method?: Function; headers?: Function; signal?: Function };
}

function getterOf(proto: object, key: string): Function | undefined {
  return Object.getOwnPropertyDescriptor(proto, key)?.get;
}

function captureIntrinsics(g: G): Intrinsics {
  const rp = g.Request.prototype;
  return {
    URL: g.URL, Request: g.Request, Headers: g.Headers, AbortSignal: g.AbortSignal, URLSearchParams: g.URLSearchParams,
    ArrayBuffer: g.ArrayBuffer, Blob: g.Blob, isArray: Array.isArray, isView: g.ArrayBuffer.isView, keys: Object.keys,
    headersEntries: g.Headers.prototype.entries,
    iteratorNext: Object.getPrototypeOf(new g.Headers().entries()).next,
    searchParamsToString: g.URLSearchParams.prototype.toString,
    hrefOf: getterOf(g.URL.prototype, 'href'),
    requestGetters: { url: getterOf(rp, 'url'), method: getterOf(rp, 'method'), headers: getterOf(rp, 'headers'), signal: getterOf(rp, 'signal') },
  };
}

function get(getter: Function | undefined, self: unknown): unknown {
  return getter ? apply(getter, self, []) : undefined;
}

/** The pairs of a Headers object, through the captured native iterator (no page code runs). */
function headerPairs(x: Intrinsics, h: Headers): Header[] {
  const out: Header[] = [];
  const it = apply(x.headersEntries, h, []) as object;
  for (;;) {
    const r = apply(x.iteratorNext, it, []) as IteratorResult<[string, string]>;
    if (r.done) return out;
    out[out.length] = r.value;
  }
}

/** Reads headers only from shapes we can read without running page code. */
function readHeaders(x: Intrinsics, h: unknown): Header[] {
  if (h instanceof x.Headers) return headerPairs(x, h);
  const out: Header[] = [];
  if (x.isArray(h)) {
    const n = ownData(h, 'length') as number;
    for (let i = 0; i < n; i++) {
      const p = ownData(h, i);
      if (!x.isArray(p) || ownData(p, 'length') !== 2) continue;
      const k = ownData(p, 0);
      const v = ownData(p, 1);
      if (typeof k === 'string' && typeof v === 'string') out[out.length] = [k, v];
    }
    return out;
  }
  if (typeof h === 'object' && h !== null) {
    for (const k of x.keys(h)) {
      const v = ownData(h, k);
      if (typeof v === 'string') out[out.length] = [k, v];
    }
  }
  return out;
}

function describeBody(x: Intrinsics, body: unknown): { size: number | null; preview: string | null } {
  if (body == null) return { size: null, preview: null };
  if (typeof body === 'string') return { size: utf8Length(body), preview: body.slice(0, PREVIEW_CHARS) };
  if (body instanceof x.URLSearchParams) {
    const s = apply(x.searchParamsToString, body, []) as string;
    return { size: utf8Length(s), preview: s.slice(0, PREVIEW_CHARS) };
  }
  if (body instanceof x.ArrayBuffer) return { size: body.byteLength, preview: null };
  if (x.isView(body)) return { size: body.byteLength, preview: null };
  if (body instanceof x.Blob) return { size: body.size, preview: null };
  // FormData and ReadableStream bodies are left alone: measuring them would consume them.
  return { size: null, preview: null };
}

/**
 * Describes the request from the arguments without running page code: the init dictionary's
 * members are read as own data properties only (fetch itself reads each member once, getters
 * and inherited `Object.prototype` properties included; a second read would be observable),
 * and `Request` fields through the captured native getters.
 */
function describeRequest(g: G, x: Intrinsics, emitter: Emitter, args: unknown[]): FetchContext {
  const [input, init] = args;
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
    url = String(get(x.hrefOf, new x.URL(input, g.location.href)));
  } else if (input instanceof x.URL) {
    url = String(get(x.hrefOf, input));
  }
  const m = ownData(opts, 'method');
  if (typeof m === 'string') method = m.toUpperCase();
  const h = ownData(opts, 'headers');
  if (h !== undefined) headers = readHeaders(x, h);
  const sig = ownData(opts, 'signal');
  if (sig instanceof x.AbortSignal) signal = sig;
  const body = describeBody(x, ownData(opts, 'body'));
  const conn = emitter.newConnId();
  emitter.emit(conn, {
    type: 'open', kind: 'fetch', url, method, requestHeaders: headers,
    requestBodySize: body.size, requestBodyPreview: body.preview, detail: null,
  });
  return { conn, signal, method, url };
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
  /** The network's error for the body, if any: what the app's text()/json()… must reject with. */
  error?: { value: unknown };
}

/** Statuses whose responses `new Response` refuses a body for. */
const NULL_BODY_STATUSES = [101, 103, 204, 205, 304];

export function installFetch(g: G, emitter: Emitter, faults: FaultEngine | null = null, replays: Replays | null = null): void {
  const origFetch = g.fetch;
  const ResponseCtor = g.Response;
  const ReadableStreamCtor = g.ReadableStream;
  const TextDecoderCtor = g.TextDecoder;
  if (typeof origFetch !== 'function' || !ResponseCtor || !ReadableStreamCtor) return;
  const x = captureIntrinsics(g);
  const then = g.Promise.prototype.then;
  const getReader = g.ReadableStream.prototype.getReader;
  const readerProto = Object.getPrototypeOf(new ReadableStreamCtor().getReader()) as ReadableStreamDefaultReader;
  const read = readerProto.read;
  const cancelReader = readerProto.cancel;
  const decode = TextDecoderCtor.prototype.decode;
  const abortedOf = getterOf(g.AbortSignal.prototype, 'aborted');
  // A fetched body is a byte stream (apps may take a BYOB reader from it), so ours is one too.
  let controllerProto: ReadableByteStreamController | null = null;
  new ReadableStreamCtor(bare({ type: 'bytes', start: (c: ReadableByteStreamController) => void (controllerProto = Object.getPrototypeOf(c)) }) as UnderlyingByteSource);
  if (!controllerProto) return;
  const { enqueue, close, error } = controllerProto as ReadableByteStreamController;

  const mirrors = new WeakMap<Response, Mirror>();
  const proto = ResponseCtor.prototype;
  // The app's response getters as they were at install: reading the response through them
  // runs no page code even if the page later replaces (say) the `headers` getter.
  const native = {
    url: getterOf(proto, 'url'), redirected: getterOf(proto, 'redirected'), type: getterOf(proto, 'type'),
    status: getterOf(proto, 'status'), statusText: getterOf(proto, 'statusText'), headers: getterOf(proto, 'headers'), body: getterOf(proto, 'body'),
  };
  for (const key of ['url', 'redirected', 'type'] as const) {
    const orig = native[key];
    if (!orig) continue;
    replaceGetter(proto, key, (self) => {
      const m = mirrors.get(self as Response);
      return m ? m[key] : apply(orig, self, []);
    });
  }
  const origClone = proto.clone;
  replaceValue(proto, 'clone', method(origClone, (self) => {
    const copy = apply(origClone, self, []) as Response;
    const m = mirrors.get(self as Response);
    if (m) {
      mirrors.set(copy, m);
      safely(() => immutable.add(get(native.headers, copy) as Headers));
    }
    return copy;
  }));

  // A fetched response's headers are immutable; the copy `new Response` gets is not. For our
  // responses the mutators run on a native immutable Headers instead, which throws the very
  // TypeError (same checks, same order, same message) the app gets without us.
  const immutable = new WeakSet<Headers>();
  const frozenHeaders = get(getterOf(proto, 'headers'), ResponseCtor.error()) as Headers;
  for (const key of ['set', 'append', 'delete'] as const) {
    const orig = g.Headers.prototype[key] as Function;
    replaceValue(g.Headers.prototype, key, method(orig, (self, args) =>
      apply(orig, immutable.has(self as Headers) ? frozenHeaders : self, args)));
  }

  // Consuming a `new Response` built on a JS stream reports a network error or abort as a
  // generic TypeError("Failed to fetch"), and json() reports a parse error from inside our
  // stream's close(): for our responses the body is read as natively and failures are
  // re-rejected with the original network error, and json() parses with JSON.parse as the
  // browser does (same SyntaxError and message).
  const parse = JSON.parse;
  const bodyUsedOf = getterOf(proto, 'bodyUsed');
  const lockedOf = getterOf(g.ReadableStream.prototype, 'locked');
  const text = proto.text;
  for (const key of ['text', 'json', 'arrayBuffer', 'blob', 'bytes', 'formData'] as const) {
    const orig = proto[key] as Function | undefined;
    if (typeof orig !== 'function') continue;
    replaceValue(proto, key, method(orig, (self, args) => {
      const m = mirrors.get(self as Response);
      if (!m) return apply(orig, self, args);
      // A used or locked body keeps json()'s own TypeError ("Failed to execute 'json' …").
      const usable = key === 'json' && safely(() => !get(bodyUsedOf, self) && !get(lockedOf, get(native.body, self)));
      const p = usable ? apply(then, apply(text, self, []), [(t: string) => parse(t)]) : apply(orig, self, args);
      return apply(then, p, [undefined, (err: unknown) => {
        throw m.error ? m.error.value : err;
      }]);
    }));
  }

  const setTimeoutFn = g.setTimeout;
  const TypeErrorCtor = g.TypeError;
  // The network error texts of this browser (Chromium and Firefox differ), for injected faults.
  const { bodyDropped, fetchFailed } = engineTraits(g);
  const PromiseCtor = g.Promise;
  const resolved = (v?: unknown) => apply(g.Promise.resolve, PromiseCtor, [v]) as Promise<unknown>;
  const after = (ms: number) => new PromiseCtor<void>((r) => void apply(setTimeoutFn, g, [r, ms]));

  /**
   * The app's body: a pull-through stream over the network body, and the fault control of this
   * stream. Faults act where a network would: a drop cancels the real body (the server sees the
   * disconnect) and errors the app's stream with the TypeError a network failure gives; a stall
   * stops reading (backpressure, half-open); shaping delays or splits chunks before the app
   * gets them; a truncation ends the app's stream cleanly and closes the real one.
   */
  function passThrough(source: ReadableStream<Uint8Array>, ctx: FetchContext, mirror: Mirror): ReadableStream<Uint8Array> {
    // The original body is locked on the app's first read, not before: if anything between here
    // and handing out the new Response fails, the app gets the untouched original.
    let locked: ReadableStreamDefaultReader<Uint8Array> | null = null;
    const reader = () => (locked ??= apply(getReader, source, []) as ReadableStreamDefaultReader<Uint8Array>);
    const decoder = new TextDecoderCtor();
    const streamOpt = bare({ stream: true });
    let ended = false;
    let controller: ReadableByteStreamController | null = null;
    let handle: StreamHandle | null = null;
    // Fault state.
    let gate: { promise: Promise<unknown>; open(): void } | null = null;
    let shaping: FaultSpec | null = null;
    let rand: (() => number) | null = null;
    const pieces: Uint8Array[] = [];

    const end = (cause: 'clean' | 'client-abort' | 'network-error', error: string | null) => {
      if (ended) return;
      ended = true;
      handle?.closed();
      emitter.emit(ctx.conn, { type: 'end', cause, error, code: null, reason: null });
    };
    const cutSource = () => {
      safely(() => apply(then, apply(cancelReader, reader(), []), [undefined, () => undefined]));
    };
    const deliver = (c: ReadableByteStreamController, chunk: Uint8Array) => {
      const text = safely(() => {
        const t = apply(decode, decoder, [chunk, streamOpt]) as string;
        emitter.emit(ctx.conn, { type: 'data', dir: 'in', text: t, base64: null, size: chunk.byteLength, event: null, id: null });
        return t;
      });
      // A byte stream refuses empty chunks; the stream pulls again for the pending read.
      if (chunk.byteLength > 0) apply(enqueue, c, [chunk]);
      // After the app has the chunk: a fault triggered by it acts on what comes next.
      safely(() => handle?.onEvent(text ?? null));
    };
    /** Delivers one chunk, or its first piece when a rechunk fault splits it, after shaping delays. */
    const shapeAndDeliver = (c: ReadableByteStreamController, chunk: Uint8Array): Promise<unknown> | void => {
      const s = shaping;
      if (!s) return deliver(c, chunk);
      if (s.kind === 'rechunk' && rand) {
        const parts = splitChunk(chunk, s.pieces ?? 'bytes', s.maxPiece ?? 16, rand);
        for (let i = 1; i < parts.length; i++) pieces[pieces.length] = parts[i]!;
        chunk = parts[0] ?? chunk;
      }
      const wait = shapingDelayMs(s, chunk.byteLength);
      const piece = chunk;
      if (wait <= 0) return deliver(c, piece);
      return apply(then, after(wait), [() => (ended ? undefined : deliver(c, piece))]) as Promise<unknown>;
    };
    const pullOnce = (c: ReadableByteStreamController): Promise<unknown> | void => {
      if (ended) return;
      if (gate) return apply(then, gate.promise, [() => pullOnce(c)]) as Promise<unknown>;
      const piece = pieces.shift();
      if (piece) return shapeAndDeliver(c, piece);
      return apply(then, apply(read, reader(), []), [
        (r: ReadableStreamReadResult<Uint8Array>) => {
          if (ended) return;
          if (r.done) {
            safely(() => {
              const tail = apply(decode, decoder, []) as string;
              if (tail) emitter.emit(ctx.conn, { type: 'data', dir: 'in', text: tail, base64: null, size: 0, event: null, id: null });
              end('clean', null);
            });
            apply(close, c, []);
            return;
          }
          const chunk = r.value;
          // A stall that began while this read was in flight holds the chunk until released.
          if (gate) return apply(then, gate.promise, [() => (ended ? undefined : shapeAndDeliver(c, chunk))]);
          return shapeAndDeliver(c, chunk);
        },
        (err: unknown) => {
          if (ended) return;
          // Natively text() & co. reject with the abort reason, but with a fresh
          // TypeError("Failed to fetch") for network errors: only the former is carried over.
          if (endCause(ctx) === 'client-abort') mirror.error = { value: err };
          safely(() => end(endCause(ctx), errorText(err)));
          apply(error, c, [err]);
        },
      ]) as Promise<unknown>;
    };

    const control: StreamControl = {
      kind: 'fetch',
      drop() {
        if (ended || !controller) return;
        const err = new TypeErrorCtor(bodyDropped);
        end('network-error', errorText(err));
        cutSource();
        gate?.open();
        apply(error, controller, [err]);
      },
      hold() {
        if (gate) return;
        let open!: () => void;
        const promise = new PromiseCtor<void>((r) => (open = r));
        gate = { promise, open };
      },
      release(deliverHeld) {
        const g0 = gate;
        gate = null;
        if (!deliverHeld) control.drop();
        g0?.open();
      },
      truncate() {
        if (ended || !controller) return;
        end('clean', null);
        cutSource();
        gate?.open();
        apply(close, controller, []);
      },
      shape(spec) {
        shaping = spec;
        rand = mulberry32(spec.seed ?? 1);
      },
    };

    return new ReadableStreamCtor(
      bare({
        type: 'bytes',
        start(c: ReadableByteStreamController) {
          controller = c;
          if (faults) handle = safely(() => faults.register(ctx.conn, control)) ?? null;
        },
        pull(c: ReadableByteStreamController) {
          return (pullOnce(c) ?? resolved()) as Promise<void>;
        },
        cancel(reason: unknown) {
          safely(() => end('client-abort', reason === undefined ? null : errorText(reason)));
          return apply(cancelReader, reader(), [reason]) as Promise<void>;
        },
      }),
      bare({ highWaterMark: 0 }),
    );
  }

  function onResponse(ctx: FetchContext, res: Response): Response {
    const status = get(native.status, res) as number;
    const statusText = get(native.statusText, res) as string;
    const resHeaders = get(native.headers, res) as Headers;
    const body = get(native.body, res) as ReadableStream<Uint8Array> | null;
    const headers = headerPairs(x, resHeaders);
    // `new Response` refuses statuses outside 200–599: such bodies are never teed, which keeps
    // the original response intact (getReader below locks it for good).
    const decision = streamDecision(headers, ctx.url);
    const tee = decision !== 'no' && body !== null && status >= 200 && status <= 599 && !NULL_BODY_STATUSES.includes(status);
    emitter.emit(ctx.conn, { type: 'response', status, statusText, headers, streaming: tee && decision === 'stream' });
    if (!tee || !body) {
      // The body is not teed: the connection's capture ends with its headers.
      emitter.emit(ctx.conn, { type: 'end', cause: 'clean', error: null, code: null, reason: null });
      return res;
    }
    const mirror: Mirror = { url: get(native.url, res) as string, redirected: get(native.redirected, res) as boolean, type: get(native.type, res) as ResponseType };
    const out = new ResponseCtor(passThrough(body, ctx, mirror), bare({ status, statusText, headers: resHeaders }));
    mirrors.set(out, mirror);
    immutable.add(get(native.headers, out) as Headers);
    return out;
  }

  const wrapped = new Proxy(origFetch, {
    apply(target, thisArg, args: unknown[]) {
      // During an injected offline window new requests fail as they do offline, without
      // reaching the network.
      if (faults?.offline()) return apply(g.Promise.reject, PromiseCtor, [new TypeErrorCtor(fetchFailed)]);
      const ctx = emitter.recording() ? safely(() => describeRequest(g, x, emitter, args)) : undefined;
      // A recording armed for this request answers it instead of the network (see replay.ts).
      const replay = ctx && replays ? safely(() => replays.take(ctx.method, ctx.url)) : null;
      if (ctx && replay) {
        const res = replays!.respond(replay, ctx.signal);
        const out = safely(() => onResponse(ctx, res)) ?? res;
        const m = mirrors.get(out);
        if (m) m.url = ctx.url;
        return apply(g.Promise.resolve, PromiseCtor, [out]);
      }
      let promise: Promise<Response>;
      try {
        promise = apply(target, thisArg, args) as Promise<Response>;
      } catch (err) {
        if (ctx) safely(() => emitter.emit(ctx.conn, { type: 'end', cause: 'network-error', error: errorText(err), code: null, reason: null }));
        throw err;
      }
      if (!ctx) return promise;
      if (ctx.signal && safely(() => get(abortedOf, ctx.signal))) {
        // Rejects with the signal's reason before any network activity: nothing to capture, and
        // the app's promise must settle in the same microtask as without us.
        safely(() => emitter.emit(ctx.conn, { type: 'end', cause: 'client-abort', error: null, code: null, reason: null }));
        return promise;
      }
      return apply(then, promise, [
        (res: Response) => safely(() => onResponse(ctx, res)) ?? res,
        (err: unknown) => {
          safely(() => emitter.emit(ctx.conn, { type: 'end', cause: endCause(ctx), error: errorText(err), code: null, reason: null }));
          throw err;
        },
      ]);
    },
  });
  replaceValue(g, 'fetch', wrapped);
}
