/**
 * Settling with an AbortSignal as the native does: when the app aborts, fetch rejects its
 * promise (and errors the body) inside `abort()` itself, so the app's handlers run in the very
 * next microtask. Ours, chained behind the native promise, would run one microtask later, an
 * order a page can observe. An `abort` listener of ours settles the app's promise and body at
 * the same moment instead.
 *
 * (A page listener added before ours that calls `stopImmediatePropagation()` keeps ours from
 * running; then the app's promise settles one microtask later, through the native chain.)
 */
import { apply, bare, get, getterOf } from './define';
import { safely } from './safely';

type G = Window & typeof globalThis;

/** Calls `onAbort(reason)` when `signal` aborts; returns the function that stops watching. */
export type WatchAbort = (signal: AbortSignal, onAbort: (reason: unknown) => void) => () => void;

export function createAbortWatch(g: G, where: string): WatchAbort {
  const add = g.EventTarget.prototype.addEventListener;
  const remove = g.EventTarget.prototype.removeEventListener;
  const reasonOf = getterOf(g.AbortSignal.prototype, 'reason');
  return (signal, onAbort) => {
    const listener = () => safely(() => onAbort(get(reasonOf, signal)), where);
    // Prototype-less options: the native reads every member, inherited ones included.
    apply(add, signal, ['abort', listener, bare({ once: true })]);
    return () => void safely(() => apply(remove, signal, ['abort', listener]), where);
  };
}
