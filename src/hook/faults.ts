/**
 * The hook's fault engine: holds the armed faults, watches every live stream's progress, and
 * fires a fault on a stream through that stream's `StreamControl`, which each transport
 * wrapper implements so that the app sees what a real network would do to that transport.
 * Offline windows are page-wide: `navigator.onLine`, `offline`/`online` events, live streams
 * dropped, and new connections failing while the window lasts.
 */
import { coin, triggerFires, type FaultSpec } from '../core/faults/spec';
import type { ConnectionKind } from '../core/trace/records';
import type { Emitter } from './emit';
import { apply, replaceGetter } from './define';
import { parseUrl, SafeMap, SafeSet } from '../core/builtins';
import { safely } from './safely';

const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;

/** What a fault can do to one stream; each transport wrapper implements it. */
export interface StreamControl {
  readonly kind: ConnectionKind;
  /** Fail the stream the way a network failure does in this browser. */
  drop(): void;
  /** Stop delivering (half-open); `release` later delivers what was held, or drops. */
  hold(): void;
  release(deliver: boolean): void;
  /** End cleanly before the protocol's own end, as when a server crashes. */
  truncate(): void;
  /** Delay, throttle or re-chunk deliveries from now on (transports that can). */
  shape(spec: FaultSpec): void;
  /** Why this stream cannot take a fault of this kind now (recorded instead of it), or null. */
  refuses?(kind: FaultSpec['kind']): string | null;
}

export interface StreamHandle {
  /** Call for every event delivered to the app; may fire faults synchronously. */
  onEvent(text: string | null): void;
  /** The stream ended: no more faults for it. */
  closed(): void;
}

/**
 * Where a registered stream goes, for faults aimed at a stream of many requests (a long-poll
 * chain), and whether it is a request still waiting for its response.
 */
export interface StreamPlace {
  url: string;
  /** A fetch with no response yet: only a drop aimed at it (or at its chain) acts on it. */
  waiting: boolean;
}

export interface FaultEngine {
  register(conn: string, control: StreamControl, place?: StreamPlace): StreamHandle;
  arm(spec: FaultSpec): void;
  disarm(id: string): void;
  /** Releases the streams a stall fault holds until released. */
  release(id: string, deliver: boolean): void;
  offline(): boolean;
}

interface LiveStream {
  conn: string;
  control: StreamControl;
  events: number;
  openedAt: number;
  fired: SafeSet<string>;
  held: SafeSet<string>;
  /** Origin and path of its URL (no query), or null when unknown. */
  path: string | null;
  waiting: boolean;
}

function pathOf(url: string): string | null {
  try {
    const u = parseUrl(url);
    return u.origin + u.pathname;
  } catch {
    return null;
  }
}

type G = Window & typeof globalThis;

