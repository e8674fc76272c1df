/**
 * EventSource capture. As for WebSocket, `window.EventSource` becomes a Proxy of the native
 * constructor and each EventSource is the native object. The browser parses the stream and
 * dispatches one event per message type, so we listen to `message` and to every named type
 * the app itself listens to (a type nobody listens to is invisible to the app as well).
 */
import type { Emitter } from './emit';
import { apply, construct, method, replaceGetter, replaceValue } from './define';
import { safely } from './safely';
import { utf8Length } from './encode';
import type { FaultEngine, StreamControl, StreamHandle } from './faults';
import { shapingDelayMs, type FaultSpec } from '../core/faults/spec';
import { startTakeover, type Takeover } from './eventsource-takeover';
import { engineTraits } from './engine';

type G = Window & typeof globalThis;

interface Tracked {
  conn: string;
  types: Set<string>;
  opened: boolean;
  ended: boolean;
  /** The id of the last message seen: what the browser sends as Last-Event-ID on reconnect. */
  lastEventId: string | null;
  handle: StreamHandle | null;
  /** Native events withheld from the app (stall), or delayed (latency, bandwidth). */
  withheld: MessageEvent[] | null;
  shaping: FaultSpec | null;
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
  const sources = new WeakMap<EventSource, Tracked>();
  const dispatchEvent = g.EventTarget.prototype.dispatchEvent;
  const stopImmediatePropagation = g.Event.prototype.stopImmediatePropagation;
  const setTimeoutFn = g.setTimeout;
  const MessageEventCtor = g.MessageEvent;
  const later = (fn: () => void, ms: number) => apply(setTimeoutFn, g, [() => safely(fn), ms]);
  const origCloseNative = Native.prototype.close;
  /** Events we dispatch (released, delayed, or from the emulation): our listeners let them by. */
  const ours = new WeakSet<Event>();
  const readyStates = new WeakMap<EventSource, number>();
  const nativeReadyState = Object.getOwnPropertyDescriptor(Native.prototype, 'readyState')?.get;
  if (nativeReadyState) {
    replaceGetter(Native.prototype, 'readyState', (self) => readyStates.get(self as EventSource) ?? apply(nativeReadyState, self, []));
  }
  const fire = (es: EventSource, e: Event) => {
    ours.add(e);
    apply(dispatchEvent, es, [e]);
  };
  const copy = (e: MessageEvent) => new MessageEventCtor(e.type, { data: e.data, lastEventId: e.lastEventId, origin: e.origin });

  /** Holds or delays a native message before the app sees it; true when it was taken. */
  const intercept = (es: EventSource, t: Tracked, e: MessageEvent): boolean => {
    if (ours.has(e)) return false;
    if (t.takeover) return true;
    if (t.withheld) {
      t.withheld[t.withheld.length] = e;
      return true;
    }
    const s = t.shaping;
    if (!s) return false;
    const wait = shapingDelayMs(s, utf8Length(String(e.data)));
    const c = copy(e);
    later(() => fire(es, c), wait);
    return true;
  };

  const takeOver = (es: EventSource, t: Tracked): void => {
    if (t.takeover || t.ended) return;
    const held = t.withheld;
    t.withheld = null;
    safely(() => apply(origCloseNative, es, []));
    t.takeover = startTakeover({
      g, es, url: es.url, withCredentials: es.withCredentials, nativeFetch,
      lastEventId: t.lastEventId ?? '',
      retryMs: reconnectMs,
      setReadyState: (state) => readyStates.set(es, state),
      fire: (e) => fire(es, e),
      onState: (state, lastEventId) => emitter.emit(t.conn, { type: 'state', state, readyState: state === 'open' ? 1 : 0, lastEventId }),
      onFail: (error) => end(t, 'network-error', error),
    });
    if (held?.length) t.takeover.hold();
  };

  const controlOf = (es: EventSource, t: Tracked): StreamControl => ({
    kind: 'eventsource',
    drop: () => (t.takeover ? t.takeover.drop() : takeOver(es, t)),
    // A server that ends an SSE response cleanly makes the browser reconnect too.
    truncate: () => (t.takeover ? t.takeover.drop() : takeOver(es, t)),
    hold() {
      if (t.takeover) t.takeover.hold();
      else t.withheld ??= [];
    },
    release(deliver) {
      if (t.takeover) return t.takeover.release(deliver);
      const held = t.withheld ?? [];
      t.withheld = null;
      if (!deliver) return takeOver(es, t);
      for (const e of held) fire(es, copy(e));
    },
    shape(spec) {
      if (spec.kind === 'latency' || spec.kind === 'bandwidth') t.shaping = spec;
    },
  });

