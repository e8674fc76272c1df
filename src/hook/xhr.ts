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
import { apply, method, replaceValue } from './define';
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

function parseHeaders(raw: string): Header[] {
  return raw
    .trim()
    .split(/[\r\n]+/)
    .filter(Boolean)
    .map((line) => {
      const i = line.indexOf(':');
      return [line.slice(0, i).trim(), line.slice(i + 1).trim()] as Header;
    });
}

export function installXhr(g: G, emitter: Emitter): void {
  const Native = g.XMLHttpRequest;
  if (typeof Native !== 'function') return;
  const proto = Native.prototype;
  const addEventListener = g.EventTarget.prototype.addEventListener;
  const opened = new WeakMap<XMLHttpRequest, Pending>();
  const origOpen = proto.open;
  const origSetHeader = proto.setRequestHeader;
  const origSend = proto.send;
  const base = baseUrlOf(g);

  const readNew = (xhr: XMLHttpRequest, t: Tracked): void => {
    if (xhr.responseType !== '' && xhr.responseType !== 'text') return;
    const text = xhr.responseText;
    if (text.length <= t.seen) return;
    const chunk = text.slice(t.seen);
    t.seen = text.length;
    emitter.emit(t.connection.conn, { type: 'data', dir: 'in', text: chunk, base64: null, size: utf8Length(chunk), event: null, id: null });
  };

  const respond = (xhr: XMLHttpRequest, t: Tracked): void => {
    if (t.responded || xhr.readyState < HEADERS_RECEIVED) return;
    t.responded = true;
    const headers = parseHeaders(xhr.getAllResponseHeaders());
    // XHR text is read anyway (responseText); a maybe-stream becomes a stream by its second chunk.
    emitter.emit(t.connection.conn, { type: 'response', status: xhr.status, statusText: xhr.statusText, headers, streaming: streamDecision(headers, xhr.responseURL) === 'stream' });
  };

  // An XHR object can be opened and sent again: listeners are added once per object and act
  // on its current request.
  const current = new WeakMap<XMLHttpRequest, Tracked>();

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

  const track = (xhr: XMLHttpRequest, p: Pending, body: unknown): void => {
    if (!current.has(xhr)) listen(xhr);
    const connection = openConnection(emitter, {
      kind: 'xhr', url: new g.URL(p.url, base()).href, method: p.method.toUpperCase(), requestHeaders: p.headers,
      requestBodySize: typeof body === 'string' ? utf8Length(body) : null, requestBodyPreview: typeof body === 'string' ? body.slice(0, 2048) : null, detail: null,
    });
    current.set(xhr, { connection, seen: 0, responded: false });
  };

  // method(), not a `function` expression: a native method has no `prototype` and no [[Construct]].
  replaceValue(proto, 'open', method(origOpen, (self, args) => {
    const result = apply(origOpen, self, args);
    safely(() => opened.set(self as XMLHttpRequest, { method: String(args[0]), url: String(args[1]), headers: [] }), WHERE);
    return result;
  }));
  replaceValue(proto, 'setRequestHeader', method(origSetHeader, (self, args) => {
    const result = apply(origSetHeader, self, args);
    safely(() => {
      const headers = opened.get(self as XMLHttpRequest)?.headers;
      if (headers) headers[headers.length] = [String(args[0]), String(args[1])];
    }, WHERE);
    return result;
  }));
  replaceValue(proto, 'send', method(origSend, (self, args) => {
    const p = opened.get(self as XMLHttpRequest);
    if (p && emitter.recording()) safely(() => track(self as XMLHttpRequest, p, args[0]), WHERE);
    return apply(origSend, self, args);
  }));
}
