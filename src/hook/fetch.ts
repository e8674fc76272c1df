/**
 * fetch capture: `window.fetch` becomes a Proxy of the native one that describes the request
 * (fetch-request.ts), and hands the app, for a response worth watching, a Response that mirrors
 * the original (fetch-response.ts) over a pull-through copy of its body (fetch-body.ts). The
 * app's promise settles with the same values and error objects it would get without us, in the
 * same microtask.
 */
import { contentTypeOf, isBinaryBody, streamDecision } from '../core/trace/model';
import type { Emitter } from './emit';
import { apply, get, getterOf, replaceValue, standIn } from './define';
import { safely } from './safely';
import type { FaultEngine, StreamControl } from './faults';
import type { Replays } from './replay';
import { engineTraits } from './engine';
import { errorText } from './connection';
import { captureRequestIntrinsics, describeRequest, endCause, headerPairs, type FetchContext } from './fetch-request';
import { installResponseMirror } from './fetch-response';
import { createBodyStreams } from './fetch-body';
import { createAbortWatch } from './abort';
import { contains, settle } from '../core/builtins';
import { servedDetail } from '../core/replay/served';
import { hideOurFrames } from './stack';

type G = Window & typeof globalThis;

const WHERE = 'hook:fetch';

/** Statuses whose responses `new Response` refuses a body for. */
const NULL_BODY_STATUSES = [101, 103, 204, 205, 304];

/**
 * A captured fetch call: `target` is the native fetch to run. Returned so that a native fetch of
 * another window called on this one (`frame.contentWindow.fetch.call(window, url)`) is captured
 * here, with this window's Response class, as the browser answers it (see install.ts).
 */
export type FetchCall = (target: typeof fetch, thisArg: unknown, args: unknown[]) => unknown;

