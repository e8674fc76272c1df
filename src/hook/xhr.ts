/**
 * XMLHttpRequest capture, for apps that stream by reading a growing `responseText` on
 * `progress`. Each progress step becomes a data record with the text added since the last one.
 * The request object is the app's own: we only wrap `open`, `setRequestHeader` and `send` on
 * the prototype and listen on the instance (never on `xhr.upload`, whose listeners would turn a
 * simple CORS request into a preflighted one).
 *
 * A send that matches an armed recording or mock is not sent: xhr-replay.ts answers it on the
 * same object, and the capture marks it as served.
 */
import type { Header } from '../core/trace/records';
import { streamDecision } from '../core/trace/model';
import type { Emitter } from './emit';
import { apply, get, getterOf, method, replaceValue } from './define';
import { append, before, SafeWeakMap, slice, upper } from '../core/builtins';
import { safely } from './safely';
import { utf8Length } from './encode';
import { openConnection, type Connection } from './connection';
import { baseUrlOf } from './base-url';
import type { FaultEngine, StreamControl } from './faults';
import type { Replays } from './replay';
import { installXhrServing, parseHeaderBlock, type XhrServing } from './xhr-replay';
import { servedDetail } from '../core/replay/served';
import { wrapConstructor } from './constructor';

type G = Window & typeof globalThis;

const WHERE = 'hook:xhr';

interface Pending {
  method: string;
  url: string;
  headers: Header[];
  /** open()'s third argument: a synchronous request is never served from a recording. */
  async: boolean;
}

interface Tracked {
  connection: Connection;
  seen: number;
  responded: boolean;
}

const HEADERS_RECEIVED = 2;

