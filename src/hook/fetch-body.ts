/**
 * The app's body of a captured fetch: a pull-through byte stream over the network's body
 * (highWaterMark 0), which reads from the network only when the app reads, so we never buffer
 * or read ahead, and the app gets the same bytes in the same reads (default or BYOB readers
 * alike). Each chunk is recorded as it passes.
 *
 * It is also where faults act on a fetch, as a network would: a drop cancels the real body (the
 * server sees the disconnect) and errors the app's stream with the TypeError a network failure
 * gives in this browser; a stall stops reading (backpressure, half-open); shaping delays or
 * splits chunks before the app gets them; a truncation ends the app's stream cleanly and closes
 * the real one.
 */
import type { Emitter } from './emit';
import { apply, bare, get, getterOf } from './define';
import { safely } from './safely';
import type { FaultEngine, StreamControl } from './faults';
import { mulberry32, shapingDelayMs, splitChunk, type FaultSpec } from '../core/faults/spec';
import { engineTraits } from './engine';
import { errorText } from './connection';
import { endCause, type FetchContext } from './fetch-request';
import type { Mirror } from './fetch-response';
import type { WatchAbort } from './abort';
import { MAX_BINARY_CAPTURE } from './encode';
import { append, byteLengthOf, deferred, resolvedWith, seal, settle } from '../core/builtins';

type G = Window & typeof globalThis;

const WHERE = 'hook:fetch';

/** `binary`: record the body's bytes as they are (base64) rather than decoded as UTF-8 text. */
export type BodyStreams = (source: ReadableStream<Uint8Array>, ctx: FetchContext, mirror: Mirror, binary?: boolean) => ReadableStream<Uint8Array>;

