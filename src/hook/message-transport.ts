/**
 * What the WebSocket and EventSource wrappers share. Both transports hand the app messages as
 * events on its own (native) object, so both capture with listeners of ours registered before
 * the app's, and a fault changes what the app sees in the same few ways: a native message is
 * held (stall), delayed (latency, bandwidth) or hidden (after the fault cut the connection),
 * and the app gets copies we dispatch ourselves, which our own listeners then let through.
 *
 * Each transport supplies what differs: how a message's size is measured, and what a drop or a
 * truncation does (a WebSocket closes 1006 or 1000; an EventSource reconnects, emulated).
 */
import { apply, replaceGetter, bare, get, getterOf } from './define';
import { append, SafeWeakMap, SafeWeakSet } from '../core/builtins';
import { safely } from './safely';
import { internalErrors } from './internal-errors';
import type { StreamControl } from './faults';
import { shapingDelayMs, type FaultSpec } from '../core/faults/spec';
import type { Emitter } from './emit';
import { LATE_FRAMES_PER_CONNECTION } from './late-join';

type G = Window & typeof globalThis;

/** A native transport object the app holds: a WebSocket or an EventSource. */
type Target = WebSocket | EventSource;

export interface MessageTransport<T extends Target> {
  /** Dispatches an event of ours on the app's object: our listeners let it through. */
  fire(target: T, e: Event): void;
  /** Whether we dispatched `e` (a copy, a release, an emulated event) rather than the browser. */
  isOurs(e: Event): boolean;
  /** Adds a listener of ours; nothing it throws reaches the page. */
  on(target: T, type: string, fn: (e: Event) => void): void;
  /** The message listeners of one connection, which go quiet while dormant (see `Ears`). */
  ears(target: T, conn: string, emitter: Pick<Emitter, 'mode' | 'stoppedHearing'>): Ears;
  /** Stops a native event before the app's listeners see it (ours run first). */
  hide(e: Event): void;
  /** Runs `fn` after `ms`, safely, on the timer captured at install. */
  later(fn: () => void, ms: number): void;
  /** The readyState the app reads from now on, where a fault has run ahead of the native one. */
  setReadyState(target: T, state: number): void;
  /** Closes the real connection with the native close (not the app-visible wrapper, which records a client close). */
  closeNative(target: T): void;
  /** The interception state of one connection. */
  delivery(target: T, sizeOf: (e: MessageEvent) => number): Delivery;
}

/**
 * A connection's message listeners. While dormant they hear its first
 * LATE_FRAMES_PER_CONNECTION messages, then remove themselves (a listener costs the page a call
 * per message) and are added back when recording begins. Added back, they run after the
 * listeners the app added in the meantime (Chromium runs a WebSocket's or EventSource's
 * listeners in the order they were added, capture or not), so from then on a message can no
 * longer be held back from the app: `behind` says so, and faults that must (stall, latency,
 * bandwidth) are refused on such a connection (messageControl). Drops still work: they close
 * the native connection, and the lifecycle listeners, never removed, still run first.
 */
export interface Ears {
  /** Listens to `type`; nothing `fn` throws reaches the page. */
  hear(type: string, fn: (e: Event) => void): void;
  /** Whether the listeners went quiet and came back, behind the app's. */
  readonly behind: boolean;
}

/** How one connection's native messages reach the app while faults act on it. */
export interface Delivery {
  /**
   * Asked by our first listener for each message: true when the app must not see this native
   * event now (held, delayed for a copy later, or after the cut), false to let it pass.
   */
  intercept(e: MessageEvent): boolean;
  /** A native event after the cut: the app must not see it (lifecycle events included). */
  hidden(e: Event): boolean;
  /** Whether a fault cut the connection for the app. */
  readonly cut: boolean;
  /**
   * From now on the app sees no native event of this connection; held and delayed messages are
   * lost with it, as in-flight data is when a connection drops. Returns what was being held
   * (null when nothing was holding).
   */
  cutOff(): MessageEvent[] | null;
  hold(): void;
  /** Ends a hold: the held messages, in order (the hold is off either way). */
  takeHeld(): MessageEvent[];
  /** Hands the app a copy of a native message (unless the connection was cut since). */
  redeliver(e: MessageEvent): void;
  shape(spec: FaultSpec): void;
}

/** What a drop or truncation does to one connection, and who carries it on after a cut. */
export interface Ends {
  drop(): void;
  truncate(): void;
  /** After a cut, holds and releases go to what carries the connection on (the EventSource emulation). */
  successor?(): { hold(): void; release(deliver: boolean): void } | null;
}

/**
 * The fault control of a message transport: holds and shaping act on delivery; a release that
 * does not deliver drops. Messages can be delayed but not split, so rechunk does not apply.
 */
export function messageControl(kind: StreamControl['kind'], d: Delivery, ends: Ends, ears: Pick<Ears, 'behind'> | null = null): StreamControl {
  return {
    kind,
    refuses(fault) {
      if (fault !== 'stall' && fault !== 'latency' && fault !== 'bandwidth') return null;
      // The emulation that carries an EventSource on after a drop dispatches only our own events.
      if (!ears?.behind || ends.successor?.()) return null;
      return `not injected: this connection joined late after the inspector had stopped listening to it (while no panel was open), so the app's listeners now get each message before the inspector can hold it back — reload the page with the panel open to inject a ${fault} here`;
    },
    drop: () => ends.drop(),
    truncate: () => ends.truncate(),
    hold() {
      const next = ends.successor?.();
      if (next) next.hold();
      else d.hold();
    },
    release(deliver) {
      const next = ends.successor?.();
      if (next) return next.release(deliver);
      const held = d.takeHeld();
      if (!deliver) return ends.drop();
      for (let i = 0; i < held.length; i++) d.redeliver(held[i]!);
    },
    shape(spec) {
      if (spec.kind === 'latency' || spec.kind === 'bandwidth') d.shape(spec);
    },
  };
}

