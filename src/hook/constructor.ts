/**
 * Replaces a page constructor (WebSocket, EventSource, Worker…) with a Proxy of the native one
 * that calls `onConstruct` with each new instance. `new`, subclassing, `instanceof`, statics and
 * `prototype` all reach the native class, and each instance is the native object itself.
 */
import { construct, replaceValue, standIn } from './define';
import { hideOurFrames } from './stack';
import { safely } from './safely';

type G = Window & typeof globalThis;

/**
 * `where` names the caller for safely()'s error counts. `replace`, asked before the native
 * constructor runs, may return the instance to give the app instead (a replayed socket, which
 * must never reach the network); it never throws (a failure of ours is counted and the native constructor runs).
 */
export function wrapConstructor<T extends object>(
  g: G, name: string, onConstruct: (instance: T, args: unknown[]) => void, where = 'hook:constructor',
  replace: ((args: unknown[], newTarget: Function) => T | null) | null = null,
): boolean {
  const Native = (g as unknown as Record<string, unknown>)[name];
  if (typeof Native !== 'function') return false;
  const proxy = new Proxy(Native as new (...args: unknown[]) => T, {
    construct(target, args: unknown[], newTarget) {
      let instance: T;
      try {
        const stand = replace ? (safely(() => replace(args, newTarget), where) ?? null) : null;
        if (stand) {
          safely(() => onConstruct(stand, args), where);
          return stand;
        }
        // The captured Reflect.construct: a page that replaces it later is neither called nor able to break us.
        instance = construct(target, args, newTarget) as T;
      } catch (err) {
        hideOurFrames(err);
        throw err;
      }
      safely(() => onConstruct(instance, args), where);
      return instance;
    },
  });
  standIn(proxy, Native as Function);
  // `instance.constructor === Name` must stay true for the page.
  replaceValue((Native as { prototype: object }).prototype, 'constructor', proxy);
  replaceValue(g, name, proxy);
  return true;
}
