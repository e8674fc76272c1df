/**
 * EventSource capture. As for WebSocket, `window.EventSource` becomes a Proxy of the native
 * constructor and each EventSource is the native object. The browser parses the stream and
 * dispatches one event per message type, so we listen to `message` and to every named type
 * the app itself listens to (a type nobody listens to is invisible to the app as well).
 */
import type { Emitter } from './emit';
import { apply, get, getterOf, method, replaceValue } from './define';
import { SafeSet, SafeWeakMap } from '../core/builtins';
import { safely } from './safely';
import { utf8Length } from './encode';
import type { FaultEngine } from './faults';
import { startTakeover, type Takeover } from './eventsource-takeover';
import { engineTraits } from './engine';
import { openConnection, type Connection } from './connection';
import { wrapConstructor } from './constructor';
import { createMessageTransport, messageControl, type Delivery, type Ears } from './message-transport';

type G = Window & typeof globalThis;

const WHERE = 'hook:eventsource';

interface Tracked {
  connection: Connection;
  types: SafeSet<string>;
  opened: boolean;
  /** The id of the last message seen: what the browser sends as Last-Event-ID on reconnect. */
  lastEventId: string | null;
  delivery: Delivery;
  ears: Ears;
  /** Set once a drop handed the connection to the emulation. */
  takeover: Takeover | null;
}

const CONNECTING = 0;
const CLOSED = 2;


export function installEventSource(g: G, emitter: Emitter, faults: FaultEngine | null = null, nativeFetch: typeof fetch = g.fetch): void {
  const Native = g.EventSource;
  if (typeof Native !== 'function') return;
  // The browser's own reconnection delay before any `retry:` (3 s in Chromium, 5 s in Firefox).
  const reconnectMs = engineTraits(g).eventSourceRetryMs;
  const addEventListener = g.EventTarget.prototype.addEventListener;
  const sources = new SafeWeakMap<EventSource, Tracked>();
  const dataOf = getterOf(g.MessageEvent.prototype, 'data');
  const lastEventIdOf = getterOf(g.MessageEvent.prototype, 'lastEventId');
  /** An EventSource message's data is always a string (the HTML parser builds it). */
  const dataText = (e: Event): string => {
    const d = get(dataOf, e);
    return typeof d === 'string' ? d : '';
  };
  const messageSize = (e: MessageEvent): number => utf8Length(dataText(e));
  const transport = createMessageTransport<EventSource>(g, Native, WHERE);

  /** A drop: the browser's EventSource cannot be made to reconnect, so the emulation carries it on. */
  const takeOver = (es: EventSource, t: Tracked): void => {
    if (t.delivery.cut || t.connection.ended) return;
    const held = t.delivery.cutOff();
    transport.closeNative(es);
    t.takeover = startTakeover({
      g, es, url: es.url, withCredentials: es.withCredentials, nativeFetch,
      lastEventId: t.lastEventId ?? '',
      retryMs: reconnectMs,
      setReadyState: (state) => transport.setReadyState(es, state),
      fire: (e) => transport.fire(es, e),
      onState: (state, lastEventId) => emitter.emit(t.connection.conn, { type: 'state', state, readyState: state === 'open' ? 1 : 0, lastEventId }),
      onFail: (error) => t.connection.end('network-error', error),
    });
    // A stall that held messages goes on holding on the emulated connection.
    if (held?.length) t.takeover.hold();
  };

  const listen = (es: EventSource, t: Tracked, type: string): void => {
    // `open` and `error` are lifecycle events, not messages: they are tracked in `track`.
    if (type === 'open' || type === 'error' || t.types.has(type)) return;
    t.types.add(type);
    // While its listeners were quiet (dormant), the id is the last one heard before: a drop
    // injected before the next message asks the server to resume from there.
    t.ears.hear(type, (e) => {
      if (t.delivery.intercept(e as MessageEvent)) return transport.hide(e);
      const data = dataText(e);
      const lastEventId = (get(lastEventIdOf, e) as string) || null;
      t.lastEventId = lastEventId;
      emitter.data(t.connection.conn, 'in', data, null, utf8Length(data), type, lastEventId);
      t.connection.handle?.onEvent(data);
    });
  };

  const track = (es: EventSource): void => {
    const connection = openConnection(emitter, {
      kind: 'eventsource', url: es.url, method: 'GET', requestHeaders: [['accept', 'text/event-stream']],
      requestBodySize: null, requestBodyPreview: null, detail: es.withCredentials ? 'withCredentials' : null,
    });
    const t: Tracked = { connection, types: new SafeSet(), opened: false, lastEventId: null, delivery: transport.delivery(es, messageSize), ears: transport.ears(es, connection.conn, emitter), takeover: null };
    sources.set(es, t);
    const on = (type: string, fn: (e: Event) => void) => transport.on(es, type, fn);
    if (faults) {
      connection.handle = faults.register(connection.conn, messageControl('eventsource', t.delivery, {
        drop: () => (t.takeover ? t.takeover.drop() : takeOver(es, t)),
        // A server that ends an SSE response cleanly makes the browser reconnect too.
        truncate: () => (t.takeover ? t.takeover.drop() : takeOver(es, t)),
        successor: () => t.takeover,
      }, t.ears));
    }
    // During an injected offline window a new EventSource cannot connect: it goes straight to
    // the emulation, which keeps retrying until the window ends.
    if (faults?.offline()) takeOver(es, t);
    // Once the emulation has the connection, the native lifecycle events are hidden and the
    // emulation's own ones (which report their state themselves) pass unrecorded.
    on('open', (e) => {
      if (t.delivery.cut) {
        if (t.delivery.hidden(e)) transport.hide(e);
        return;
      }
      if (!t.opened) {
        t.opened = true;
        emitter.emit(connection.conn, { type: 'response', status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], streaming: true });
      } else {
        emitter.emit(connection.conn, { type: 'state', state: 'open', readyState: es.readyState, lastEventId: null });
      }
    });
    on('error', (e) => {
      if (t.delivery.cut) {
        if (t.delivery.hidden(e)) transport.hide(e);
        return;
      }
      if (es.readyState === CONNECTING) {
        emitter.emit(connection.conn, { type: 'state', state: 'reconnecting', readyState: CONNECTING, lastEventId: t.lastEventId });
      } else if (es.readyState === CLOSED) {
        connection.end('network-error', t.opened ? 'connection failed' : 'could not connect');
      }
    });
    listen(es, t, 'message');
  };

  const proto = Native.prototype;
  // Named events are seen by noticing which types the app listens to. EventSource.prototype has
  // no own addEventListener, and giving it one would be visible (`Object.getOwnPropertyNames`,
  // `es.addEventListener === EventTarget.prototype.addEventListener`): the inherited one is
  // wrapped instead. For any other target the wrapper costs one WeakMap lookup.
  const targetProto = g.EventTarget.prototype;
  replaceValue(targetProto, 'addEventListener', method(addEventListener, (self, args) => {
    const t = sources.get(self as EventSource);
    if (t && typeof args[0] === 'string') safely(() => listen(self as EventSource, t, args[0] as string), WHERE);
    return apply(addEventListener, self, args);
  }));
  const origClose = proto.close;
  replaceValue(proto, 'close', method(origClose, (self, args) => {
    const result = apply(origClose, self, args);
    const t = sources.get(self as EventSource);
    if (t) {
      safely(() => {
        t.takeover?.close();
        t.connection.end('client-abort', null);
      }, WHERE);
    }
    return result;
  }));
  wrapConstructor<EventSource>(g, 'EventSource', (es) => {
    if (emitter.tracks()) track(es);
  }, WHERE);
}
