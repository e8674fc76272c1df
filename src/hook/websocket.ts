/**
 * WebSocket capture. `window.WebSocket` becomes a Proxy of the native constructor: `new`,
 * subclassing, `instanceof`, the static constants and `prototype` all reach the native class,
 * and each socket is the native object itself (so `readyState`, `bufferedAmount`, `protocol`,
 * `extensions`, `binaryType` are untouched). Outgoing frames are seen by wrapping
 * `prototype.send`; incoming ones by a listener we add before the app can add its own (one
 * that goes quiet while dormant: message-transport.ts `ears`).
 *
 * A socket armed for replay is the exception: it has no native object (replay-faces.ts says
 * why and how it is built), and what the native socket would do is its player's
 * (websocket-replay.ts). Each tracked socket reaches its connection through a `Wire`, so the
 * capture, the faults and the panel's control treat both alike.
 */
import type { Emitter } from './emit';
import { apply, bare, get, getterOf, method, replaceValue } from './define';
import { append, slice, startsWith, bufferByteLength, bufferOf, parseUrl, byteLengthOf, bytesOfView, bytesOver, isArray, isArrayBuffer, isArrayBufferView, SafeWeakMap, settle } from '../core/builtins';
import type { FaultEngine } from './faults';
import { safely } from './safely';
import { MAX_BINARY_CAPTURE, bytesToBase64, utf8Length } from './encode';
import { openConnection, type Connection } from './connection';
import { wrapConstructor } from './constructor';
import { createMessageTransport, messageControl, type Delivery, type Ears } from './message-transport';
import { base64Bytes, createSocketControl, type SocketControl, type WsControls } from './ws-control';
import type { FrameMark } from '../core/trace/records';
import type { Replays } from './replay';
import { installFaces } from './replay-faces';
import { createWsPlayer, type WsPlayer } from './websocket-replay';
import { engineTraits } from './engine';
import { baseUrlOf } from './base-url';
import { isProtocolList } from './websocket-args';
import { servedDetail } from '../core/replay/served';

type G = Window & typeof globalThis;

const WHERE = 'hook:websocket';

/** What the capture and the control do to the socket underneath: the native one, or a replay's player. */
interface Wire {
  readyState(): number;
  url(): string;
  binaryType(): unknown;
  /** Sends to the server (throws what the socket throws). */
  send(data: unknown): void;
  /** Closes the real connection without the app-visible wrapper (which records a client close). */
  close(): void;
}

interface Tracked {
  connection: Connection;
  wire: Wire;
  clientClosed: boolean;
  delivery: Delivery;
  /** The panel's control of this socket (null when the hook runs without one). */
  control: SocketControl | null;
}

const OPEN = 1;
const CLOSED = 3;

/** The open record's note on a socket served from a recording (the panel shows it). */

const hasFragment = (href: string): boolean => {
  for (let i = 0; i < href.length; i++) if (href[i] === '#') return true;
  return false;
};

/** A frame's size for bandwidth shaping: text in UTF-8 bytes, binary as it is. */
const frameSize = (data: unknown, blobSize: (b: unknown) => number | null): number => {
  if (typeof data === 'string') return utf8Length(data);
  if (isArrayBuffer(data)) return bufferByteLength(data);
  if (isArrayBufferView(data)) return byteLengthOf(data);
  return blobSize(data) ?? 0;
};

/** The protocols argument as the open record shows it, without converting page objects a second time. */
function protocolsText(protocols: unknown): string {
  if (typeof protocols === 'string') return protocols;
  if (!isArray(protocols)) return typeof protocols;
  let out = '';
  for (let i = 0; i < protocols.length; i++) {
    const p: unknown = protocols[i];
    out += (i > 0 ? ', ' : '') + (typeof p === 'string' ? p : typeof p);
  }
  return out;
}

