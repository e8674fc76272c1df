/**
 * WebSocket capture. `window.WebSocket` becomes a Proxy of the native constructor: `new`,
 * subclassing, `instanceof`, the static constants and `prototype` all reach the native class,
 * and each socket is the native object itself (so `readyState`, `bufferedAmount`, `protocol`,
 * `extensions`, `binaryType` are untouched). Outgoing frames are seen by wrapping
 * `prototype.send`; incoming ones by a listener we add before the app can add its own.
 */
import type { Emitter } from './emit';
import { apply, construct, method, replaceGetter, replaceValue } from './define';
import type { FaultEngine, StreamControl, StreamHandle } from './faults';
import { shapingDelayMs, type FaultSpec } from '../core/faults/spec';
import { safely } from './safely';
import { MAX_BINARY_CAPTURE, bytesToBase64, utf8Length } from './encode';

type G = Window & typeof globalThis;

interface Tracked {
  conn: string;
  clientClosed: boolean;
  handle: StreamHandle | null;
  /** Incoming messages are being withheld from the app (stall, latency, bandwidth). */
  withheld: MessageEvent[] | null;
  shaping: FaultSpec | null;
  /** Set once a fault ended the socket for the app: later native events are hidden. */
  faulted: boolean;
}

const OPEN = 1;
const CLOSED = 3;