/** Null when this browser has no byte streams (the bodies are then left alone). */
export function createBodyStreams(g: G, emitter: Emitter, faults: FaultEngine | null, watchAbort: WatchAbort | null = null): BodyStreams | null {
  const ReadableStreamCtor = g.ReadableStream;
  const TextDecoderCtor = g.TextDecoder;
  const getReader = g.ReadableStream.prototype.getReader;
  const readerProto = Object.getPrototypeOf(new ReadableStreamCtor().getReader()) as ReadableStreamDefaultReader;
  const read = readerProto.read;
  const cancelReader = readerProto.cancel;
  const decode = TextDecoderCtor.prototype.decode;
  // A fetched body is a byte stream (apps may take a BYOB reader from it), so ours is one too.
  let controllerProto: ReadableByteStreamController | null = null;
  new ReadableStreamCtor(bare({ type: 'bytes', start: (c: ReadableByteStreamController) => void (controllerProto = Object.getPrototypeOf(c)) }) as UnderlyingByteSource);
  if (!controllerProto) return null;
  const { enqueue, close: closeController, error } = controllerProto as ReadableByteStreamController;
  const byobRequestOf = getterOf(controllerProto, 'byobRequest');
  const respond = g.ReadableStreamBYOBRequest?.prototype.respond;
  /**
   * Closes the app's stream. A BYOB read pending at that moment is not answered by close()
   * itself: the source must respond to it with 0 bytes, which resolves it with done, as the
   * native body's does (without this the app's last BYOB read never settles).
   */
  const close = (c: ReadableByteStreamController): void => {
    apply(closeController, c, []);
    const req = get(byobRequestOf, c) as ReadableStreamBYOBRequest | null;
    if (req && respond) apply(respond, req, [0]);
  };
  const setTimeoutFn = g.setTimeout;
  const TypeErrorCtor = g.TypeError;
  // The network error text of this browser (Chromium and Firefox differ), for injected drops.
  const { bodyDropped } = engineTraits(g);
  const PromiseCtor = g.Promise;
  const after = (ms: number) => seal(new PromiseCtor<void>((r) => void apply(setTimeoutFn, g, [r, ms])));

  return function passThrough(source, ctx, mirror, binary = false) {
    const { connection } = ctx;
    // The original body is locked on the app's first read, not before: if anything between here
    // and handing out the new Response fails, the app gets the untouched original.
    let locked: ReadableStreamDefaultReader<Uint8Array> | null = null;
    const reader = () => (locked ??= apply(getReader, source, []) as ReadableStreamDefaultReader<Uint8Array>);
    const decoder = new TextDecoderCtor();
    const streamOpt = bare({ stream: true });
    const ended = () => connection.ended;
    let controller: ReadableByteStreamController | null = null;
    // Fault state.
    let gate: { promise: Promise<unknown>; open(): void } | null = null;
    let shaping: FaultSpec | null = null;
    let rand: (() => number) | null = null;
    // The pieces of a split chunk still to deliver, oldest at `nextPiece` (no `shift`: see core/builtins.ts).
    let pieces: Uint8Array[] = [];
    let nextPiece = 0;
    const takePiece = (): Uint8Array | undefined => {
      if (nextPiece >= pieces.length) return undefined;
      const p = pieces[nextPiece]!;
      nextPiece += 1;
      if (nextPiece === pieces.length) {
        pieces = [];
        nextPiece = 0;
      }
      return p;
    };
    // Stops our abort listener once the body has ended (an app may reuse one signal for many requests).
    let unwatch: (() => void) | null = null;

    const cutSource = () => {
      // The cancel's own outcome means nothing to us once the app's stream is settled: its
      // rejection is expected (the body may already be errored) and must not reach the page.
      safely(() => settle(apply(cancelReader, reader(), []) as Promise<void>, undefined, () => undefined), WHERE);
    };
    const data = (text: string, size: number) =>
      emitter.data(connection.conn, 'in', text, null, size, null, null);
    const deliver = (c: ReadableByteStreamController, chunk: Uint8Array) => {
      const text = safely(() => {
        if (binary) {
          // Before the enqueue: the emitter copies or encodes the bytes before the app can touch them.
          const size = byteLengthOf(chunk);
          emitter.data(connection.conn, 'in', null, size <= MAX_BINARY_CAPTURE ? chunk : null, size, null, null);
          return null;
        }
        const t = apply(decode, decoder, [chunk, streamOpt]) as string;
        data(t, byteLengthOf(chunk));
        return t;
      }, WHERE);
      // A byte stream refuses empty chunks; the stream pulls again for the pending read.
      if (byteLengthOf(chunk) > 0) apply(enqueue, c, [chunk]);
      // After the app has the chunk: a fault triggered by it acts on what comes next.
      safely(() => connection.handle?.onEvent(text ?? null), WHERE);
    };
    /** Delivers one chunk, or its first piece when a rechunk fault splits it, after shaping delays. */
    const shapeAndDeliver = (c: ReadableByteStreamController, chunk: Uint8Array): Promise<unknown> | void => {
      const s = shaping;
      if (!s) return deliver(c, chunk);
      if (s.kind === 'rechunk' && rand) {
        const parts = splitChunk(chunk, s.pieces ?? 'bytes', s.maxPiece ?? 16, rand);
        for (let i = 1; i < parts.length; i++) append(pieces, parts[i]!);
        chunk = parts[0] ?? chunk;
      }
      const wait = shapingDelayMs(s, byteLengthOf(chunk));
      const piece = chunk;
      if (wait <= 0) return deliver(c, piece);
      return settle(after(wait), () => (ended() ? undefined : deliver(c, piece)));
    };
    const pullOnce = (c: ReadableByteStreamController): Promise<unknown> | void => {
      if (ended()) return;
      if (gate) return settle(gate.promise, () => pullOnce(c));
      const piece = takePiece();
      if (piece) return shapeAndDeliver(c, piece);
      return settle(apply(read, reader(), []) as Promise<ReadableStreamReadResult<Uint8Array>>,
        (r: ReadableStreamReadResult<Uint8Array>) => {
          if (ended()) return;
          if (r.done) {
            safely(() => {
              const tail = apply(decode, decoder, []) as string;
              if (tail) data(tail, 0);
              connection.end('clean', null);
            }, WHERE);
            unwatch?.();
            close(c);
            return;
          }
          const chunk = r.value;
          // A stall that began while this read was in flight holds the chunk until released.
          if (gate) return settle(gate.promise, () => (ended() ? undefined : shapeAndDeliver(c, chunk)));
          return shapeAndDeliver(c, chunk);
        },
        (err: unknown) => {
          if (ended()) return;
          // Natively text() & co. reject with the abort reason, but with a fresh
          // TypeError("Failed to fetch") for network errors: only the former is carried over.
          if (endCause(ctx) === 'client-abort') mirror.error = { value: err };
          safely(() => connection.end(endCause(ctx), errorText(err)), WHERE);
          unwatch?.();
          apply(error, c, [err]);
        },
      );
    };

    const control: StreamControl = {
      kind: 'fetch',
      drop() {
        if (ended() || !controller) return;
        const err = new TypeErrorCtor(bodyDropped);
        connection.end('network-error', errorText(err));
        cutSource();
        gate?.open();
        apply(error, controller, [err]);
      },
      hold() {
        if (gate) return;
        const d = deferred();
        gate = { promise: d.promise, open: () => d.resolve() };
      },
      release(deliverHeld) {
        const g0 = gate;
        gate = null;
        if (!deliverHeld) control.drop();
        g0?.open();
      },
      truncate() {
        if (ended() || !controller) return;
        connection.end('clean', null);
        cutSource();
        gate?.open();
        close(controller);
      },
      shape(spec) {
        shaping = spec;
        rand = mulberry32(spec.seed ?? 1);
      },
    };

    return new ReadableStreamCtor(
      bare({
        type: 'bytes',
        start(c: ReadableByteStreamController) {
          controller = c;
          if (faults) connection.handle = safely(() => faults.register(connection.conn, control), WHERE) ?? null;
          // The app's abort errors its body inside `abort()`, as the native body is: a pending
          // read rejects in the next microtask, not after our read of the original settles.
          if (ctx.signal && watchAbort) {
            unwatch = watchAbort(ctx.signal, (reason) => {
              if (ended()) return;
              mirror.error = { value: reason };
              connection.end('client-abort', errorText(reason));
              apply(error, c, [reason]);
            });
          }
        },
        pull(c: ReadableByteStreamController) {
          return (pullOnce(c) ?? resolvedWith(undefined)) as Promise<void>;
        },
        cancel(reason: unknown) {
          safely(() => connection.end('client-abort', reason === undefined ? null : errorText(reason)), WHERE);
          unwatch?.();
          return apply(cancelReader, reader(), [reason]) as Promise<void>;
        },
      }),
      bare({ highWaterMark: 0 }),
    );
  };
}