export function installWebSocket(g: G, emitter: Emitter, faults: FaultEngine | null = null, controls: WsControls | null = null, replays: Replays | null = null): void {
  const Native = g.WebSocket;
  if (typeof Native !== 'function') return;
  const blobSizeGetter = getterOf(g.Blob.prototype, 'size');
  const blobArrayBuffer = g.Blob.prototype.arrayBuffer;
  /** The Blob's size, or null for anything that is not a Blob (a brand check, not `instanceof`). */
  const blobSize = (b: unknown): number | null => {
    try {
      return get(blobSizeGetter, b) as number;
    } catch {
      return null;
    }
  };
  const dataOf = getterOf(g.MessageEvent.prototype, 'data');
  const sockets = new SafeWeakMap<WebSocket, Tracked>();
  const EventCtor = g.Event;
  const CloseEventCtor = g.CloseEvent;
  const MessageEventCtor = g.MessageEvent;
  const BlobCtor = g.Blob;
  const U8 = g.Uint8Array;
  const atobFn = g.atob;
  const binaryTypeOf = getterOf(Native.prototype, 'binaryType');
  // The native getters, before the transport takes `readyState` over: a page may shadow either
  // on the socket object itself, and the control must not read what the page put there.
  const urlOf = getterOf(Native.prototype, 'url');
  const nativeReadyState = getterOf(Native.prototype, 'readyState');
  const proto = Native.prototype;
  const origSend = proto.send;
  const transport = createMessageTransport<WebSocket>(g, Native, WHERE);
  // The transport's readyState (a replayed socket has no native one), not what a page may shadow on the object.
  const readyStateOf = getterOf(proto, 'readyState');
  const StringFn = g.String;
  const faces = installFaces<WebSocket>(g, proto, {
    readonly: ['url', 'protocol', 'extensions', 'bufferedAmount'],
    // An enum attribute: a value that is none of its strings is ignored, not an error.
    writable: [{ key: 'binaryType', accept: (v) => { const s = StringFn(v); return s === 'blob' || s === 'arraybuffer' ? s : undefined; } }],
    handlers: ['onopen', 'onmessage', 'onerror', 'onclose'],
  });
  const players = new SafeWeakMap<WebSocket, WsPlayer>();
  /** Each replayed socket's marker for its open record: from a recording or from a mock. */
  const servedAs = new SafeWeakMap<WebSocket, string>();
  const traits = engineTraits(g);
  const baseUrl = baseUrlOf(g);
  const dispatchEvent = g.EventTarget.prototype.dispatchEvent;
  const nativeWire = (ws: WebSocket): Wire => ({
    readyState: () => get(nativeReadyState, ws) as number,
    url: () => get(urlOf, ws) as string,
    binaryType: () => get(binaryTypeOf, ws),
    send: (data) => void apply(origSend, ws, [data]),
    close: () => transport.closeNative(ws),
  });
  /** A replayed socket's wire: the panel's sends go nowhere (no server), a cut stops the player. */
  const replayWire = (ws: WebSocket, player: WsPlayer): Wire => ({
    readyState: () => get(readyStateOf, ws) as number,
    url: () => faces.of(ws)!.values.url as string,
    binaryType: () => faces.of(ws)!.values.binaryType,
    send: () => undefined,
    close: () => player.stop(),
  });

  /**
   * A socket armed for replay: the app's constructor call answered with a replayed object when
   * its URL matches an armed recording. Arguments the native constructor would refuse (a bad
   * URL, a fragment, an invalid protocol list) are left to it, so the app gets its exception.
   */
  const replayed = (args: unknown[], newTarget: Function): WebSocket | null => {
    if (!replays?.socketsArmed() || args.length === 0) return null;
    let href: string;
    try {
      href = parseUrl(StringFn(args[0]), baseUrl()).href;
    } catch {
      return null;
    }
    // The standard's http(s) → ws(s) mapping; any other scheme, or a fragment, the native refuses.
    if (startsWith(href, 'http:')) href = `ws:${slice(href, 5)}`;
    else if (startsWith(href, 'https:')) href = `wss:${slice(href, 6)}`;
    if (!(startsWith(href, 'ws:') || startsWith(href, 'wss:')) || hasFragment(href)) return null;
    if (args[1] !== undefined && !isProtocolList(args[1])) return null;
    const taken = replays.takeSocket('websocket', href);
    if (!taken) return null;
    const ws = faces.make(newTarget, { url: href, protocol: '', extensions: '', bufferedAmount: 0, binaryType: 'blob' });
    transport.setReadyState(ws, 0);
    const face = faces.of(ws)!;
    const player = createWsPlayer({
      g, ws, url: href, recording: taken.recording, scale: taken.scale, face, traits,
      readyState: () => get(readyStateOf, ws) as number,
      setReadyState: (state) => transport.setReadyState(ws, state),
      dispatch: (e) => void apply(dispatchEvent, ws, [e]),
      blobSize,
    });
    players.set(ws, player);
    servedAs.set(ws, servedDetail(taken.recording));
    // Started after the capture's listeners are added (onConstruct): its first event is a task later.
    transport.later(() => player.start(), 0);
    return ws;
  };

  /**
   * Ends the socket for the app as the network would, and closes the real one. Chromium, when
   * the TCP connection of an open socket is lost, fires only `close` (1006, not clean) — no
   * `error` (that comes with a failed handshake): the fault does the same (see faults e2e).
   */
  const fail = (ws: WebSocket, t: Tracked, clean: boolean) => endAs(ws, t, clean ? 1000 : 1006, '', clean, !clean && ws.readyState !== OPEN);

  /** Ends the socket for the app with this close event (after an `error` event when `error`). */
  const endAs = (ws: WebSocket, t: Tracked, code: number, reason: string, wasClean: boolean, error: boolean) => {
    if (t.delivery.cut) return;
    t.delivery.cutOff();
    t.control?.ended();
    transport.setReadyState(ws, CLOSED);
    t.wire.close();
    transport.later(() => {
      if (error) transport.fire(ws, new EventCtor('error'));
      transport.fire(ws, new CloseEventCtor('close', bare({ code, reason, wasClean })));
    }, 0);
  };

  /** The panel's control of one socket, over this install's natives. */
  const controlOf = (ws: WebSocket, t: Tracked, ears: Pick<Ears, 'behind'>): SocketControl => {
    let origin: string | null = null;
    const bytes = (value: string) => base64Bytes(value, (x) => apply(atobFn, g, [x]) as string, U8);
    return createSocketControl({
      conn: t.connection.conn,
      delivery: t.delivery,
      isOpen: () => !t.delivery.cut && t.wire.readyState() === OPEN,
      isOurs: (e) => transport.isOurs(e),
      dataOf: (e) => get(dataOf, e),
      behind: () => ears.behind,
      sendNative: (data) => t.wire.send(data),
      bytes: (p) => bytes(p.value),
      message(p) {
        // The origin the browser gives a socket's messages: its URL's (ws://host:port).
        origin ??= parseUrl(t.wire.url()).origin;
        let data: unknown = p.value;
        if (p.binary) {
          const b = bytes(p.value);
          data = t.wire.binaryType() === 'arraybuffer' ? bufferOf(b) : new BlobCtor([b]);
        }
        return new MessageEventCtor('message', bare({ data, origin }));
      },
      fire: (e) => transport.fire(ws, e),
      record: (dir, data, mark) => emitPayload(t, dir, data, emitter.now(), mark),
      end: (code, reason, wasClean, error) => endAs(ws, t, code, reason, wasClean, error),
    }, emitter);
  };

  const emitPayload = (t: Tracked, dir: 'in' | 'out', data: unknown, time: number, mark: FrameMark | null = null): void => {
    const conn = t.connection.conn;
    const m = mark ?? undefined;
    if (typeof data === 'string') {
      emitter.data(conn, dir, data, null, utf8Length(data), null, null, time, m);
    } else if (isArrayBuffer(data) || isArrayBufferView(data)) {
      const bytes = isArrayBuffer(data) ? bytesOver(data) : bytesOfView(data);
      const size = byteLengthOf(bytes);
      // The emitter encodes the bytes, or (dormant) copies them for a late join.
      emitter.data(conn, dir, null, size <= MAX_BINARY_CAPTURE ? bytes : null, size, null, null, time, m);
    } else {
      const size = blobSize(data);
      if (size === null) return;
      // Reading a Blob does not consume it; the record keeps the time the frame was seen.
      if (size > MAX_BINARY_CAPTURE) {
        emitter.data(conn, dir, null, null, size, null, null, time, m);
        return;
      }
      settle(
        apply(blobArrayBuffer, data, []) as Promise<ArrayBuffer>,
        (buf) => safely(() => emitter.data(conn, dir, null, bytesOver(buf), bufferByteLength(buf), null, null, time, m), WHERE),
        () => safely(() => emitter.data(conn, dir, null, null, size, null, null, time, m), WHERE),
      );
    }
  };

  const track = (ws: WebSocket, args: unknown[]): void => {
    const protocols = args[1];
    const player = players.get(ws);
    const described = protocols === undefined ? null : `protocols: ${protocolsText(protocols)}`;
    const connection = openConnection(emitter, {
      kind: 'websocket', url: ws.url, method: 'GET', requestHeaders: [],
      requestBodySize: null, requestBodyPreview: null,
      // The panel marks it: this socket never reached the network.
      detail: player ? (described ? `${servedAs.get(ws)!}; ${described}` : servedAs.get(ws)!) : described,
    });
    const t: Tracked = { connection, wire: player ? replayWire(ws, player) : nativeWire(ws), clientClosed: false, delivery: transport.delivery(ws, (e) => frameSize(get(dataOf, e), blobSize)), control: null };
    sockets.set(ws, t);
    const on = (type: string, fn: (e: Event) => void) => transport.on(ws, type, fn);
    const ears = transport.ears(ws, connection.conn, emitter);
    if (controls) {
      t.control = controlOf(ws, t, ears);
      controls.register(connection.conn, t.control);
    }
    if (faults) {
      connection.handle = faults.register(connection.conn, messageControl('websocket', t.delivery, {
        drop: () => fail(ws, t, false),
        truncate: () => fail(ws, t, true),
      }, ears));
      if (faults.offline()) fail(ws, t, false);
    }
    // Registered first of all listeners: after a fault, native events are hidden from the app.
    on('open', (e) => {
      if (t.delivery.hidden(e)) return transport.hide(e);
      const headers: [string, string][] = [];
      if (ws.protocol) append(headers, ['sec-websocket-protocol', ws.protocol]);
      if (ws.extensions) append(headers, ['sec-websocket-extensions', ws.extensions]);
      emitter.emit(connection.conn, { type: 'response', status: 101, statusText: 'Switching Protocols', headers, streaming: true });
    });
    ears.hear('message', (e) => {
      const control = t.control;
      // The panel's control first: a message it drops or holds is not the faults' to delay.
      if (control?.incoming(e as MessageEvent)) return transport.hide(e);
      if (t.delivery.intercept(e as MessageEvent)) return transport.hide(e);
      const data = get(dataOf, e);
      emitPayload(t, 'in', data, emitter.now(), control ? control.markOf(e) : null);
      connection.handle?.onEvent(typeof data === 'string' ? data : null);
    });
    on('error', (e) => {
      if (t.delivery.hidden(e)) transport.hide(e);
    });
    on('close', (e) => {
      if (t.delivery.hidden(e)) return transport.hide(e);
      const ce = e as CloseEvent;
      t.control?.ended();
      controls?.unregister(connection.conn);
      const cause = t.clientClosed ? 'client-abort' : ce.wasClean ? 'server-close' : 'network-error';
      connection.end(cause, ce.wasClean ? null : 'connection lost', ce.code, ce.reason || null);
    });
  };

  replaceValue(proto, 'send', method(origSend, (self, args) => {
    const t = sockets.get(self as WebSocket);
    // Blocked, paused or held at a breakpoint by the panel: the server does not get it (yet).
    if (t?.control && safely(() => t.control!.outgoing(args[0]), WHERE)) return undefined;
    const player = players.get(self as WebSocket);
    if (player) {
      // A replayed socket: checked as a socket checks it, captured, and swallowed (no server).
      const sent = player.send(args);
      if (t) safely(() => emitPayload(t, 'out', sent, emitter.now()), WHERE);
      return undefined;
    }
    const result = apply(origSend, self, args);
    if (t) safely(() => emitPayload(t, 'out', args[0], emitter.now()), WHERE);
    return result;
  }));
  const origClose = proto.close;
  replaceValue(proto, 'close', method(origClose, (self, args) => {
    const t = sockets.get(self as WebSocket);
    const player = players.get(self as WebSocket);
    const result = player ? player.close(args) : apply(origClose, self, args);
    if (t && !t.clientClosed) {
      t.clientClosed = true;
      safely(() => emitter.emit(t.connection.conn, { type: 'state', state: 'closing', readyState: (self as WebSocket).readyState, lastEventId: null }), WHERE);
    }
    return result;
  }));
  wrapConstructor<WebSocket>(g, 'WebSocket', (ws, args) => {
    if (emitter.tracks()) track(ws, args);
  }, WHERE, replayed);
}
