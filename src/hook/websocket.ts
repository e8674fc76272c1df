/**
 * WebSocket capture. `window.WebSocket` becomes a Proxy of the native constructor: `new`,
 * subclassing, `instanceof`, the static constants and `prototype` all reach the native class,
 * and each socket is the native object itself (so `readyState`, `bufferedAmount`, `protocol`,
 * `extensions`, `binaryType` are untouched). Outgoing frames are seen by wrapping
 * `prototype.send`; incoming ones by a listener we add before the app can add its own.
 */
import type { Emitter } from './emit';
import { mimic, replaceValue } from './define';
import { safely } from './safely';
import { MAX_BINARY_CAPTURE, bytesToBase64, utf8Length } from './encode';

type G = Window & typeof globalThis;

interface Tracked {
  conn: string;
  clientClosed: boolean;
}

export function installWebSocket(g: G, emitter: Emitter): void {
  const Native = g.WebSocket;
  if (typeof Native !== 'function') return;
  const addEventListener = g.EventTarget.prototype.addEventListener;
  const btoaFn = g.btoa.bind(g);
  const BlobCtor = g.Blob;
  const ArrayBufferCtor = g.ArrayBuffer;
  const sockets = new WeakMap<WebSocket, Tracked>();

  const emitPayload = (t: Tracked, dir: 'in' | 'out', data: unknown, time: number): void => {
    const base = { type: 'data' as const, dir, event: null, id: null };
    if (typeof data === 'string') {
      emitter.emit(t.conn, { ...base, text: data, base64: null, size: utf8Length(data) }, time);
    } else if (data instanceof ArrayBufferCtor || ArrayBufferCtor.isView(data)) {
      const bytes = data instanceof ArrayBufferCtor ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const base64 = bytes.byteLength <= MAX_BINARY_CAPTURE ? bytesToBase64(bytes, btoaFn) : null;
      emitter.emit(t.conn, { ...base, text: null, base64, size: bytes.byteLength }, time);
    } else if (data instanceof BlobCtor) {
      // Reading a Blob does not consume it; the record keeps the time the frame was seen.
      if (data.size > MAX_BINARY_CAPTURE) {
        emitter.emit(t.conn, { ...base, text: null, base64: null, size: data.size }, time);
        return;
      }
      data.arrayBuffer().then(
        (buf) => safely(() => emitter.emit(t.conn, { ...base, text: null, base64: bytesToBase64(new Uint8Array(buf), btoaFn), size: buf.byteLength }, time)),
        () => safely(() => emitter.emit(t.conn, { ...base, text: null, base64: null, size: data.size }, time)),
      );
    }
  };

  const track = (ws: WebSocket, args: unknown[]): void => {
    const t: Tracked = { conn: emitter.newConnId(), clientClosed: false };
    sockets.set(ws, t);
    const protocols = args[1];
    emitter.emit(t.conn, {
      type: 'open', kind: 'websocket', url: ws.url, method: 'GET', requestHeaders: [],
      requestBodySize: null, requestBodyPreview: null,
      detail: protocols === undefined ? null : `protocols: ${Array.isArray(protocols) ? protocols.join(', ') : String(protocols)}`,
    });
    const on = (type: string, fn: (e: Event) => void) =>
      Reflect.apply(addEventListener, ws, [type, (e: Event) => safely(() => fn(e))]);
    on('open', () => {
      const headers: [string, string][] = [];
      if (ws.protocol) headers.push(['sec-websocket-protocol', ws.protocol]);
      if (ws.extensions) headers.push(['sec-websocket-extensions', ws.extensions]);
      emitter.emit(t.conn, { type: 'response', status: 101, statusText: 'Switching Protocols', headers, streaming: true });
    });
    on('message', (e) => emitPayload(t, 'in', (e as MessageEvent).data, emitter.now()));
    on('close', (e) => {
      const ce = e as CloseEvent;
      const cause = t.clientClosed ? 'client-abort' : ce.wasClean ? 'server-close' : 'network-error';
      emitter.emit(t.conn, { type: 'end', cause, error: ce.wasClean ? null : 'connection lost', code: ce.code, reason: ce.reason || null });
    });
  };

  const proxy = new Proxy(Native, {
    construct(target, args: unknown[], newTarget) {
      const ws = Reflect.construct(target, args, newTarget) as WebSocket;
      if (emitter.recording()) safely(() => track(ws, args));
      return ws;
    },
  });

  const proto = Native.prototype;
  const origSend = proto.send;
  replaceValue(proto, 'send', mimic(function send(this: WebSocket, ...args: unknown[]) {
    const result = Reflect.apply(origSend, this, args);
    const t = sockets.get(this);
    if (t) safely(() => emitPayload(t, 'out', args[0], emitter.now()));
    return result;
  }, origSend));
  const origClose = proto.close;
  replaceValue(proto, 'close', mimic(function close(this: WebSocket, ...args: unknown[]) {
    const t = sockets.get(this);
    const result = Reflect.apply(origClose, this, args);
    if (t && !t.clientClosed) {
      t.clientClosed = true;
      safely(() => emitter.emit(t.conn, { type: 'state', state: 'closing', readyState: this.readyState, lastEventId: null }));
    }
    return result;
  }, origClose));
  // `ws.constructor === WebSocket` must stay true for the page.
  replaceValue(proto, 'constructor', proxy);
  replaceValue(g, 'WebSocket', proxy);
}