export function installWebSocket(g: G, emitter: Emitter, faults: FaultEngine | null = null): void {
  const Native = g.WebSocket;
  if (typeof Native !== 'function') return;
  const addEventListener = g.EventTarget.prototype.addEventListener;
  const btoaFn = g.btoa.bind(g);
  const BlobCtor = g.Blob;
  const ArrayBufferCtor = g.ArrayBuffer;
  const sockets = new WeakMap<WebSocket, Tracked>();
  const EventCtor = g.Event;
  const MessageEventCtor = g.MessageEvent;
  const CloseEventCtor = g.CloseEvent;
  const dispatchEvent = g.EventTarget.prototype.dispatchEvent;
  const stopImmediatePropagation = g.Event.prototype.stopImmediatePropagation;
  const setTimeoutFn = g.setTimeout;
  const later = (fn: () => void, ms: number) => apply(setTimeoutFn, g, [() => safely(fn), ms]);
  /** Events we dispatch ourselves (released or faked): our listeners let them through. */
  const ours = new WeakSet<Event>();
  /** readyState the app sees for sockets a fault closed (the native one lags behind). */
  const readyStates = new WeakMap<WebSocket, number>();
  const origCloseNative = Native.prototype.close;

  const fire = (ws: WebSocket, e: Event) => {
    ours.add(e);
    apply(dispatchEvent, ws, [e]);
  };

  /**
   * Ends the socket for the app as the network would, and closes the real one. Chromium, when
   * the TCP connection of an open socket is lost, fires only `close` (1006, not clean) — no
   * `error` (that comes with a failed handshake): the fault does the same (see faults e2e).
   */
  const fail = (ws: WebSocket, t: Tracked, clean: boolean) => {
    if (t.faulted) return;
    t.faulted = true;
    t.withheld = null;
    const wasOpen = ws.readyState === OPEN;
    readyStates.set(ws, CLOSED);
    safely(() => apply(origCloseNative, ws, []));
    later(() => {
      if (!clean && !wasOpen) fire(ws, new EventCtor('error'));
      fire(ws, new CloseEventCtor('close', { code: clean ? 1000 : 1006, reason: '', wasClean: clean }));
    }, 0);
  };

  const redeliver = (ws: WebSocket, t: Tracked, e: MessageEvent) => {
    if (t.faulted) return;
    fire(ws, new MessageEventCtor('message', { data: e.data, origin: e.origin, lastEventId: e.lastEventId }));
  };

  const controlOf = (ws: WebSocket, t: Tracked): StreamControl => ({
    kind: 'websocket',
    drop: () => fail(ws, t, false),
    truncate: () => fail(ws, t, true),
    hold() {
      t.withheld ??= [];
    },
    release(deliver) {
      const held = t.withheld ?? [];
      t.withheld = null;
      if (!deliver) return fail(ws, t, false);
      for (const e of held) redeliver(ws, t, e);
    },
    shape(spec) {
      // Frames are messages: they can be delayed but not split, so rechunk does not apply.
      if (spec.kind === 'latency' || spec.kind === 'bandwidth') t.shaping = spec;
    },
  });

  /** Our first listener sees each native message before the app: it may hold or delay it. */
  const intercept = (ws: WebSocket, t: Tracked, e: MessageEvent): boolean => {
    if (ours.has(e)) return false;
    if (t.faulted) return true;
    if (t.withheld) {
      t.withheld[t.withheld.length] = e;
      return true;
    }
    const s = t.shaping;
    if (!s) return false;
    const size = typeof e.data === 'string' ? utf8Length(e.data) : ((e.data as ArrayBuffer).byteLength ?? (e.data as Blob).size ?? 0);
    const wait = shapingDelayMs(s, size);
    later(() => redeliver(ws, t, e), wait);
    return true;
  };

  const nativeReadyState = Object.getOwnPropertyDescriptor(Native.prototype, 'readyState')?.get;
  if (nativeReadyState) {
    replaceGetter(Native.prototype, 'readyState', (self) => readyStates.get(self as WebSocket) ?? apply(nativeReadyState, self, []));
  }

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
    const t: Tracked = { conn: emitter.newConnId(), clientClosed: false, handle: null, withheld: null, shaping: null, faulted: false };
    sockets.set(ws, t);
    const protocols = args[1];
    emitter.emit(t.conn, {
      type: 'open', kind: 'websocket', url: ws.url, method: 'GET', requestHeaders: [],
      requestBodySize: null, requestBodyPreview: null,
      detail: protocols === undefined ? null : `protocols: ${Array.isArray(protocols) ? protocols.join(', ') : String(protocols)}`,
    });
    const on = (type: string, fn: (e: Event) => void) =>
      apply(addEventListener, ws, [type, (e: Event) => safely(() => fn(e))]);
    // Registered first of all listeners: hides native events the app must not see after a fault.
    const hide = (e: Event) => apply(stopImmediatePropagation, e, []);
    if (faults) {
      t.handle = faults.register(t.conn, controlOf(ws, t));
      if (faults.offline()) fail(ws, t, false);
    }
    on('open', (e) => {
      if (t.faulted && !ours.has(e)) return hide(e);
      // Index assignment, not push: the page may have replaced Array.prototype.push.
      const headers: [string, string][] = [];
      if (ws.protocol) headers[headers.length] = ['sec-websocket-protocol', ws.protocol];
      if (ws.extensions) headers[headers.length] = ['sec-websocket-extensions', ws.extensions];
      emitter.emit(t.conn, { type: 'response', status: 101, statusText: 'Switching Protocols', headers, streaming: true });
    });
    on('message', (e) => {
      if (intercept(ws, t, e as MessageEvent)) return hide(e);
      const data = (e as MessageEvent).data;
      emitPayload(t, 'in', data, emitter.now());
      t.handle?.onEvent(typeof data === 'string' ? data : null);
    });
    on('error', (e) => {
      if (t.faulted && !ours.has(e)) hide(e);
    });
    on('close', (e) => {
      if (t.faulted && !ours.has(e)) return hide(e);
      t.handle?.closed();
      const ce = e as CloseEvent;
      const cause = t.clientClosed ? 'client-abort' : ce.wasClean ? 'server-close' : 'network-error';
      emitter.emit(t.conn, { type: 'end', cause, error: ce.wasClean ? null : 'connection lost', code: ce.code, reason: ce.reason || null });
    });
  };

  const proxy = new Proxy(Native, {
    construct(target, args: unknown[], newTarget) {
      const ws = construct(target, args, newTarget) as WebSocket;
      if (emitter.recording()) safely(() => track(ws, args));
      return ws;
    },
  });

  const proto = Native.prototype;
  const origSend = proto.send;
  replaceValue(proto, 'send', method(origSend, (self, args) => {
    const result = apply(origSend, self, args);
    const t = sockets.get(self as WebSocket);
    if (t) safely(() => emitPayload(t, 'out', args[0], emitter.now()));
    return result;
  }));
  const origClose = proto.close;
  replaceValue(proto, 'close', method(origClose, (self, args) => {
    const t = sockets.get(self as WebSocket);
    const result = apply(origClose, self, args);
    if (t && !t.clientClosed) {
      t.clientClosed = true;
      safely(() => emitter.emit(t.conn, { type: 'state', state: 'closing', readyState: (self as WebSocket).readyState, lastEventId: null }));
    }
    return result;
  }));
  // `ws.constructor === WebSocket` must stay true for the page.
  replaceValue(proto, 'constructor', proxy);
  replaceValue(g, 'WebSocket', proxy);
}
