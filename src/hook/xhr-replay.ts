/**
 * An XMLHttpRequest answered from an armed recording or mock instead of the network.
 *
 * The app's own object is kept: a native XHR exists before `send()` (the app made it with
 * `new`), so only the send is withheld — the native request stays OPENED and never contacts
 * the network — and the prototype's accessors and methods (`readyState`, `status`,
 * `responseText`, `getResponseHeader`, `abort`…) answer a served object from its state here,
 * every other object through the native ones (same names, lengths, source text and property
 * attributes: define.ts). Events are dispatched on the object itself, so `on…` handlers and
 * listeners run as for a native one, in the order the XHR standard gives
 * (https://xhr.spec.whatwg.org/#the-send()-method) and Chromium and Firefox were measured to
 * follow (test/e2e/xhr-replay.test.ts compares each sequence with a native XHR's against a
 * real server): `loadstart` inside `send()`; `readystatechange` at HEADERS_RECEIVED; per
 * delivered chunk `readystatechange` (LOADING) then `progress`, at most one pair per 50 ms as
 * the standard's progress throttle merges them; then `readystatechange` (DONE), `load`,
 * `loadend`. A network error, an abort and a timeout run the standard's request error steps:
 * DONE with status 0 and an empty response, `readystatechange`, the error's event, `loadend`.
 *
 * The body is the one `Replays.respond()` makes (the recorded chunks at their times × scale; a
 * mock's drop errors it), so timing and drops have one source for fetch and XHR alike.
 *
 * Limits (the app could tell): the events are not `isTrusted`; `upload` gets no events; a
 * served response's `responseXML` is null and `responseType = 'document'` gives null; the
 * setters that throw on a loading native object (`responseType`, `withCredentials`) do not.
 * Synchronous requests are never served (xhr.ts sends them to the network).
 *
 * Runs in the page: captured built-ins only (core/builtins.ts).
 */
import type { Header } from '../core/trace/records';
import type { ReplayRecording } from '../core/replay/recording';
import { streamDecision } from '../core/trace/model';
import type { Emitter } from './emit';
import type { FaultEngine, StreamControl } from './faults';
import type { Replays } from './replay';
import type { Connection } from './connection';
import { apply, bare, get, getterOf, method } from './define';
import { append, before, bufferOf, byteLengthOf, indexOf, lower, SafeWeakMap, SafeWeakSet, settle, slice, splitOn, trim, upper } from '../core/builtins';
import { engineTraits } from './engine';
import { safely } from './safely';

type G = Window & typeof globalThis;

const WHERE = 'hook:xhr-replay';
const UNSENT = 0;
const OPENED = 1;
const HEADERS_RECEIVED = 2;
const LOADING = 3;
const DONE = 4;
/** The standard's "roughly 50ms" between two progress events. */
const PROGRESS_INTERVAL = 50;

const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const defineProperty = Object.defineProperty;

/** One served request's state, what the wrapped accessors answer. */
interface Served {
  state: number;
  /** The request is in flight (the standard's send() flag). */
  sending: boolean;
  /** The response is a network error (after an error, abort or timeout): status 0, no body. */
  failed: boolean;
  /** The response head arrived (HEADERS_RECEIVED was reached). */
  head: boolean;
  status: number;
  statusText: string;
  /** Lower-cased names, in the recorded order. */
  headers: Header[];
  url: string;
  text: string;
  bytes: Uint8Array[];
  loaded: number;
  /** Content-Length when the recording has one (progress events are then lengthComputable). */
  total: number | null;
  /** `response` at DONE for a non-text responseType, computed once (the native returns the same object). */
  final: { value: unknown } | null;
  /** Stops the timers and the body (the request ended or the object was opened again). */
  stop(): void;
  /** The app's abort() while the request is in flight. */
  abort(): void;
  /** The app set `timeout` while the request is in flight: it counts from the send still. */
  retime(): void;
  connection: Connection;
  /** A live request failed by a fault: the native object underneath is UNSENT (its abort), so its own open() fires readystatechange. */
  nativeUnsent: boolean;
}

