/**
 * The Response mirror. To watch a streaming body the app gets a `new Response` over our stream
 * instead of the network's, and everything the app can ask of it must answer as the original
 * would. A `new Response` cannot carry the original's `url`, `redirected` and `type`, its
 * headers are mutable where a fetched response's are not, and consuming a body built on a JS
 * stream reports failures differently: the prototype's getters and methods are patched to
 * answer from the original for the responses we replaced, and only for those.
 */
import { apply, bare, get, getterOf, method, replaceGetter, replaceValue } from './define';
import { safely } from './safely';
import type { Header } from '../core/trace/records';
import { chain, SafeWeakMap, SafeWeakSet, settle } from '../core/builtins';

type G = Window & typeof globalThis;

const create = Object.create;

const WHERE = 'hook:fetch';

/** What the replacement answers from the original. */
export interface Mirror {
  url: string;
  redirected: boolean;
  type: ResponseType;
  /** The network's error for the body, if any: what the app's text()/json()… must reject with. */
  error?: { value: unknown };
}

/** The Response getters as they were at install (reading through them runs no page code). */
export interface ResponseGetters {
  url?: Function;
  redirected?: Function;
  type?: Function;
  status?: Function;
  statusText?: Function;
  headers?: Function;
  body?: Function;
}

export interface ResponseMirror {
  readonly native: ResponseGetters;
  /** Reads from the original what its replacement must answer. */
  capture(res: Response): Mirror;
  /** The app's Response over `body`, answering from `m`. */
  replace(m: Mirror, body: ReadableStream<Uint8Array>, status: number, statusText: string, headers: Header[]): Response;
  /** The mirror of a response we replaced (or of its clone), to adjust what it answers. */
  of(res: Response): Mirror | undefined;
}

export function installResponseMirror(g: G): ResponseMirror {
  const ResponseCtor = g.Response;
  const proto = ResponseCtor.prototype;
  const mirrors = new SafeWeakMap<Response, Mirror>();
  const native: ResponseGetters = {
    url: getterOf(proto, 'url'), redirected: getterOf(proto, 'redirected'), type: getterOf(proto, 'type'),
    status: getterOf(proto, 'status'), statusText: getterOf(proto, 'statusText'), headers: getterOf(proto, 'headers'), body: getterOf(proto, 'body'),
  };

  for (const key of ['url', 'redirected', 'type'] as const) {
    const orig = native[key];
    if (!orig) continue;
    replaceGetter(proto, key, (self) => {
      const m = mirrors.get(self as Response);
      return m ? m[key] : apply(orig, self, []);
    });
  }

  // A fetched response's headers are immutable; the copy `new Response` gets is not. For our
  // responses the mutators run on a native immutable Headers instead, which throws the very
  // TypeError (same checks, same order, same message) the app gets without us.
  const immutable = new SafeWeakSet<Headers>();
  const frozenHeaders = get(native.headers, ResponseCtor.error()) as Headers;
  for (const key of ['set', 'append', 'delete'] as const) {
    const orig = g.Headers.prototype[key] as Function;
    replaceValue(g.Headers.prototype, key, method(orig, (self, args) =>
      apply(orig, immutable.has(self as Headers) ? frozenHeaders : self, args)));
  }

  // A clone of ours answers as the original too.
  const origClone = proto.clone;
  replaceValue(proto, 'clone', method(origClone, (self) => {
    const copy = apply(origClone, self, []) as Response;
    const m = mirrors.get(self as Response);
    if (m) {
      mirrors.set(copy, m);
      safely(() => immutable.add(get(native.headers, copy) as Headers), WHERE);
    }
    return copy;
  }));

  // Consuming a `new Response` built on a JS stream reports a network error or abort as a
  // generic TypeError("Failed to fetch"), and json() reports a parse error from inside our
  // stream's close(): for our responses the body is read as natively and failures are
  // re-rejected with the original network error, and json() parses with JSON.parse as the
  // browser does (same SyntaxError and message).
  const parse = JSON.parse;
  const bodyUsedOf = getterOf(proto, 'bodyUsed');
  const lockedOf = getterOf(g.ReadableStream.prototype, 'locked');
  const text = proto.text;
  for (const key of ['text', 'json', 'arrayBuffer', 'blob', 'bytes', 'formData'] as const) {
    const orig = proto[key] as Function | undefined;
    if (typeof orig !== 'function') continue;
    replaceValue(proto, key, method(orig, (self, args) => {
      const m = mirrors.get(self as Response);
      if (!m) return apply(orig, self, args);
      // A used or locked body keeps json()'s own TypeError ("Failed to execute 'json' …").
      const usable = key === 'json' && safely(() => !get(bodyUsedOf, self) && !get(lockedOf, get(native.body, self)), WHERE);
      // Only the natives' promises are sealed; the one the app gets carries no marks of ours.
      const p = usable ? settle(apply(text, self, []) as Promise<string>, (t) => parse(t)) : (apply(orig, self, args) as Promise<unknown>);
      return chain(p, undefined, (err: unknown) => {
        throw m.error ? m.error.value : err;
      });
    }));
  }

  return {
    native,
    capture: (res) => ({ url: get(native.url, res) as string, redirected: get(native.redirected, res) as boolean, type: get(native.type, res) as ResponseType }),
    replace(m, body, status, statusText, pairs) {
      // A prototype-less record of the pairs, not the original Headers: converting a Headers
      // object would call the page's `Headers.prototype[Symbol.iterator]`. Its pairs already
      // have one entry per name (values combined), so nothing is lost.
      const headers = create(null) as Record<string, string>;
      for (let i = 0; i < pairs.length; i++) headers[pairs[i]![0]] = pairs[i]![1];
      const out = new ResponseCtor(body, bare({ status, statusText, headers }));
      mirrors.set(out, m);
      immutable.add(get(native.headers, out) as Headers);
      return out;
    },
    of: (res) => mirrors.get(res),
  };
}