export function createFaultEngine(g: G, emitter: Emitter): FaultEngine {
  const armed = new SafeMap<string, FaultSpec>();
  const streams = new SafeMap<string, LiveStream>();
  const max = Math.max;
  const setTimeoutFn = g.setTimeout;
  const dispatchEvent = g.EventTarget.prototype.dispatchEvent;
  const EventCtor = g.Event;
  let offlineUntil = 0;

  // navigator.onLine answers false during an injected offline window, the real value otherwise.
  const onLineDesc = getOwnPropertyDescriptor(g.Navigator.prototype, 'onLine');
  if (onLineDesc?.get) {
    const realOnLine = onLineDesc.get;
    replaceGetter(g.Navigator.prototype, 'onLine', (self) => {
      const real = apply(realOnLine, self, []) as boolean;
      return offlineUntil > 0 ? false : real;
    });
  }

  const later = (fn: () => void, ms: number) => apply(setTimeoutFn, g, [() => safely(fn, 'hook:faults'), ms]);

  const record = (conn: string, spec: FaultSpec, detail: string) =>
    emitter.emit(conn, { type: 'fault', faultId: spec.id, fault: spec.kind, detail });

  const goOffline = (spec: FaultSpec): void => {
    const ms = spec.offlineMs ?? 5000;
    const wasOnline = offlineUntil === 0;
    offlineUntil = emitter.now() + ms;
    record('page', spec, `offline for ${ms} ms`);
    if (wasOnline) apply(dispatchEvent, g, [new EventCtor('offline')]);
    const live = streams.values();
    // Requests still waiting for a response are left to the browser, as a real network change may.
    for (let i = 0; i < live.length; i++) if (!live[i]!.waiting) live[i]!.control.drop();
    later(() => {
      if (emitter.now() < offlineUntil - 1) return;
      offlineUntil = 0;
      apply(dispatchEvent, g, [new EventCtor('online')]);
    }, ms);
  };

  /**
   * A connection-scoped fault hits its connection; one that follows a path (a long-poll chain,
   * whose request of the moment changes every few hundred ms) hits whichever request to that
   * path is waiting for its answer: where a long-poll stream spends its time, and where a cut
   * connection hurts it as a network failure does.
   */
  const aimedAt = (scope: Extract<FaultSpec['scope'], { kind: 'connection' }>, s: LiveStream): boolean =>
    scope.followPath !== undefined ? s.waiting && s.path === scope.followPath : scope.connectionId === s.conn;

  const applies = (spec: FaultSpec, s: LiveStream): boolean => {
    if (s.fired.has(spec.id)) return false;
    if (spec.scope.kind === 'connection' && !aimedAt(spec.scope, s)) return false;
    // A tab-wide fault speaks of streams, and nothing but a drop can act on a request with no body yet.
    if (s.waiting && (spec.kind !== 'drop' || spec.scope.kind !== 'connection')) return false;
    return spec.probability >= 1 || coin(`${spec.id}/${s.conn}`) < spec.probability;
  };

  const fire = (spec: FaultSpec, s: LiveStream): void => {
    s.fired.add(spec.id);
    if (spec.once) armed.delete(spec.id);
    const refused = s.control.refuses?.(spec.kind) ?? null;
    if (refused !== null) return record(s.conn, spec, refused);
    switch (spec.kind) {
      case 'offline':
        goOffline(spec);
        return;
      case 'drop':
        record(s.conn, spec, `dropped after ${s.events} events`);
        s.control.drop();
        return;
      case 'truncate':
        record(s.conn, spec, `truncated after ${s.events} events`);
        s.control.truncate();
        return;
      case 'stall': {
        const ms = spec.stallMs ?? 0;
        record(s.conn, spec, ms > 0 ? `stalled for ${ms} ms, then ${spec.stallThen ?? 'deliver'}` : 'stalled until released');
        s.control.hold();
        s.held.add(spec.id);
        if (ms > 0) later(() => releaseStream(s, spec.id, (spec.stallThen ?? 'deliver') === 'deliver'), ms);
        return;
      }
      default:
        record(s.conn, spec, `${spec.kind} from event ${s.events}`);
        s.control.shape(spec);
    }
  };

  const releaseStream = (s: LiveStream, id: string, deliver: boolean): void => {
    if (!s.held.delete(id)) return;
    s.control.release(deliver);
  };

  const check = (s: LiveStream, text: string | null): void => {
    const specs = armed.values();
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      if (!applies(spec, s)) continue;
      if (triggerFires(spec.trigger, { events: s.events, openedAt: s.openedAt, now: emitter.now(), text })) fire(spec, s);
    }
  };

  const scheduleTimed = (spec: FaultSpec, s: LiveStream): void => {
    if (spec.trigger.kind !== 'after-ms') return;
    const wait = max(0, s.openedAt + spec.trigger.ms - emitter.now());
    later(() => {
      if (streams.get(s.conn) === s && armed.get(spec.id) === spec && applies(spec, s)) fire(spec, s);
    }, wait);
  };

  return {
    register(conn, control, place) {
      const s: LiveStream = { conn, control, events: 0, openedAt: emitter.now(), fired: new SafeSet(), held: new SafeSet(), path: place ? pathOf(place.url) : null, waiting: place?.waiting ?? false };
      streams.set(conn, s);
      const specs = armed.values();
      for (let i = 0; i < specs.length; i++) scheduleTimed(specs[i]!, s);
      // A fault armed "now" for every stream also hits streams that open while it is armed;
      // not a waiting request that got its response meanwhile (its body registers anew).
      later(() => {
        if (streams.get(conn) === s) check(s, null);
      }, 0);
      return {
        onEvent(text) {
          s.events += 1;
          // Counted always (a trigger armed later counts from the stream's start), checked only
          // when a fault is armed: none is while nothing records, and a dormant page's every
          // message comes through here.
          if (armed.size > 0) check(s, text);
        },
        closed() {
          if (streams.get(conn) === s) streams.delete(conn);
        },
      };
    },
    arm(spec) {
      armed.set(spec.id, spec);
      const live = streams.values();
      for (let i = 0; i < live.length; i++) {
        const s = live[i]!;
        scheduleTimed(spec, s);
        if (armed.has(spec.id) && applies(spec, s) && triggerFires(spec.trigger, { events: s.events, openedAt: s.openedAt, now: emitter.now(), text: null })) fire(spec, s);
      }
      if (spec.kind === 'offline' && spec.trigger.kind === 'now' && armed.has(spec.id)) {
        armed.delete(spec.id);
        goOffline(spec);
      }
    },
    disarm(id) {
      armed.delete(id);
    },
    release(id, deliver) {
      const live = streams.values();
      for (let i = 0; i < live.length; i++) releaseStream(live[i]!, id, deliver);
    },
    offline: () => offlineUntil > 0,
  };
}
