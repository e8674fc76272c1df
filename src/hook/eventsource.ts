/**
 * EventSource capture. As for WebSocket, `window.EventSource` becomes a Proxy of the native
 * constructor and each EventSource is the native object. The browser parses the stream and
 * dispatches one event per message type, so we listen to `message` and to every named type
 * the app itself listens to (a type nobody listens to is invisible to the app as well).
 *
 * An EventSource armed for replay has no native object (replay-faces.ts): it is the emulation
 * of eventsource-takeover.ts from its first request, whose responses are the recording's
 * (`sseResponseOf`, served by replay.ts), so parsing, `readyState`, `lastEventId` and the
 * reconnection after a recorded end are the same code that carries a live one on after a drop.
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
import type { Replays, SocketReplay } from './replay';
import { installFaces } from './replay-faces';
import { baseUrlOf } from './base-url';
import { parseUrl, resolvedWith, startsWith } from '../core/builtins';
import { sseResponseOf, type EsRecording } from '../core/replay/socket-recording';
import { servedDetail } from '../core/replay/served';

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


export function installEventSource(g: G, emitter: Emitter, faults: FaultEngine | null = null, nativeFetch: typeof fetch = g.fetch, replays: Replays | null = null): void {
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
  const faces = installFaces<EventSource>(g, Native.prototype, { readonly: ['url', 'withCredentials'], writable: [], handlers: ['onopen', 'onmessage', 'onerror'] });
  const baseUrl = baseUrlOf(g);
  const BooleanFn = g.Boolean;
  const StringFn = g.String;
  /** Replayed EventSources and their recordings, until `track` hands each to its emulation. */
  const armedFor = new SafeWeakMap<EventSource, SocketReplay<EsRecording>>();
  /** The emulations of replayed EventSources made while nothing recorded (no Tracked holds them). */
  const untracked = new SafeWeakMap<EventSource, Takeover>();

  /**
   * The app's `new EventSource(url)` answered with a replayed object when the URL matches an
   * armed recording; a URL the native constructor refuses is left to it (the app gets its error).
   */
  const replayed = (args: unknown[], newTarget: Function): EventSource | null => {
    if (!replays?.socketsArmed() || args.length === 0) return null;
    let href: string;
    try {
      href = parseUrl(StringFn(args[0]), baseUrl()).href;
    } catch {
      return null;
    }
    if (!startsWith(href, 'http:') && !startsWith(href, 'https:')) return null;
    const taken = replays.takeSocket('eventsource', href);
    if (!taken) return null;
    const init = args[1];
    const withCredentials = typeof init === 'object' && init !== null ? BooleanFn((init as { withCredentials?: unknown }).withCredentials) : false;
    const es = faces.make(newTarget, { url: href, withCredentials });
    transport.setReadyState(es, CONNECTING);
    armedFor.set(es, taken);
    return es;
  };

  /** What the emulation fetches with: the recorded responses in turn, then the network, as the browser would reconnect. */
  const replayFetch = (r: SocketReplay<EsRecording>): typeof fetch => {
    let served = 0;
    return ((url: string, init: RequestInit) => {
      const responses = r.recording.responses;
      if (served >= responses.length) return apply(nativeFetch, g, [url, init]) as Promise<Response>;
      const response = responses[served]!;
      served += 1;
      return resolvedWith(replays!.respond({ recording: sseResponseOf(r.recording, response), scale: r.scale }, init.signal ?? null));
    }) as typeof fetch;
  };

  /** A replayed EventSource: its emulation starts at once, its first open is the capture's response. */
  const startReplay = (es: EventSource, t: Tracked, r: SocketReplay<EsRecording>): void => {
    t.delivery.cutOff();
    t.takeover = startTakeover({
      g, es, url: es.url, withCredentials: es.withCredentials, nativeFetch: replayFetch(r),
      lastEventId: '', retryMs: reconnectMs, immediate: true,
      setReadyState: (state) => transport.setReadyState(es, state),
      fire: (e) => transport.fire(es, e),
      onState: (state, lastEventId) => {
        if (state === 'open' && !t.opened) {
          t.opened = true;
          emitter.emit(t.connection.conn, { type: 'response', status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], streaming: true });
        } else emitter.emit(t.connection.conn, { type: 'state', state, readyState: state === 'open' ? 1 : 0, lastEventId });
      },
      onFail: (error) => t.connection.end('network-error', error),
    });
  };

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
      requestBodySize: null, requestBodyPreview: null,
      detail: armedFor.has(es) ? (es.withCredentials ? `${servedDetail(armedFor.get(es)!.recording)}; withCredentials` : servedDetail(armedFor.get(es)!.recording)) : es.withCredentials ? 'withCredentials' : null,
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
    const replay = armedFor.get(es);
    if (replay) {
      armedFor.delete(es);
      startReplay(es, t, replay);
    } else if (faults?.offline()) takeOver(es, t);
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
    const t = sources.get(self as EventSource);
    // A replayed EventSource has no native object: its emulation is all there is to close.
    const fake = faces.of(self) !== undefined;
    if (fake && !t) safely(() => untracked.get(self as EventSource)?.close(), WHERE);
    const result = fake ? undefined : apply(origClose, self, args);
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
    else if (armedFor.has(es)) {
      // Not recording (a replay armed, then recording stopped): the replay still plays, uncaptured.
      const r = armedFor.get(es)!;
      armedFor.delete(es);
      untracked.set(es, startTakeover({
        g, es, url: es.url, withCredentials: es.withCredentials, nativeFetch: replayFetch(r), lastEventId: '', retryMs: reconnectMs, immediate: true,
        setReadyState: (state) => transport.setReadyState(es, state), fire: (e) => transport.fire(es, e), onState: () => undefined, onFail: () => undefined,
      }));
    }
  }, WHERE, replayed);
}
