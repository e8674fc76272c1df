/**
 * The objects a replayed WebSocket or EventSource gives the app, built without a network
 * connection.
 *
 * The choice: a native WebSocket/EventSource cannot exist without connecting (Chromium throws
 * on a blocked port, any other URL is a real connection attempt the server or the network
 * panel sees), so the object is a genuine `EventTarget` created with the app's class as
 * `new.target` — `Reflect.construct(EventTarget, [], newTarget)`. That gives it the class's
 * prototype (`instanceof`, `constructor`, `Object.prototype.toString` → `[object WebSocket]`,
 * a subclass's own methods) and the real event machinery: `addEventListener`, `dispatchEvent`,
 * listener order, exceptions in listeners reported as the browser reports them. What a native
 * object keeps in internal slots — `url`, `protocol`, `binaryType`, the `on…` handlers — is
 * answered by the prototype's accessors, which this module replaces with wrappers that serve a
 * replayed object from its own state and pass every other object to the native accessor
 * (same name, length and source text: define.ts). `readyState` is message-transport.ts's.
 *
 * Limits (the app could tell): the replayed events are not `isTrusted`, and calling a native
 * accessor captured before the hook ran (impossible: the hook runs at document_start) would throw.
 *
 * Runs in the page: captured built-ins only (core/builtins.ts).
 */
import { apply, construct, get, method } from './define';
import { hasOwn, SafeMap, SafeWeakMap, slice } from '../core/builtins';

type G = Window & typeof globalThis;

const defineProperty = Object.defineProperty;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const create = Object.create;

interface Handler {
  fn: unknown;
  listener: (e: Event) => void;
}

/** A replayed object's own state behind the prototype's accessors. */
export interface Face {
  /** Values the read-only accessors answer (`url`, `protocol`…), by name. */
  readonly values: Record<string, unknown>;
  readonly handlers: SafeMap<string, Handler>;
}

export interface Faces<T extends object> {
  /** A new replayed object of the app's class (`newTarget`), answering `values`. */
  make(newTarget: Function, values: Record<string, unknown>): T;
  /** The replayed object's state, or undefined for a native one. */
  of(x: unknown): Face | undefined;
}

export interface FaceSpec {
  /** Read-only accessors answered from `values`. */
  readonly: string[];
  /** Writable accessors: `accept` converts an assigned value, or returns undefined to ignore it (an enum's invalid value). */
  writable: Array<{ key: string; accept(v: unknown): unknown }>;
  /** Event handler attributes (`onmessage` → type `message`). */
  handlers: string[];
}

export function installFaces<T extends object>(g: G, proto: object, spec: FaceSpec): Faces<T> {
  const EventTargetCtor = g.EventTarget;
  const addEventListener = g.EventTarget.prototype.addEventListener;
  const removeEventListener = g.EventTarget.prototype.removeEventListener;
  const faces = new SafeWeakMap<object, Face>();
  const of = (x: unknown): Face | undefined => (typeof x === 'object' && x !== null ? faces.get(x) : undefined);

  const replace = (key: string, getFn: ((self: unknown, native: Function) => unknown) | null, setFn: ((self: unknown, v: unknown, native: Function) => void) | null) => {
    const desc = getOwnPropertyDescriptor(proto, key);
    if (!desc?.get) return;
    const nativeGet = desc.get;
    const nativeSet = desc.set;
    const next: PropertyDescriptor = { get: desc.get, set: desc.set, enumerable: desc.enumerable, configurable: desc.configurable };
    if (getFn) next.get = method(nativeGet, (self) => getFn(self, nativeGet)) as () => unknown;
    if (setFn && nativeSet) next.set = method(nativeSet, (self, args) => setFn(self, args[0], nativeSet)) as (v: unknown) => void;
    defineProperty(proto, key, next);
  };

  for (let i = 0; i < spec.readonly.length; i++) {
    const key = spec.readonly[i]!;
    replace(key, (self, native) => {
      const f = of(self);
      return f ? f.values[key] : get(native, self);
    }, null);
  }
  for (let i = 0; i < spec.writable.length; i++) {
    const { key, accept } = spec.writable[i]!;
    replace(key, (self, native) => {
      const f = of(self);
      return f ? f.values[key] : get(native, self);
    }, (self, v, native) => {
      const f = of(self);
      if (!f) return void apply(native, self, [v]);
      const value = accept(v);
      if (value !== undefined) f.values[key] = value;
    });
  }
  for (let i = 0; i < spec.handlers.length; i++) {
    const key = spec.handlers[i]!;
    const type = slice(key, 2);
    replace(key, (self, native) => {
      const f = of(self);
      if (!f) return get(native, self);
      return f.handlers.get(type)?.fn ?? null;
    }, (self, v, native) => {
      const f = of(self);
      if (!f) return void apply(native, self, [v]);
      // An event handler attribute (HTML §8.1.8.1): any object is kept, anything else clears it;
      // its listener is added where it was first set and removed when cleared.
      const h = f.handlers.get(type);
      if (typeof v === 'function' || (typeof v === 'object' && v !== null)) {
        if (h) h.fn = v;
        else {
          const entry: Handler = { fn: v, listener: (e) => {
            const fn = entry.fn;
            if (typeof fn === 'function') apply(fn, self, [e]);
          } };
          f.handlers.set(type, entry);
          apply(addEventListener, self, [type, entry.listener]);
        }
      } else if (h) {
        f.handlers.delete(type);
        apply(removeEventListener, self, [type, h.listener]);
      }
    });
  }
  return {
    make(newTarget, values) {
      const obj = construct(EventTargetCtor, [], newTarget) as T;
      const own = create(null) as Record<string, unknown>;
      // Own members only: a page's enumerable Object.prototype additions are not ours.
      for (const k in values) if (hasOwn(values, k)) own[k] = values[k];
      faces.set(obj, { values: own, handlers: new SafeMap() });
      return obj;
    },
    of,
  };
}