/**
 * Captures, at install and before the transport's prototype is wrapped, the natives the shared
 * skeleton uses, and takes over `readyState` for the connections a fault ended early.
 */
export function createMessageTransport<T extends Target>(g: G, Native: { prototype: T }, where: string): MessageTransport<T> {
  const addEventListener = g.EventTarget.prototype.addEventListener;
  const removeEventListener = g.EventTarget.prototype.removeEventListener;
  const dispatchEvent = g.EventTarget.prototype.dispatchEvent;
  const stopImmediatePropagation = g.Event.prototype.stopImmediatePropagation;
  const MessageEventCtor = g.MessageEvent;
  const setTimeoutFn = g.setTimeout;
  const closeNative = Native.prototype.close as Function;
  const ours = new SafeWeakSet<Event>();
  const readyStates = new SafeWeakMap<T, number>();
  const typeOf = getterOf(g.Event.prototype, 'type');
  const dataOf = getterOf(g.MessageEvent.prototype, 'data');
  const originOf = getterOf(g.MessageEvent.prototype, 'origin');
  const lastEventIdOf = getterOf(g.MessageEvent.prototype, 'lastEventId');
  const nativeReadyState = getterOf(Native.prototype, 'readyState');
  if (nativeReadyState) {
    replaceGetter(Native.prototype, 'readyState', (self) => readyStates.get(self as T) ?? apply(nativeReadyState, self, []));
  }

  const later = (fn: () => void, ms: number) => void apply(setTimeoutFn, g, [() => safely(fn, where), ms]);
  const fire = (target: T, e: Event) => {
    ours.add(e);
    apply(dispatchEvent, target, [e]);
  };
  // A prototype-less init: the browser reads every MessageEventInit member, and an ordinary
  // object would run getters a page put on Object.prototype.
  const copy = (e: MessageEvent) =>
    new MessageEventCtor(get(typeOf, e) as string, bare({ data: get(dataOf, e), origin: get(originOf, e) as string, lastEventId: get(lastEventIdOf, e) as string }));

  return {
    fire,
    isOurs: (e) => ours.has(e),
    on(target, type, fn) {
      // safely() inlined: this runs for every message, and a closure per message is garbage.
      const listener = (e: Event): void => {
        try {
          fn(e);
        } catch (err) {
          internalErrors.record(where, err);
        }
      };
      apply(addEventListener, target, [type, listener]);
    },
    ears(target, conn, emitter) {
      const types: string[] = [];
      const listeners: ((e: Event) => void)[] = [];
      let quiet = false;
      let behind = false;
      /** Messages heard while dormant since recording last ran (or since the connection opened). */
      let heard = 0;
      // A prototype-less options object (capture, so that removal matches in every engine):
      // the browser reads `once`, `passive` and `signal` too, and a page can put getters for
      // them on Object.prototype.
      const capture = bare({ capture: true });
      const add = (i: number) => apply(addEventListener, target, [types[i]!, listeners[i]!, capture]);
      const wake = () => {
        quiet = false;
        behind = true;
        heard = 0;
        for (let i = 0; i < types.length; i++) add(i);
      };
      const goQuiet = () => {
        quiet = true;
        for (let i = 0; i < types.length; i++) apply(removeEventListener, target, [types[i]!, listeners[i]!, capture]);
        emitter.stoppedHearing(conn, wake);
      };
      return {
        get behind() {
          return behind;
        },
        hear(type, fn) {
          const listener = (e: Event): void => {
            try {
              if (emitter.mode() !== 'dormant') heard = 0;
              else if ((heard += 1) > LATE_FRAMES_PER_CONNECTION) return goQuiet();
              fn(e);
            } catch (err) {
              internalErrors.record(where, err);
            }
          };
          append(types, type);
          append(listeners, listener);
          if (!quiet) add(types.length - 1);
        },
      };
    },
    hide(e) {
      apply(stopImmediatePropagation, e, []);
    },
    later,
    setReadyState(target, state) {
      readyStates.set(target, state);
    },
    closeNative(target) {
      safely(() => apply(closeNative, target, []), where);
    },
    delivery(target, sizeOf) {
      let withheld: MessageEvent[] | null = null;
      let shaping: FaultSpec | null = null;
      let cut = false;
      const redeliver = (e: MessageEvent) => {
        if (!cut) fire(target, copy(e));
      };
      return {
        get cut() {
          return cut;
        },
        hidden: (e) => cut && !ours.has(e),
        intercept(e) {
          // Nothing acting on the connection (always, while dormant): no lookup per message.
          if (!cut && !withheld && !shaping) return false;
          if (ours.has(e)) return false;
          if (cut) return true;
          if (withheld) {
            append(withheld, e);
            return true;
          }
          const s = shaping;
          if (!s) return false;
          later(() => redeliver(e), shapingDelayMs(s, sizeOf(e)));
          return true;
        },
        cutOff() {
          cut = true;
          const held = withheld;
          withheld = null;
          return held;
        },
        hold() {
          withheld ??= [];
        },
        takeHeld() {
          const held = withheld ?? [];
          withheld = null;
          return held;
        },
        redeliver,
        shape(spec) {
          shaping = spec;
        },
      };
    },
  };
}