  const listen = (es: EventSource, t: Tracked, type: string): void => {
    // `open` and `error` are lifecycle events, not messages: they are tracked in `track`.
    if (type === 'open' || type === 'error' || t.types.has(type)) return;
    t.types.add(type);
    apply(addEventListener, es, [
      type,
      (e: Event) =>
        safely(() => {
          if (intercept(es, t, e as MessageEvent)) return apply(stopImmediatePropagation, e, []);
          const me = e as MessageEvent;
          const data = typeof me.data === 'string' ? me.data : String(me.data);
          t.lastEventId = me.lastEventId || null;
          emitter.emit(t.conn, { type: 'data', dir: 'in', text: data, base64: null, size: utf8Length(data), event: type, id: me.lastEventId || null });
          t.handle?.onEvent(data);
        }),
    ]);
  };

  const end = (t: Tracked, cause: 'client-abort' | 'network-error', error: string | null): void => {
    if (t.ended) return;
    t.ended = true;
    t.handle?.closed();
    emitter.emit(t.conn, { type: 'end', cause, error, code: null, reason: null });
  };

  const track = (es: EventSource): void => {
    const t: Tracked = { conn: emitter.newConnId(), types: new Set(), opened: false, ended: false, lastEventId: null, handle: null, withheld: null, shaping: null, takeover: null };
    sources.set(es, t);
    emitter.emit(t.conn, {
      type: 'open', kind: 'eventsource', url: es.url, method: 'GET', requestHeaders: [['accept', 'text/event-stream']],
      requestBodySize: null, requestBodyPreview: null, detail: es.withCredentials ? 'withCredentials' : null,
    });
    const on = (type: string, fn: (e: Event) => void) =>
      apply(addEventListener, es, [type, (e: Event) => safely(() => fn(e))]);
    if (faults) t.handle = faults.register(t.conn, controlOf(es, t));
    // During an injected offline window a new EventSource cannot connect: it goes straight to
    // the emulation, which keeps retrying until the window ends.
    if (faults?.offline()) takeOver(es, t);
    on('open', (e) => {
      if (t.takeover && !ours.has(e)) return apply(stopImmediatePropagation, e, []);
      if (t.takeover) return;
      if (!t.opened) {
        t.opened = true;
        emitter.emit(t.conn, { type: 'response', status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], streaming: true });
      } else {
        emitter.emit(t.conn, { type: 'state', state: 'open', readyState: es.readyState, lastEventId: null });
      }
    });
    on('error', (e) => {
      if (t.takeover) {
        if (!ours.has(e)) apply(stopImmediatePropagation, e, []);
        return;
      }
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
      const es = construct(target, args, newTarget) as EventSource;
      if (emitter.recording()) safely(() => track(es));
      return es;
    },
  });

  const proto = Native.prototype;
  // Named events are seen by noticing which types the app listens to. EventSource.prototype has
  // no own addEventListener, and giving it one would be visible (`Object.getOwnPropertyNames`,
  // `es.addEventListener === EventTarget.prototype.addEventListener`): the inherited one is
  // wrapped instead. For any other target the wrapper costs one WeakMap lookup.
  const targetProto = g.EventTarget.prototype;
  replaceValue(targetProto, 'addEventListener', method(addEventListener, (self, args) => {
    const t = sources.get(self as EventSource);
    if (t && typeof args[0] === 'string') safely(() => listen(self as EventSource, t, args[0] as string));
    return apply(addEventListener, self, args);
  }));
  const origClose = proto.close;
  replaceValue(proto, 'close', method(origClose, (self, args) => {
    const result = apply(origClose, self, args);
    const t = sources.get(self as EventSource);
    if (t) safely(() => {
      t.takeover?.close();
      end(t, 'client-abort', null);
    });
    return result;
  }));
  replaceValue(proto, 'constructor', proxy);
  replaceValue(g, 'EventSource', proxy);
}
