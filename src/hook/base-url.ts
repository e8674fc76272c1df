/**
 * The URL a window resolves relative URLs against: its document's base URL, not `location`. In
 * an about:blank or srcdoc frame `location.href` is 'about:blank' / 'about:srcdoc', against
 * which '/api/chat' does not resolve, while the frame's fetch resolves it against the base URL
 * it inherited from its parent. The getter is captured at install, so a page replacing
 * `Node.prototype.baseURI` later is not called (`document` itself is unforgeable).
 */
import { get, getterOf } from './define';

type G = Window & typeof globalThis;

/** Falls back to `location` where there is no DOM to ask (a window without `Node`). */
export function baseUrlOf(g: G): () => string {
  const baseOf = typeof g.Node === 'function' ? getterOf(g.Node.prototype, 'baseURI') : undefined;
  return () => {
    const base = baseOf && g.document ? get(baseOf, g.document) : undefined;
    return typeof base === 'string' ? base : String(g.location.href);
  };
}