export interface XhrServing {
  /**
   * Serves this send from the recording: called in the app's `send()` instead of the native's.
   * `connection` is the capture's, already marked as served.
   */
  serve(xhr: XMLHttpRequest, replay: { recording: ReplayRecording; scale: number }, connection: Connection, url: string): void;
  /** Whether the object has a served request (the native must not be sent, nor its headers set). */
  isServed(xhr: XMLHttpRequest): boolean;
  /** The app's `open()` on a served object: it ends the served request (true: it was not OPENED, so the native open's readystatechange is owed). */
  forget(xhr: XMLHttpRequest): boolean;
  /**
   * Fails a live (network) request as a network failure does, for an injected drop: the native
   * request is aborted underneath with its abort events kept from the app (see `guard`), and the
   * app gets the network-error sequence, the object answering as a failed one from then on.
   * False when the request had already ended.
   */
  failLive(xhr: XMLHttpRequest, connection: Connection): boolean;
  /**
   * Adds, once per object, the listeners that keep a native abort's events from the app while
   * `failLive` runs. Added as the object is constructed (xhr.ts wraps the constructor), they are
   * its first listeners, and listeners at the target run in the order they were added, capture
   * or not (measured in Chromium 156), `on…` handlers included: `stopImmediatePropagation` in
   * ours keeps every later one from running.
   */
  guard(xhr: XMLHttpRequest): void;
}

/** The events a native abort() dispatches on the object (`upload`'s are not guarded). */
const GUARDED_EVENTS = ['readystatechange', 'abort', 'loadend'];

/** `getAllResponseHeaders()` text as pairs (lower-cased already): one `name: value` per CRLF line. */
export function parseHeaderBlock(raw: string): Header[] {
  const out: Header[] = [];
  const lines = splitOn(raw, '\n');
  for (let i = 0; i < lines.length; i++) {
    const line = trim(lines[i]!);
    if (line === '') continue;
    const colon = indexOf(line, ':');
    append(out, colon < 0 ? [lower(line), ''] : [lower(trim(slice(line, 0, colon))), trim(slice(line, colon + 1))]);
  }
  return out;
}

/** `name: value` lines as `getAllResponseHeaders()` gives them: sorted by name, repeats joined, CRLF. */
export function headerBlock(headers: Header[]): string {
  const names: string[] = [];
  const values: string[] = [];
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i]![0];
    let at = -1;
    for (let j = 0; j < names.length; j++) if (names[j] === name) at = j;
    if (at >= 0) values[at] = `${values[at]!}, ${headers[i]![1]}`;
    else {
      append(names, name);
      append(values, headers[i]![1]);
    }
  }
  // Insertion sort on the (few) names: no Array.prototype.sort (core/builtins.ts). The XHR
  // standard sorts by the names' legacy-uppercased bytes
  // (https://xhr.spec.whatwg.org/#dom-xmlhttprequest-getallresponseheaders), which puts `_`
  // after the letters: `xb` before `x_a` in Chromium 156 and Firefox ESR 153 alike (measured).
  for (let i = 1; i < names.length; i++) {
    for (let j = i; j > 0 && upper(names[j - 1]!) > upper(names[j]!); j--) {
      const n = names[j]!;
      const v = values[j]!;
      names[j] = names[j - 1]!;
      values[j] = values[j - 1]!;
      names[j - 1] = n;
      values[j - 1] = v;
    }
  }
  let out = '';
  for (let i = 0; i < names.length; i++) out += `${names[i]!}: ${values[i]!}\r\n`;
  return out;
}

