/**
 * Built-ins captured when this module is first evaluated, for code that runs inside the page.
 *
 * The page hook evaluates this module at document_start, before any page script: from then on a
 * page may replace `Array.prototype.find`, `String.prototype.toLowerCase`, `WeakMap.prototype.get`,
 * `Promise[Symbol.species]`, an `Array.prototype[0]` setter or a typed array's `length` getter,
 * to break us or to spy on us. Every core function the hook calls, and the hook itself, reaches
 * built-ins only through this module, so such a page sees no call of ours and cannot break one.
 * (The transparency suite's `hostile-builtins` scenario spies on all of them.)
 *
 * The rules this implies for code that runs in the page:
 * - no array methods, spread of arrays, array destructuring or for-of over arrays (they read
 *   the page's `Array.prototype[Symbol.iterator]`): index loops;
 * - no `a[a.length] = x` or `push` on arrays (a setter on `Array.prototype[n]` would receive x):
 *   `append`, array literals, or an `ownList` (no prototype) filled with `appendOwn`;
 * - no string methods: the functions below;
 * - no `new Map()` / `Set` / `WeakMap` from the global scope at run time (the page can replace
 *   the globals): the classes below;
 * - typed arrays, ArrayBuffers and Blobs measured through the getters below.
 *
 * Elsewhere (background, panel, CLI) these are ordinary built-ins, merely called indirectly.
 */

const apply = Reflect.apply;
const defineProperty = Object.defineProperty;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const getPrototypeOf = Object.getPrototypeOf;
export const isArray = Array.isArray;
export const hasOwn = Object.hasOwn ?? ((o: object, k: PropertyKey) => apply(Object.prototype.hasOwnProperty, o, [k]) as boolean);

function getter(proto: object, key: PropertyKey): (self: unknown) => unknown {
  const get = getOwnPropertyDescriptor(proto, key)?.get;
  return (self) => (get ? apply(get, self, []) : undefined);
}

// ---------------------------------------------------------------- arrays

/** Appends `value` as an own property: no setter on `Array.prototype` or `Object.prototype` runs. */
export function append<T>(list: T[], value: T): void {
  defineProperty(list, list.length, { value, writable: true, enumerable: true, configurable: true });
}

const setPrototypeOf = Object.setPrototypeOf;

/**
 * An array with no prototype, for a list filled once per captured message: with nothing above
 * it, an index store meets no setter a page put on `Array.prototype` or `Object.prototype`, so
 * `appendOwn` is a plain store (`append`'s defineProperty costs about 15 times as much). It has
 * no methods; it is still an Array, so a structured clone carries it as one.
 */
export type OwnList<T> = { length: number; [index: number]: T };
export function ownList<T>(): OwnList<T> {
  return setPrototypeOf([], null) as OwnList<T>;
}
export function appendOwn<T>(list: OwnList<T>, value: T): void {
  list[list.length] = value;
}

// ---------------------------------------------------------------- numbers

export const imul = Math.imul;
export const floor = Math.floor;
export const max = Math.max;
export const min = Math.min;

// ---------------------------------------------------------------- strings

const S = String.prototype;
const sIndexOf = S.indexOf;
const sSlice = S.slice;
const sLower = S.toLowerCase;
const sUpper = S.toUpperCase;
const sTrim = S.trim;
const sCharCodeAt = S.charCodeAt;
export const fromCharCode = String.fromCharCode;

export const indexOf = (s: string, search: string, from = 0): number => apply(sIndexOf, s, [search, from]) as number;
export const includes = (s: string, search: string): boolean => indexOf(s, search) >= 0;
export const slice = (s: string, start: number, end?: number): string => apply(sSlice, s, end === undefined ? [start] : [start, end]) as string;
export const lower = (s: string): string => apply(sLower, s, []) as string;
export const upper = (s: string): string => apply(sUpper, s, []) as string;
export const trim = (s: string): string => apply(sTrim, s, []) as string;
export const charCodeAt = (s: string, i: number): number => apply(sCharCodeAt, s, [i]) as number;
export const startsWith = (s: string, prefix: string): boolean => slice(s, 0, prefix.length) === prefix;
export const endsWith = (s: string, suffix: string): boolean => s.length >= suffix.length && slice(s, s.length - suffix.length) === suffix;

/** The text before the first `sep` (all of `s` when there is none): `s.split(sep)[0]` without split's `Symbol.split` lookup. */
export function before(s: string, sep: string): string {
  const i = indexOf(s, sep);
  return i < 0 ? s : slice(s, 0, i);
}

/** `s.split(sep)` without the `Symbol.split` lookup on the page's `String.prototype`. */
export function splitOn(s: string, sep: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const i = sep === '' ? -1 : indexOf(s, sep, start);
    if (i < 0) {
      append(out, slice(s, start));
      return out;
    }
    append(out, slice(s, start, i));
    start = i + sep.length;
  }
}