export function installFetch(g: G, emitter: Emitter, faults: FaultEngine | null = null, replays: Replays | null = null): FetchCall | undefined {
  const origFetch = g.fetch;
  if (typeof origFetch !== 'function' || !g.Response || !g.ReadableStream) return;
  const x = captureRequestIntrinsics(g);
  const watchAbort = createAbortWatch(g, WHERE);
  const passThrough = createBodyStreams(g, emitter, faults, watchAbort);
  if (!passThrough) return;
  const mirror = installResponseMirror(g);
  const { native } = mirror;
  const PromiseCtor = g.Promise;
  const promiseReject = g.Promise.reject;
  const promiseResolve = g.Promise.resolve;
  const TypeErrorCtor = g.TypeError;
  const abortedOf = getterOf(g.AbortSignal.prototype, 'aborted');
  const cancelStream = g.ReadableStream.prototype.cancel;
  // This browser's text for a request that cannot reach the network, for offline windows.
  const { fetchFailed } = engineTraits(g);

  /** The response record, and the app's Response: ours over a watched body, else the original. */
  function onResponse(ctx: FetchContext, res: Response): Response {
    const status = get(native.status, res) as number;
    const statusText = get(native.statusText, res) as string;
    const resHeaders = get(native.headers, res) as Headers;
    const body = get(native.body, res) as ReadableStream<Uint8Array> | null;
    const headers = headerPairs(x, resHeaders);
    // `new Response` refuses statuses outside 200–599: such bodies are never teed, which keeps
    // the original response intact (getReader in the body stream locks it for good).
    const decision = streamDecision(headers, ctx.url);
    const tee = decision !== 'no' && body !== null && status >= 200 && status <= 599 && !contains(NULL_BODY_STATUSES, status);
    emitter.emit(ctx.connection.conn, { type: 'response', status, statusText, headers, streaming: tee && decision === 'stream' });
    if (!tee || !body) {
      // The body is not teed: the connection's capture ends with its headers.
      ctx.connection.end('clean', null);
      return res;
    }
    const m = mirror.capture(res);
    // Connect / gRPC-web envelopes keep their length prefixes only as bytes.
    const binary = isBinaryBody(contentTypeOf(headers));
    return mirror.replace(m, passThrough!(body, ctx, m, binary), status, statusText, headers);
  }

  const call: FetchCall = (target, thisArg, args) => {
    // During an injected offline window new requests fail as they do offline, without
    // reaching the network.
    if (faults?.offline()) {
      const offline = new TypeErrorCtor(fetchFailed);
      hideOurFrames(offline);
      return apply(promiseReject, PromiseCtor, [offline]);
    }
    // A recording armed for this request answers it instead of the network (see replay.ts);
    // it is taken as the request is described, so the open record says what served it.
    const taken: { replay: ReturnType<Replays['take']> } = { replay: null };
    const serve = replays
      ? (method: string, url: string): string | null => {
          taken.replay = replays.take(method, url);
          return taken.replay ? servedDetail(taken.replay.recording) : null;
        }
      : null;
    const ctx = emitter.tracks() ? safely(() => describeRequest(g, x, emitter, args, serve), WHERE) : undefined;
    const replay = taken.replay;
    // A recording that cannot be served (e.g. a header the browser refuses) is our failure: it
    // is reported, and the request goes to the network as if nothing were armed.
    const res = ctx && replay ? safely(() => replays!.respond(replay, ctx.signal), WHERE) : null;
    if (ctx && res) {
      const out = safely(() => onResponse(ctx, res), WHERE) ?? res;
      const m = mirror.of(out);
      if (m) m.url = ctx.url;
      return apply(promiseResolve, PromiseCtor, [out]);
    }
    let promise: Promise<Response>;
    try {
      promise = apply(target, thisArg, args) as Promise<Response>;
    } catch (err) {
      // fetch threw synchronously (bad arguments): the page gets the very same exception.
      if (ctx) safely(() => ctx.connection.end('network-error', errorText(err)), WHERE);
      hideOurFrames(err);
      throw err;
    }
    // Not tracked (the late-join registry is full), or a request we could not describe: the native promise itself, so that it
    // settles exactly as without us. (Its error's stack, captured at the call, keeps our frame.)
    if (!ctx) return promise;
    if (ctx.signal && safely(() => get(abortedOf, ctx.signal), WHERE)) {
      // Rejects with the signal's reason before any network activity: nothing to capture, and
      // the app's promise must settle in the same microtask as without us.
      safely(() => ctx.connection.end('client-abort', null), WHERE);
      return promise;
    }
    // A promise of our own rather than a `then` of the native one: it takes no species from
    // the page's Promise, and an abort can settle it at the moment the native one settles.
    return new PromiseCtor<Response>((resolve, reject) => {
      const unwatch = ctx.signal ? watchAbort(ctx.signal, reject) : null;
      // Set when an injected drop failed the request before its response came, and when the
      // native request settled (from then on the body, if any, is what faults act on).
      let dropped = false;
      let answered = false;
      // While it waits for its response the request can be dropped (a long-poll spends its life
      // there): the app's promise rejects with this browser's TypeError for a request the
      // network failed, as when the connection is reset before the response headers.
      const waiting: StreamControl = {
        kind: 'fetch',
        drop() {
          if (dropped || answered || ctx.connection.ended) return;
          dropped = true;
          unwatch?.();
          const err = new TypeErrorCtor(fetchFailed);
          hideOurFrames(err);
          ctx.connection.end('network-error', errorText(err));
          reject(err);
        },
        // Nothing else acts on a request with no body yet (the engine aims only drops here).
        hold() {},
        release() {},
        truncate() {},
        shape() {},
      };
      if (faults) ctx.connection.handle = safely(() => faults.register(ctx.connection.conn, waiting, { url: ctx.url, waiting: true }), WHERE) ?? null;
      const doneWaiting = () => {
        answered = true;
        ctx.connection.handle?.closed();
        ctx.connection.handle = null;
      };
      // `promise` is the native one, which the page never sees: sealing it keeps `then` off the page's Promise.
      settle(promise,
        (res: Response) => {
          if (dropped) {
            // The app already has its network error: this late answer goes unread, and
            // cancelling its body closes the connection the drop stands for.
            safely(() => {
              const b = get(native.body, res) as ReadableStream<Uint8Array> | null;
              if (b) settle(apply(cancelStream, b, []) as Promise<void>, undefined, () => undefined);
            }, WHERE);
            return;
          }
          safely(doneWaiting, WHERE);
          unwatch?.();
          resolve(safely(() => onResponse(ctx, res), WHERE) ?? res);
        },
        (err: unknown) => {
          if (dropped) return;
          safely(doneWaiting, WHERE);
          unwatch?.();
          safely(() => ctx.connection.end(endCause(ctx), errorText(err)), WHERE);
          hideOurFrames(err);
          reject(err);
        },
      );
    });
  };
  const wrapped = new Proxy(origFetch, { apply: (target, thisArg, args: unknown[]) => call(target, thisArg, args) });
  standIn(wrapped, origFetch);
  replaceValue(g, 'fetch', wrapped);
  return call;
}
