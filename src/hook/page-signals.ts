/**
 * Page-level signals the diagnosis needs next to the streams: connectivity changes (an app may
 * reconnect on `online`), visibility and unload (a stream that ends on `pagehide` was not a
 * network drop), and workers, whose own streams the hook cannot see (it runs in the page, not
 * in worker scopes), so the panel can say so instead of showing nothing.
 */
import type { Emitter } from './emit';
import { wrapConstructor } from './constructor';
import { apply, get, getterOf } from './define';
import { safely } from './safely';
import { baseUrlOf } from './base-url';

type G = Window & typeof globalThis;

const PAGE = 'page';
const WHERE = 'hook:page-signals';

export function installPageSignals(g: G, emitter: Emitter): void {
  const addEventListener = g.EventTarget.prototype.addEventListener;
  const signal = (name: 'online' | 'offline' | 'visible' | 'hidden' | 'pagehide' | 'pageshow', detail: string | null = null) =>
    emitter.emit(PAGE, { type: 'page', signal: name, detail });
  const on = (target: EventTarget, type: string, fn: () => void) => apply(addEventListener, target, [type, () => safely(fn, WHERE)]);

  on(g, 'online', () => signal('online'));
  on(g, 'offline', () => signal('offline'));
  on(g, 'pagehide', () => signal('pagehide'));
  on(g, 'pageshow', () => signal('pageshow'));
  on(g.document, 'visibilitychange', () => signal(g.document.visibilityState === 'hidden' ? 'hidden' : 'visible'));
}

/** Workers started from `g`: the hook's own window, or a child window it installed into (frames.ts). */
export function installWorkerSignals(g: G, emitter: Emitter): void {
  const signal = (detail: string) => emitter.emit(PAGE, { type: 'page', signal: 'worker', detail });
  const base = baseUrlOf(g);
  // Captured: the constructors run with the page's globals as they are then.
  const URLCtor = g.URL;
  const hrefOf = getterOf(g.URL.prototype, 'href');
  /** The worker's script URL, converting no page object a second time (the native already did). */
  const workerUrl = (args: unknown[]) => {
    const spec = args[0];
    try {
      return get(hrefOf, typeof spec === 'string' ? new URLCtor(spec, base()) : spec) as string;
    } catch {
      return '(script)';
    }
  };
  wrapConstructor<Worker>(g, 'Worker', (_w, args) => signal(`Worker ${workerUrl(args)}`), WHERE);
  wrapConstructor<SharedWorker>(g, 'SharedWorker', (_w, args) => signal(`SharedWorker ${workerUrl(args)}`), WHERE);
}