/** Whether `list` contains `value` (`===`). */
export function contains<T>(list: readonly T[], value: T): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === value) return true;
  return false;
}

// ---------------------------------------------------------------- regular expressions

const reExec = RegExp.prototype.exec;
/** `re.test(s)` through the captured `exec`: `test` would look `exec` up on the page's prototype. */
export const matches = (re: RegExp, s: string): boolean => apply(reExec, re, [s]) !== null;
const RegExpCtor = RegExp;
/** A regular expression built by the captured constructor, or null when `source` is not a valid one. */
export function regExpOf(source: string): RegExp | null {
  try {
    return new RegExpCtor(source);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- URLs

const URLCtor = typeof URL === 'function' ? URL : undefined;
const urlHref = URLCtor ? getter(URLCtor.prototype, 'href') : () => undefined;
const urlOrigin = URLCtor ? getter(URLCtor.prototype, 'origin') : () => undefined;
const urlPathname = URLCtor ? getter(URLCtor.prototype, 'pathname') : () => undefined;

/** The parts of a URL we use, through the captured constructor and getters; throws as `new URL` does. */
export function parseUrl(url: string, base?: string): { href: string; origin: string; pathname: string } {
  if (!URLCtor) throw new TypeError('URL is not available');
  const u = base === undefined ? new URLCtor(url) : new URLCtor(url, base);
  return { href: urlHref(u) as string, origin: urlOrigin(u) as string, pathname: urlPathname(u) as string };
}

// ---------------------------------------------------------------- promises

const PromiseCtor = Promise;
const promiseThen = Promise.prototype.then;
const promiseResolve = Promise.resolve;
/** What `then` takes as a sealed promise's constructor: its `Symbol.species` is the captured Promise. */
const speciesHolder = { __proto__: null, [Symbol.species]: PromiseCtor };

/**
 * Makes one of *our* promises (never one the page holds: the marks are own properties) safe to
 * chain on, to return from a callback and to hand to the platform. `then` looks up
 * `constructor[Symbol.species]`, and resolving with a promise looks up its `then`: on a plain
 * promise both go to `Promise.prototype` and `Promise`, which the page can replace or spy on.
 * A sealed promise answers both from its own properties, with the captured built-ins.
 */
export function seal<T>(p: Promise<T>): Promise<T> {
  defineProperty(p, 'constructor', { value: speciesHolder, writable: true, configurable: true });
  defineProperty(p, 'then', { value: promiseThen, writable: true, configurable: true });
  return p;
}

/** `p.then(ok, err)` on our promise `p`, through the captured `then`; the result is sealed too. */
export function settle<T>(p: Promise<T>, ok?: ((v: T) => unknown) | undefined, err?: (e: unknown) => unknown): Promise<unknown> {
  return seal(apply(promiseThen, seal(p), [ok, err]) as Promise<unknown>);
}

/**
 * `p.then(ok, err)` on our promise `p` where the result goes to the page (a body method's
 * promise): only `p` is sealed, the page's promise carries no marks of ours.
 */
export function chain<T>(p: Promise<T>, ok?: ((v: T) => unknown) | undefined, err?: (e: unknown) => unknown): Promise<unknown> {
  return apply(promiseThen, seal(p), [ok, err]) as Promise<unknown>;
}

/** A new sealed promise, and its resolve. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = seal(new PromiseCtor<T>((r) => (resolve = r)));
  return { promise, resolve };
}

/** A sealed promise already resolved with `v` (not a promise). */
export const resolvedWith = <T>(v: T): Promise<T> => seal(apply(promiseResolve, PromiseCtor, [v]) as Promise<T>);

// ---------------------------------------------------------------- collections

const MapCtor = Map;
const mapGet = Map.prototype.get;
const mapSet = Map.prototype.set;
const mapHas = Map.prototype.has;
const mapDelete = Map.prototype.delete;
const mapForEach = Map.prototype.forEach;
const mapSize = getter(Map.prototype, 'size');
const SetCtor = Set;
const setAdd = Set.prototype.add;
const setHas = Set.prototype.has;
const setDelete = Set.prototype.delete;
const setForEach = Set.prototype.forEach;
const setSize = getter(Set.prototype, 'size');
const WeakMapCtor = WeakMap;
const wmGet = WeakMap.prototype.get;
const wmSet = WeakMap.prototype.set;
const wmHas = WeakMap.prototype.has;
const wmDelete = WeakMap.prototype.delete;
const WeakSetCtor = WeakSet;
const wsAdd = WeakSet.prototype.add;
const wsHas = WeakSet.prototype.has;
const wsDelete = WeakSet.prototype.delete;

/** A Map whose methods are the captured ones. Iterate with `forEach`. */
export class SafeMap<K, V> {
  readonly #m = new MapCtor<K, V>();
  get(k: K): V | undefined {
    return apply(mapGet, this.#m, [k]) as V | undefined;
  }
  set(k: K, v: V): this {
    apply(mapSet, this.#m, [k, v]);
    return this;
  }
  has(k: K): boolean {
    return apply(mapHas, this.#m, [k]) as boolean;
  }
  delete(k: K): boolean {
    return apply(mapDelete, this.#m, [k]) as boolean;
  }
  get size(): number {
    return mapSize(this.#m) as number;
  }
  forEach(fn: (v: V, k: K) => void): void {
    apply(mapForEach, this.#m, [(v: V, k: K) => fn(v, k)]);
  }
  /** The values, in insertion order (a copy: the callback may change the map). */
  values(): V[] {
    const out: V[] = [];
    this.forEach((v) => append(out, v));
    return out;
  }
}

export class SafeSet<T> {
  readonly #s = new SetCtor<T>();
  add(v: T): this {
    apply(setAdd, this.#s, [v]);
    return this;
  }
  has(v: T): boolean {
    return apply(setHas, this.#s, [v]) as boolean;
  }
  delete(v: T): boolean {
    return apply(setDelete, this.#s, [v]) as boolean;
  }
  get size(): number {
    return setSize(this.#s) as number;
  }
  /** The members, in insertion order (a copy). */
  values(): T[] {
    const out: T[] = [];
    apply(setForEach, this.#s, [(v: T) => append(out, v)]);
    return out;
  }
}

export class SafeWeakMap<K extends object, V> {
  readonly #m = new WeakMapCtor<K, V>();
  get(k: K): V | undefined {
    return apply(wmGet, this.#m, [k]) as V | undefined;
  }
  set(k: K, v: V): this {
    apply(wmSet, this.#m, [k, v]);
    return this;
  }
  has(k: K): boolean {
    return apply(wmHas, this.#m, [k]) as boolean;
  }
  delete(k: K): boolean {
    return apply(wmDelete, this.#m, [k]) as boolean;
  }
}

export class SafeWeakSet<T extends object> {
  readonly #s = new WeakSetCtor<T>();
  add(v: T): this {
    apply(wsAdd, this.#s, [v]);
    return this;
  }
  has(v: T): boolean {
    return apply(wsHas, this.#s, [v]) as boolean;
  }
  delete(v: T): boolean {
    return apply(wsDelete, this.#s, [v]) as boolean;
  }
}

// ---------------------------------------------------------------- bytes

const TypedArrayProto = getPrototypeOf(Uint8Array.prototype) as object;
const taLength = getter(TypedArrayProto, 'length');
const taByteLength = getter(TypedArrayProto, 'byteLength');
const taByteOffset = getter(TypedArrayProto, 'byteOffset');
const taBuffer = getter(TypedArrayProto, 'buffer');
const taSubarray = (TypedArrayProto as { subarray: Function }).subarray;
const abByteLength = getter(ArrayBuffer.prototype, 'byteLength');
const Uint8ArrayCtor = Uint8Array;
const isView = ArrayBuffer.isView;

export const lengthOf = (a: ArrayBufferView): number => taLength(a) as number;
export const byteLengthOf = (a: ArrayBufferView): number => taByteLength(a) as number;
export const byteOffsetOf = (a: ArrayBufferView): number => taByteOffset(a) as number;
export const bufferOf = (a: ArrayBufferView): ArrayBufferLike => taBuffer(a) as ArrayBufferLike;
export const bufferByteLength = (b: ArrayBufferLike): number => abByteLength(b) as number;
export const subarray = (a: Uint8Array, start: number, end: number): Uint8Array => apply(taSubarray, a, [start, end]) as Uint8Array;
export const isArrayBufferView = (x: unknown): x is ArrayBufferView => isView(x);
/** A brand check through the captured getter (`instanceof` would read the page's `Symbol.hasInstance`). */
export function isArrayBuffer(x: unknown): x is ArrayBuffer {
  if (typeof x !== 'object' || x === null) return false;
  try {
    abByteLength(x);
    return true;
  } catch {
    return false;
  }
}
/** A Uint8Array over `buffer` (no copy). */
export const bytesOver = (buffer: ArrayBufferLike, offset = 0, length?: number): Uint8Array =>
  length === undefined ? new Uint8ArrayCtor(buffer, offset) : new Uint8ArrayCtor(buffer, offset, length);
/** A copy of `a[start, end)`: `slice` would ask the page's `constructor[Symbol.species]` for its class. */
export const copyBytes = (a: Uint8Array, start: number, end: number): Uint8Array => new Uint8ArrayCtor(subarray(a, start, end));
/** The bytes of any ArrayBufferView (a DataView or Int16Array too), as a Uint8Array over the same memory. */
export const bytesOfView = (v: ArrayBufferView): Uint8Array => new Uint8ArrayCtor(bufferOf(v), byteOffsetOf(v), byteLengthOf(v));
