/**
 * Replacing page globals without changing what the page can observe about them: same
 * property attributes, same `name` and `length` on wrapped functions.
 */

export function replaceValue(target: object, key: PropertyKey, value: unknown): void {
  const desc = Object.getOwnPropertyDescriptor(target, key);
  if (!desc || !('value' in desc)) return;
  Object.defineProperty(target, key, { ...desc, value });
}

export function replaceGetter(target: object, key: PropertyKey, get: (this: unknown) => unknown): void {
  const desc = Object.getOwnPropertyDescriptor(target, key);
  if (!desc?.get) return;
  mimic(get, desc.get);
  Object.defineProperty(target, key, { ...desc, get });
}

/** Gives `wrapper` the name and length of `original`. */
export function mimic<F extends Function>(wrapper: F, original: Function): F {
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  return wrapper;
}