export function installXhr(g: G, emitter: Emitter, faults: FaultEngine | null = null, replays: Replays | null = null): void {
  const Native = g.XMLHttpRequest;
  if (typeof Native !== 'function') return;
  const proto = Native.prototype;
  // Before the capture's getters are read below: those then see a served object's state too.
  const serving: XhrServing | null = replays && g.ReadableStream && g.Response ? (safely(() => installXhrServing(g, emitter, faults, replays), WHERE) ?? null) : null;
  // Each new object gets, before the app can add any, the listeners that let a drop fault cut
  // its native request unseen (xhr-replay.ts `guard`). The constructor stays the native class
  // for `new`, subclasses, `instanceof` and statics (constructor.ts).
  if (serving) wrapConstructor<XMLHttpRequest>(g, 'XMLHttpRequest', (xhr) => serving.guard(xhr), WHERE);
  const addEventListener = g.EventTarget.prototype.addEventListener;
  const opened = new SafeWeakMap<XMLHttpRequest, Pending>();
  // The natives the capture reads through, captured: the page may replace them later.
  const read = (key: string) => {
    const getter = getterOf(proto, key);
    return (xhr: XMLHttpRequest) => get(getter, xhr);
  };
  const responseTypeOf = read('responseType');
  const responseTextOf = read('responseText');
  const readyStateOf = read('readyState');
  const statusOf = read('status');
  const statusTextOf = read('statusText');
  const responseUrlOf = read('responseURL');
  const getAllResponseHeaders = proto.getAllResponseHeaders;
  const URLCtor = g.URL;
  const hrefOf = getterOf(g.URL.prototype, 'href');
  const origOpen = proto.open;
  const origSetHeader = proto.setRequestHeader;
  const origSend = proto.send;
  const dispatchEvent = g.EventTarget.prototype.dispatchEvent;
  const EventCtor = g.Event;
  const setTimeoutFn = g.setTimeout;
  const base = baseUrlOf(g);

  const readNew = (xhr: XMLHttpRequest, t: Tracked): void => {
    const type = responseTypeOf(xhr);
    if (type !== '' && type !== 'text') return;
    const text = responseTextOf(xhr) as string;
    if (text.length <= t.seen) return;
    const chunk = slice(text, t.seen);
    t.seen = text.length;
    emitter.data(t.connection.conn, 'in', chunk, null, utf8Length(chunk), null, null);
    // After the app's listeners had it (ours was added at the send, after theirs): a fault it triggers acts on what comes next.
    t.connection.handle?.onEvent(chunk);
  };

  const respond = (xhr: XMLHttpRequest, t: Tracked): void => {
    if (t.responded || (readyStateOf(xhr) as number) < HEADERS_RECEIVED) return;
    t.responded = true;
    const headers = parseHeaderBlock(apply(getAllResponseHeaders, xhr, []) as string);
    // XHR text is read anyway (responseText); a maybe-stream becomes a stream by its second chunk.
    emitter.emit(t.connection.conn, {
      type: 'response', status: statusOf(xhr) as number, statusText: statusTextOf(xhr) as string, headers,
      streaming: streamDecision(headers, responseUrlOf(xhr) as string) === 'stream',
    });
  };

  // An XHR object can be opened and sent again: listeners are added once per object and act
  // on its current request.
  const current = new SafeWeakMap<XMLHttpRequest, Tracked>();

  const listen = (xhr: XMLHttpRequest): void => {
    const on = (type: string, fn: (t: Tracked) => void) =>
      apply(addEventListener, xhr, [type, () => safely(() => {
        const t = current.get(xhr);
        if (t && !t.connection.ended) fn(t);
      }, WHERE)]);
    on('readystatechange', (t) => respond(xhr, t));
    on('progress', (t) => {
      respond(xhr, t);
      readNew(xhr, t);
    });
    on('load', (t) => {
      respond(xhr, t);
      readNew(xhr, t);
      t.connection.end('clean', null);
    });
    on('abort', (t) => t.connection.end('client-abort', null));
    on('error', (t) => t.connection.end('network-error', 'XMLHttpRequest error'));
    on('timeout', (t) => t.connection.end('network-error', 'timeout'));
  };

  /**
   * The first two arguments as the native converts them, converted once, in the native's
   * stead: a page object's `toString` runs exactly as often and in the same order as without
   * us, and a Symbol throws the same TypeError. With fewer than two arguments the native throws
   * before converting anything, so nothing is converted.
   */
  const asStrings = (args: unknown[]): [string?, string?] => {
    if (args.length < 2) return [];
    const a = typeof args[0] === 'string' ? args[0] : `${args[0] as string}`;
    const b = typeof args[1] === 'string' ? args[1] : `${args[1] as string}`;
    args[0] = a;
    args[1] = b;
    return [a, b];
  };

  const absolute = (p: Pending) => get(hrefOf, new URLCtor(p.url, base())) as string;
  const connect = (p: Pending, url: string, body: unknown, detail: string | null): Connection => openConnection(emitter, {
    kind: 'xhr', url, method: upper(p.method), requestHeaders: p.headers,
    requestBodySize: typeof body === 'string' ? utf8Length(body) : null, requestBodyPreview: typeof body === 'string' ? slice(body, 0, 2048) : null, detail,
  });
  const track = (xhr: XMLHttpRequest, p: Pending, body: unknown): void => {
    if (!current.has(xhr)) listen(xhr);
    const t: Tracked = { connection: connect(p, absolute(p), body, null), seen: 0, responded: false };
    current.set(xhr, t);
    if (faults) t.connection.handle = safely(() => faults.register(t.connection.conn, liveControl(xhr, t)), WHERE) ?? null;
  };

  /**
   * What a fault can do to a live XHR: fail it as a network failure does (xhr-replay.ts
   * `failLive`), in a task of its own as the network's error would come, not inside the event
   * that triggered the fault. Its native events cannot be held back or reshaped without the
   * app noticing (its responseText grows regardless), so the other faults are refused.
   */
  const liveControl = (xhr: XMLHttpRequest, t: Tracked): StreamControl => {
    let scheduled = false;
    const drop = () => {
      if (scheduled || t.connection.ended || !serving) return;
      scheduled = true;
      apply(setTimeoutFn, g, [() => safely(() => {
        if (!t.connection.ended) serving.failLive(xhr, t.connection);
      }, WHERE), 0]);
    };
    return {
      kind: 'xhr',
      drop,
      hold() {},
      release(deliver) {
        if (!deliver) drop();
      },
      truncate() {},
      shape() {},
      refuses: (kind) => {
        if (kind === 'drop' || kind === 'offline') return serving ? null : 'not injected: this window cannot fail an XMLHttpRequest';
        return `not injected: a live XMLHttpRequest takes drops only (a ${kind} would show: its native responseText keeps growing)`;
      },
    };
  };

  /** Serves this send from an armed recording when one matches: true when it did (nothing goes to the network). */
  const serve = (xhr: XMLHttpRequest, p: Pending, body: unknown): boolean => {
    if (!serving || !p.async) return false;
    const url = absolute(p);
    const replay = replays!.take(p.method, url);
    if (!replay) return false;
    const connection = connect(p, url, body, servedDetail(replay.recording));
    // This object's listeners from an earlier live request stand down: the served one is captured as it plays.
    current.delete(xhr);
    // responseURL has no fragment.
    const served = safely(() => {
      serving.serve(xhr, replay, connection, before(url, '#'));
      return true;
    }, WHERE);
    // A recording that cannot be served is our failure (reported): the request goes to the network.
    if (!served) connection.end('network-error', 'the recording could not be served; sent to the network');
    return served === true;
  };

  // method(): like the natives, the wrappers have no `prototype`, print native source, and
  // keep our frames out of the stacks of the errors they pass on.
  replaceValue(proto, 'open', method(origOpen, (self, args) => {
    const xhr = self as XMLHttpRequest;
    const strings = asStrings(args);
    const result = apply(origOpen, xhr, args);
    // `async` is converted to a boolean (no page code runs); absent, the request is asynchronous.
    safely(() => opened.set(xhr, { method: strings[0]!, url: strings[1]!, headers: [], async: args.length < 3 || !!args[2] }), WHERE);
    // Opening a served object again ends its served request; from any state but OPENED the
    // native open fires readystatechange (the native object itself never left OPENED).
    if (serving && safely(() => serving.forget(xhr), WHERE)) apply(dispatchEvent, xhr, [new EventCtor('readystatechange')]);
    return result;
  }));
  replaceValue(proto, 'setRequestHeader', method(origSetHeader, (self, args) => {
    const strings = asStrings(args);
    // A served object is past OPENED: a fresh (UNSENT) native object throws the engine's own InvalidStateError.
    if (serving?.isServed(self as XMLHttpRequest)) return apply(origSetHeader, new Native(), args);
    const result = apply(origSetHeader, self, args);
    safely(() => {
      const headers = opened.get(self as XMLHttpRequest)?.headers;
      if (headers) append(headers, [strings[0]!, strings[1]!]);
    }, WHERE);
    return result;
  }));
  replaceValue(proto, 'send', method(origSend, (self, args) => {
    const xhr = self as XMLHttpRequest;
    // Sent already (served): the native's error for a send outside OPENED, from a fresh object.
    if (serving?.isServed(xhr)) return apply(origSend, new Native(), args);
    const p = opened.get(xhr);
    if (p && emitter.tracks()) {
      if (safely(() => serve(xhr, p, args[0]), WHERE)) return undefined;
      safely(() => track(xhr, p, args[0]), WHERE);
    }
    return apply(origSend, xhr, args);
  }));
}
