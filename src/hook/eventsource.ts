/**
 * EventSource capture. As for WebSocket, `window.EventSource` becomes a Proxy of the native
 * constructor and each EventSource is the native object. The browser parses the stream and
 * dispatches one event per message type, so we listen to `message` and to every named type
 * the app itself listens to (a type nobody listens to is invisible to the app as well).
 */
import type { Emitter } from './emit';
import { mimic, replaceValue } from './define';
import { safely } from './safely';
import { utf8Length } from './encode';

type G = Window & typeof globalThis;

interface Tracked {
  conn: string;
  types: Set<string>;
  opened: boolean;
  ended: boolean;
  /** The id of the last message seen: what the browser sends as Last-Event-ID on reconnect. */
  lastEventId: string | null;
}

const CONNECTING = 0;
const CLOSED = 2;

export function installEventSource(g: G, emitter: Emitter): void {
  const Native = g.EventSource;
  if (typeof Native !== 'function') return;
  const addEventListener = g.EventTarget.prototype.addEventListener;
  const sources = new WeakMap<EventSource, Tracked>();

  const listen = (es: EventSource, t: Tracked, type: string): void => {
    // `open` and `error` are lifecycle events, not messages: they are tracked in `track`.
    if (type === 'open' || type === 'error' || t.types.has(type)) return;
    t.types.add(type);
    Reflect.apply(addEventListener, es, [
      type,
      (e: Event) =>
        safely(() => {
          const me = e as MessageEvent;
          const data = typeof me.data === 'string' ? me.data : String(me.data);
          t.lastEventId = me.lastEventId || null;
          emitter.emit(t.conn, { type: 'data', dir: 'in', text: data, base64: null, size: utf8Length(data), event: type, id: me.lastEventId || null });
        }),
    ]);
  };

  const end = (t: Tracked, cause: 'client-abort' | 'network-error', error: string | null): void => {
    if (t.ended) return;
    t.ended = true;
    emitter.emit(t.conn, { type: 'end', cause, error, code: null, reason: null });
  };

  const track = (es: EventSource): void => {
    const t: Tracked = { conn: emitter.newConnId(), types: new Set(), opened: false, ended: false, lastEventId: null };
    sources.set(es, t);
    emitter.emit(t.conn, {
      type: 'open', kind: 'eventsource', url: es.url, method: 'GET', requestHeaders: [['accept', 'text/event-stream']],
      requestBodySize: null, requestBodyPreview: null, detail: es.withCredentials ? 'withCredentials' : null,
    });
    const on = (type: string, fn: (e: Event) => void) =>
      Reflect.apply(addEventListener, es, [type, (e: Event) => safely(() => fn(e))]);
    on('open', () => {
      if (!t.opened) {
        t.opened = true;
        emitter.emit(t.conn, { type: 'response', status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], streaming: true });
      } else {
        emitter.emit(t.conn, { type: 'state', state: 'open', readyState: es.readyState, lastEventId: null });
      }
    });
    on('error', () => {
      if (es.readyState === CONNECTING) {
        emitter.emit(t.conn, { type: 'state', state: 'reconnecting', readyState: CONNECTING, lastEventId: t.lastEventId });
      } else if (es.readyState === CLOSED) {
        end(t, 'network-error', t.opened ? 'connection failed' : 'could not connect');
      }
    });
    listen(es, t, 'message');
  };

  const proxy = new Proxy(Native, {
    construct(target, args: unknown[], newTarget) {
      const es = Reflect.construct(target, args, newTarget) as EventSource;
      if (emitter.recording()) safely(() => track(es));
      return es;
    },
  });

  const proto = Native.prototype;
  // EventSource.prototype has no own addEventListener: defining one shadows EventTarget's for
  // EventSources only, so other event targets of the page are not slowed down.
  const inherited = proto.addEventListener;
  Object.defineProperty(proto, 'addEventListener', {
    configurable: true,
    enumerable: true,
    writable: true,
    value: mimic(function addEventListener(this: EventSource, ...args: unknown[]) {
      const t = sources.get(this);
      if (t && typeof args[0] === 'string') safely(() => listen(this, t, args[0] as string));
      return Reflect.apply(inherited, this, args);
    }, inherited),
  });
  const origClose = proto.close;
  replaceValue(proto, 'close', mimic(function close(this: EventSource, ...args: unknown[]) {
    const result = Reflect.apply(origClose, this, args);
    const t = sources.get(this);
    if (t) safely(() => end(t, 'client-abort', null));
    return result;
  }, origClose));
  replaceValue(proto, 'constructor', proxy);
  replaceValue(g, 'EventSource', proxy);
}