export function installXhrServing(g: G, emitter: Emitter, faults: FaultEngine | null, replays: Replays): XhrServing {
  const proto = g.XMLHttpRequest.prototype;
  const served = new SafeWeakMap<XMLHttpRequest, Served>();
  const traits = engineTraits(g);
  const EventCtor = g.Event;
  const ProgressEventCtor = g.ProgressEvent;
  const dispatchEvent = g.EventTarget.prototype.dispatchEvent;
  const setTimeoutFn = g.setTimeout;
  const clearTimeoutFn = g.clearTimeout;
  const dateNow = g.Date.now;
  const TextDecoderCtor = g.TextDecoder;
  const decode = g.TextDecoder.prototype.decode;
  const U8 = g.Uint8Array;
  const u8Set = g.Uint8Array.prototype.set;
  const BlobCtor = g.Blob;
  const JSONObj = g.JSON;
  const jsonParse = g.JSON.parse;
  const getReader = g.ReadableStream.prototype.getReader;
  const readerProto = Object.getPrototypeOf(new g.ReadableStream().getReader()) as ReadableStreamDefaultReader;
  const read = readerProto.read;
  const cancelReader = readerProto.cancel;
  const nativeBody = getterOf(g.Response.prototype, 'body');
  const responseTypeOf = getterOf(proto, 'responseType');
  const timeoutOf = getterOf(proto, 'timeout');
  const streamOpt = bare({ stream: true });
  const addEventListener = g.EventTarget.prototype.addEventListener;
  const stopImmediatePropagation = g.Event.prototype.stopImmediatePropagation;
  // The natives, before they are wrapped below: a live request's state when a fault fails it.
  const nativeReadyState = getterOf(proto, 'readyState');
  const nativeStatus = getterOf(proto, 'status');
  const nativeResponseUrl = getterOf(proto, 'responseURL');
  const nativeAllHeaders = proto.getAllResponseHeaders;
  const nativeAbort = proto.abort;
  const guarded = new SafeWeakSet<XMLHttpRequest>();
  const failing = new SafeWeakSet<XMLHttpRequest>();
  const now = () => apply(dateNow, g.Date, []) as number;
  const later = (fn: () => void, ms: number): number => apply(setTimeoutFn, g, [() => safely(fn, WHERE), ms]) as unknown as number;
  const fire = (xhr: XMLHttpRequest, e: Event) => apply(dispatchEvent, xhr, [e]);
  const progressEvent = (type: string, loaded: number, total: number | null) =>
    new ProgressEventCtor(type, bare({ lengthComputable: total !== null, loaded, total: total ?? 0 }) as ProgressEventInit);

  const served$ = (self: unknown): Served | undefined => (typeof self === 'object' && self !== null ? served.get(self as XMLHttpRequest) : undefined);

  /** The response as `response` gives it at DONE for responseType `type`. */
  const finalResponse = (s: Served, type: string): unknown => {
    if (type === '' || type === 'text') return s.text;
    if (s.final) return s.final.value;
    let size = 0;
    for (let i = 0; i < s.bytes.length; i++) size += byteLengthOf(s.bytes[i]!);
    const all = new U8(size);
    let at = 0;
    for (let i = 0; i < s.bytes.length; i++) {
      apply(u8Set, all, [s.bytes[i]!, at]);
      at += byteLengthOf(s.bytes[i]!);
    }
    let value: unknown = null;
    if (type === 'arraybuffer') value = bufferOf(all);
    else if (type === 'blob') value = new BlobCtor([all], bare({ type: lower(trim(before(headerValue(s, 'content-type') ?? '', ';'))) }) as BlobPropertyBag);
    else if (type === 'json') {
      // The standard parses the body as UTF-8 JSON; a parse failure answers null.
      try {
        value = apply(jsonParse, JSONObj, [s.text]);
      } catch {
        value = null;
      }
    }
    s.final = { value };
    return value;
  };

  const headerValue = (s: Served, name: string): string | null => {
    const key = lower(name);
    let out: string | null = null;
    for (let i = 0; i < s.headers.length; i++) if (s.headers[i]![0] === key) out = out === null ? s.headers[i]![1] : `${out}, ${s.headers[i]![1]}`;
    return out;
  };

  /** Whether the response head answers: once it arrived, and not after a failure. */
  const headVisible = (s: Served) => s.head && !s.failed;
  /** Firefox still answers `responseURL` and `getResponseHeader()` after a failure (measured; Chromium does not). */
  const headKept = (s: Served) => s.head && (!s.failed || traits.xhrFailedKeepsHead);

  // ------------------------------------------------------------------ the prototype's accessors

  const wrapGetter = (key: string, answer: (s: Served, self: XMLHttpRequest) => unknown) => {
    const desc = getOwnPropertyDescriptor(proto, key);
    if (!desc?.get) return;
    const nativeGet = desc.get;
    defineProperty(proto, key, {
      get: method(nativeGet, (self) => {
        const s = served$(self);
        return s ? answer(s, self as XMLHttpRequest) : apply(nativeGet, self, []);
      }) as () => unknown,
      set: desc.set,
      enumerable: desc.enumerable,
      configurable: desc.configurable,
    });
  };
  const wrapMethod = (key: string, impl: (s: Served, self: XMLHttpRequest, args: unknown[], native: Function) => unknown) => {
    const desc = getOwnPropertyDescriptor(proto, key);
    if (!desc || typeof desc.value !== 'function') return;
    const native = desc.value as Function;
    defineProperty(proto, key, {
      ...desc,
      value: method(native, (self, args) => {
        const s = served$(self);
        return s ? impl(s, self as XMLHttpRequest, args, native) : apply(native, self, args);
      }),
    });
  };

  wrapGetter('readyState', (s) => s.state);
  // The native setter keeps the value (and throws what it throws); a served request then re-times itself.
  const timeoutDesc = getOwnPropertyDescriptor(proto, 'timeout');
  if (timeoutDesc?.set) {
    const nativeSet = timeoutDesc.set;
    defineProperty(proto, 'timeout', {
      ...timeoutDesc,
      set: method(nativeSet, (self, args) => {
        apply(nativeSet, self, args);
        const s = served$(self);
        if (s?.sending) s.retime();
      }) as (v: unknown) => void,
    });
  }
  wrapGetter('status', (s) => (headVisible(s) ? s.status : 0));
  wrapGetter('statusText', (s) => (headVisible(s) ? s.statusText : ''));
  wrapGetter('responseURL', (s) => (headKept(s) ? s.url : ''));
  // responseXML is left to the native: on the never-sent object it answers null, or throws its
  // own InvalidStateError for a responseType other than '' and 'document', as on a served one.
  // For another responseType the native getter throws the engine's own InvalidStateError: the
  // native object has the same responseType, set through the native setter.
  const nativeResponseText = getOwnPropertyDescriptor(proto, 'responseText')?.get;
  wrapGetter('responseText', (s, self) => {
    const type = get(responseTypeOf, self) as string;
    if (type !== '' && type !== 'text') return nativeResponseText ? apply(nativeResponseText, self, []) : '';
    return s.failed || s.state < LOADING ? '' : s.text;
  });
  wrapGetter('response', (s, self) => {
    const type = get(responseTypeOf, self) as string;
    if (type === '' || type === 'text') return s.failed || s.state < LOADING ? '' : s.text;
    return s.failed || s.state !== DONE ? null : finalResponse(s, type);
  });
  wrapMethod('getAllResponseHeaders', (s) => (headVisible(s) ? headerBlock(s.headers) : ''));
  wrapMethod('getResponseHeader', (s, self, args, native) => {
    // A missing argument: the native's own TypeError. Otherwise the name is converted once, as
    // the native converts it (a page object's toString runs once), and the native checks it.
    if (args.length === 0) return apply(native, self, args);
    const name = typeof args[0] === 'string' ? args[0] : `${args[0] as string}`;
    apply(native, self, [name]);
    return headKept(s) ? headerValue(s, name) : null;
  });
  wrapMethod('abort', (s) => {
    if (s.sending) s.abort();
    // A request that ended (DONE) is reset without an event, as the standard's abort() does.
    if (s.state === DONE) {
      s.state = UNSENT;
      s.failed = true;
    }
  });

  /** The standard's request error steps: DONE, a network error, readystatechange, the event, loadend. */
  function requestError(xhr: XMLHttpRequest, s: Served, event: 'error' | 'abort' | 'timeout'): void {
    s.stop();
    s.state = DONE;
    s.sending = false;
    s.failed = true;
    fire(xhr, new EventCtor('readystatechange'));
    fire(xhr, progressEvent(event, 0, null));
    fire(xhr, progressEvent('loadend', 0, null));
  }

  return {
    isServed: (xhr) => served.has(xhr),
    forget(xhr) {
      const s = served.get(xhr);
      if (!s) return false;
      s.stop();
      served.delete(xhr);
      // Opening the object again terminates its request, as an abort would for the capture.
      s.connection.end('client-abort', null);
      return s.state !== OPENED && !s.nativeUnsent;
    },
    guard(xhr) {
      if (guarded.has(xhr)) return;
      guarded.add(xhr);
      for (let i = 0; i < GUARDED_EVENTS.length; i++) {
        apply(addEventListener, xhr, [GUARDED_EVENTS[i], (e: Event) => {
          if (failing.has(xhr)) apply(stopImmediatePropagation, e, []);
        }]);
      }
    },
    failLive(xhr, connection) {
      if (served.has(xhr)) return false;
      const state = apply(nativeReadyState!, xhr, []) as number;
      if (state === UNSENT || state === DONE) return false;
      const head = state >= HEADERS_RECEIVED;
      const headers = head ? parseHeaderBlock(apply(nativeAllHeaders, xhr, []) as string) : [];
      const s: Served = {
        state: DONE, sending: false, failed: true, head, nativeUnsent: true,
        status: head ? (apply(nativeStatus!, xhr, []) as number) : 0, statusText: '', headers,
        url: head ? (apply(nativeResponseUrl!, xhr, []) as string) : '',
        text: '', bytes: [], loaded: 0, total: null, final: null,
        stop() {},
        abort() {},
        retime() {},
        connection,
      };
      connection.end('network-error', 'XMLHttpRequest error');
      failing.add(xhr);
      try {
        // The request is cut underneath (the server sees the connection close); its
        // readystatechange, abort and loadend stop at our first listeners (`guard`).
        apply(nativeAbort, xhr, []);
      } finally {
        failing.delete(xhr);
      }
      served.set(xhr, s);
      fire(xhr, new EventCtor('readystatechange'));
      fire(xhr, progressEvent('error', 0, null));
      fire(xhr, progressEvent('loadend', 0, null));
      return true;
    },
    serve(xhr, replay, connection, url) {
      const { recording } = replay;
      const res = replays.respond(replay, null);
      const body = get(nativeBody, res) as ReadableStream<Uint8Array> | null;
      const reader = body ? (apply(getReader, body, []) as ReadableStreamDefaultReader<Uint8Array>) : null;
      const decoder = new TextDecoderCtor();
      const headers: Header[] = [];
      for (let i = 0; i < recording.headers.length; i++) append(headers, [lower(recording.headers[i]![0]), recording.headers[i]![1]]);
      const timers: number[] = [];
      let stopped = false;
      // Stall state: while held nothing is read or delivered.
      let held = false;
      let resume: (() => void) | null = null;
      // Bytes received but not yet announced (within the progress throttle), and when the last pair fired.
      let pending = '';
      let pendingBytes = 0;
      let lastFired = -PROGRESS_INTERVAL;
      let flushTimer: number | null = null;
      const s: Served = {
        state: OPENED, sending: true, failed: false, head: false, status: recording.status, statusText: recording.statusText, headers, url,
        text: '', bytes: [], loaded: 0, total: null, final: null,
        stop() {
          if (stopped) return;
          stopped = true;
          for (let i = 0; i < timers.length; i++) apply(clearTimeoutFn, g, [timers[i]]);
          // The cancel's outcome means nothing once the request has ended.
          if (reader) safely(() => settle(apply(cancelReader, reader, []) as Promise<void>, undefined, () => undefined), WHERE);
        },
        abort: () => fail('abort', null),
        retime: () => watchTimeout(),
        connection,
        nativeUnsent: false,
      };
      const length = headerValue(s, 'content-length');
      if (length !== null) {
        const n = +length;
        if (n === n && n >= 0) s.total = n;
      }
      served.set(xhr, s);
      const schedule = (fn: () => void, ms: number) => append(timers, later(() => {
        if (!stopped) fn();
      }, ms));

      /** One readystatechange (LOADING) + progress pair for what arrived since the last one. */
      const announce = () => {
        flushTimer = null;
        if (stopped || held || pending === '') return;
        const chunk = pending;
        const size = pendingBytes;
        pending = '';
        pendingBytes = 0;
        lastFired = now();
        s.state = LOADING;
        s.text += chunk;
        emitter.data(connection.conn, 'in', chunk, null, size, null, null);
        fire(xhr, new EventCtor('readystatechange'));
        if (stopped) return;
        fire(xhr, progressEvent('progress', s.loaded, s.total));
        if (!stopped) connection.handle?.onEvent(chunk);
      };
      const receive = (bytes: Uint8Array) => {
        append(s.bytes, bytes);
        s.loaded += byteLengthOf(bytes);
        pendingBytes += byteLengthOf(bytes);
        pending += apply(decode, decoder, [bytes, streamOpt]) as string;
        const wait = lastFired + PROGRESS_INTERVAL - now();
        if (wait <= 0) announce();
        else if (flushTimer === null) {
          flushTimer = later(() => {
            if (!stopped) announce();
          }, wait);
          append(timers, flushTimer);
        }
      };
      const finish = () => {
        pending += apply(decode, decoder, []) as string;
        if (flushTimer !== null) apply(clearTimeoutFn, g, [flushTimer]);
        announce();
        if (stopped) return;
        s.stop();
        s.state = DONE;
        s.sending = false;
        connection.end('clean', null);
        fire(xhr, new EventCtor('readystatechange'));
        fire(xhr, progressEvent('load', s.loaded, s.total));
        fire(xhr, progressEvent('loadend', s.loaded, s.total));
      };
      const fail = (event: 'error' | 'timeout' | 'abort', error: string | null) => {
        if (stopped) return;
        connection.end(event === 'abort' ? 'client-abort' : 'network-error', error);
        requestError(xhr, s, event);
      };
      const pump = (): void => {
        if (stopped) return;
        if (held) {
          resume = pump;
          return;
        }
        if (!reader) return finish();
        settle(apply(read, reader, []) as Promise<ReadableStreamReadResult<Uint8Array>>,
          (r: ReadableStreamReadResult<Uint8Array>) => safely(() => {
            if (stopped) return;
            if (r.done) return finish();
            receive(r.value);
            pump();
          }, WHERE),
          // The recording's drop (a mock's `drop` step): the network error a real cut gives.
          () => safely(() => fail('error', 'XMLHttpRequest error'), WHERE));
      };

      const control: StreamControl = {
        kind: 'xhr',
        drop: () => fail('error', 'XMLHttpRequest error'),
        hold() {
          held = true;
        },
        release(deliver) {
          if (!held) return;
          held = false;
          if (!deliver) return fail('error', 'XMLHttpRequest error');
          announce();
          const next = resume;
          resume = null;
          next?.();
        },
        truncate() {
          if (stopped) return;
          held = false;
          // What arrived is the whole response: the rest of the body is never read (finish cancels it).
          finish();
        },
        shape() {},
        refuses: (kind) => (kind === 'latency' || kind === 'bandwidth' || kind === 'rechunk' ? `not injected: ${kind} is not applied to XMLHttpRequest replays (drop, stall and truncate are)` : null),
      };
      if (faults) connection.handle = safely(() => faults.register(connection.conn, control), WHERE) ?? null;

      // timeout: measured from the send (the standard's fetch start), also when the app sets it later.
      const sentAt = now();
      let timeoutTimer: number | null = null;
      function watchTimeout(): void {
        if (timeoutTimer !== null) apply(clearTimeoutFn, g, [timeoutTimer]);
        timeoutTimer = null;
        const ms = get(timeoutOf, xhr) as number;
        if (stopped || !(ms > 0)) return;
        const left = sentAt + ms - now();
        if (left <= 0) return fail('timeout', 'timeout');
        timeoutTimer = later(() => {
          if (!stopped && s.sending) watchTimeout();
        }, left);
        append(timers, timeoutTimer);
      }

      // loadstart inside send(), as the native fires it.
      fire(xhr, progressEvent('loadstart', 0, null));
      if (stopped) return;
      watchTimeout();
      schedule(() => {
        s.state = HEADERS_RECEIVED;
        s.head = true;
        emitter.emit(connection.conn, {
          type: 'response', status: recording.status, statusText: recording.statusText, headers: recording.headers,
          streaming: streamDecision(recording.headers, url) === 'stream',
        });
        fire(xhr, new EventCtor('readystatechange'));
        pump();
      }, 0);
    },
  };
}
