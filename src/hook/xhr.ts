/**
 * XMLHttpRequest capture, for apps that stream by reading a growing `responseText` on
 * `progress`. Each progress step becomes a data record with the text added since the last one.
 * The request object is the app's own: we only wrap `open`, `setRequestHeader` and `send` on
 * the prototype and listen on the instance (never on `xhr.upload`, whose listeners would turn a
 * simple CORS request into a preflighted one).
 */
import type { Header } from '../core/trace/records';
import { streamDecision } from '../core/trace/model';
import type { Emitter } from './emit';
import { apply, get, getterOf, method, replaceValue } from './define';
import { append, indexOf, SafeWeakMap, slice, splitOn, trim, upper } from '../core/builtins';
import { safely } from './safely';
import { utf8Length } from './encode';
import { openConnection, type Connection } from './connection';
import { baseUrlOf } from './base-url';

type G = Window & typeof globalThis;

const WHERE = 'hook:xhr';

interface Pending {
  method: string;
  url: string;
  headers: Header[];
}

interface Tracked {
  connection: Connection;
  seen: number;
  responded: boolean;
}

const HEADERS_RECEIVED = 2;

/** `getAllResponseHeaders()` text as pairs: one `name: value` per CRLF-separated line. */
function parseHeaders(raw: string): Header[] {
  const out: Header[] = [];
  const lines = splitOn(raw, '\n');
  for (let i = 0; i < lines.length; i++) {
    const line = trim(lines[i]!);
    if (line === '') continue;
    const colon = indexOf(line, ':');
    append(out, colon < 0 ? [line, ''] : [trim(slice(line, 0, colon)), trim(slice(line, colon + 1))]);
  }
  return out;
}

export function installXhr(g: G, emitter: Emitter): void {
  const Native = g.XMLHttpRequest;
  if (typeof Native !== 'function') return;
  const proto = Native.prototype;
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
  const base = baseUrlOf(g);

  const readNew = (xhr: XMLHttpRequest, t: Tracked): void => {
    const type = responseTypeOf(xhr);
    if (type !== '' && type !== 'text') return;
    const text = responseTextOf(xhr) as string;
    if (text.length <= t.seen) return;
    const chunk = slice(text, t.seen);
    t.seen = text.length;
    emitter.data(t.connection.conn, 'in', chunk, null, utf8Length(chunk), null, null);
  };

  const respond = (xhr: XMLHttpRequest, t: Tracked): void => {
    if (t.responded || (readyStateOf(xhr) as number) < HEADERS_RECEIVED) return;
    t.responded = true;
    const headers = parseHeaders(apply(getAllResponseHeaders, xhr, []) as string);
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

  const track = (xhr: XMLHttpRequest, p: Pending, body: unknown): void => {
    if (!current.has(xhr)) listen(xhr);
    const connection = openConnection(emitter, {
      kind: 'xhr', url: get(hrefOf, new URLCtor(p.url, base())) as string, method: upper(p.method), requestHeaders: p.headers,
      requestBodySize: typeof body === 'string' ? utf8Length(body) : null, requestBodyPreview: typeof body === 'string' ? slice(body, 0, 2048) : null, detail: null,
    });
    current.set(xhr, { connection, seen: 0, responded: false });
  };

  // method(): like the natives, the wrappers have no `prototype`, print native source, and
  // keep our frames out of the stacks of the errors they pass on.
  replaceValue(proto, 'open', method(origOpen, (self, args) => {
    const xhr = self as XMLHttpRequest;
    const strings = asStrings(args);
    const result = apply(origOpen, xhr, args);
    safely(() => opened.set(xhr, { method: strings[0]!, url: strings[1]!, headers: [] }), WHERE);
    return result;
  }));
  replaceValue(proto, 'setRequestHeader', method(origSetHeader, (self, args) => {
    const strings = asStrings(args);
    const result = apply(origSetHeader, self, args);
    safely(() => {
      const headers = opened.get(self as XMLHttpRequest)?.headers;
      if (headers) append(headers, [strings[0]!, strings[1]!]);
    }, WHERE);
    return result;
  }));
  replaceValue(proto, 'send', method(origSend, (self, args) => {
    const xhr = self as XMLHttpRequest;
    const p = opened.get(xhr);
    if (p && emitter.tracks()) safely(() => track(xhr, p, args[0]), WHERE);
    return apply(origSend, xhr, args);
  }));
}
