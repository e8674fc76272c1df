/**
 * Replacing page globals without changing what the page can observe about them: same
 * property attributes, same `name` and `length` on wrapped functions, and, like the native
 * functions they replace, wrappers that have no `prototype` and cannot be called with `new`.
 *
 * The intrinsics used here are captured when the hook installs (document_start, before any
 * page script), so a page that later replaces `Object.defineProperty` or `Reflect.apply`
 * neither breaks our wrappers nor sees them call its replacements.
 */

import { hideOurFrames } from './stack';

export const apply = Reflect.apply;
export const construct = Reflect.construct;
const defineProperty = Object.defineProperty;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const weakMapGet = WeakMap.prototype.get;
const weakMapSet = WeakMap.prototype.set;

/**
 * Each wrapper (method, getter, Proxy) → the native function it stands in for, so that
 * `Function.prototype.toString` can answer with the native's source text (see maskToString).
 */
const standsFor = new WeakMap<object, Function>();

export function standIn(wrapper: object, original: Function): void {
  // A wrapper of a wrapper (another frame's hook) still answers with the first native.
  apply(weakMapSet, standsFor, [wrapper, nativeOf(original)]);
}

/** The native function `f` stands in for, or `f` itself. */
export function nativeOf(f: unknown): unknown {
  return (typeof f === 'function' && (apply(weakMapGet, standsFor, [f]) as Function | undefined)) || f;
}

/**
 * `Function.prototype.toString` answering for our wrappers as for the natives they replace:
 * `function fetch() { [native code] }`, not our source, and not the nameless
 * `function () { [native code] }` a Proxy of a constructor prints. Installed before any other
 * wrapper, so that it answers for itself too.
 */
export function maskToString(g: typeof globalThis): void {
  const proto = g.Function.prototype;
  const nativeToString = proto.toString;
  replaceValue(proto, 'toString', method(nativeToString, (self, args) => apply(nativeToString, nativeOf(self), args)));
}

export function replaceValue(target: object, key: PropertyKey, value: unknown): void {
  const desc = getOwnPropertyDescriptor(target, key);
  if (!desc || !('value' in desc)) return;
  defineProperty(target, key, { ...desc, value });
}

/** The native getter of `key` on `proto`, captured so that a page replacing it later is not called. */
export function getterOf(proto: object, key: PropertyKey): Function | undefined {
  return getOwnPropertyDescriptor(proto, key)?.get;
}

/** Reads a property through a captured getter (undefined when the engine has none). */
export function get(getter: Function | undefined, self: unknown): unknown {
  return getter ? apply(getter, self, []) : undefined;
}

/** `get` receives the object the getter was read on as an argument (not as `this`). */
export function replaceGetter(target: object, key: PropertyKey, get: (self: unknown) => unknown): void {
  const desc = getOwnPropertyDescriptor(target, key);
  if (!desc?.get) return;
  defineProperty(target, key, { ...desc, get: method(desc.get, (self) => get(self)) as () => unknown });
}

/**
 * A wrapper for a native method or getter. A `function` expression would have an own
 * `prototype` (visible in `Object.getOwnPropertyNames`, `'prototype' in fn`) and would be
 * constructible; a method-shorthand function, like a native one, has neither.
 */
export function method(original: Function, impl: (self: unknown, args: unknown[]) => unknown): Function {
  const wrapper = {
    method(this: unknown, ...args: unknown[]): unknown {
      try {
        return impl(this, args);
      } catch (err) {
        hideOurFrames(err);
        throw err;
      }
    },
  }.method;
  return mimic(wrapper, original);
}

/** Gives `wrapper` the name, length and source text of `original`. */
export function mimic<F extends Function>(wrapper: F, original: Function): F {
  defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  standIn(wrapper, original);
  return wrapper;
}

/**
 * The value of an own data property, without running getters or proxy `get` traps a page may
 * have put on its objects (or on `Object.prototype`): the native code reads each member of an
 * init dictionary exactly once, and a second read by us would be observable.
 */
export function ownData(obj: object, key: PropertyKey): unknown {
  const desc = getOwnPropertyDescriptor(obj, key);
  return desc && 'value' in desc ? desc.value : undefined;
}

const setPrototypeOf = Object.setPrototypeOf;

/**
 * Makes an options object we pass to a platform API (ReadableStream source, TextDecoder
 * options…) prototype-less: the platform reads every dictionary member, own or inherited, so
 * an ordinary object would run getters a page put on `Object.prototype`, a read the page can see.
 */
export function bare<T extends object>(obj: T): T {
  setPrototypeOf(obj, null);
  return obj;
}
