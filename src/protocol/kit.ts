/**
 * The protocol kit: how messages between the pieces of the extension are built, checked,
 * correlated and dispatched. The shapes themselves are declared per boundary (`panel.ts`,
 * `page.ts`); this module is the machinery every side shares, so no caller builds a message
 * literal, checks a field by hand or matches a reply to its request itself.
 *
 * A boundary is two maps, one per direction, from message type to body. A request is a message
 * with an `id`; its reply is a message of the other direction whose `replyTo` is that id (the
 * `replies` table says which type answers which request). Everything else is an event.
 */

import { hasOwn } from '../core/builtins';
import { isObj } from '../core/protocols/util';

export const PROTOCOL_VERSION = 1;
export const SOURCE = 'durable-sessions-inspector';

export interface Envelope {
  source: typeof SOURCE;
  v: typeof PROTOCOL_VERSION;
}

/** Correlation fields: set by the kit's client and router, never by callers. */
export interface Correlation {
  /** A request's id, unique per client. */
  id?: string;
  /** The id of the request this message answers. */
  replyTo?: string;
}

/**
 * Message type → body, declared as an interface per direction. (A constraint of `object`, not
 * `Record<string, object>`: interfaces have no index signature.)
 */
export type BodyMap = object;

/** One message of a map: the envelope, its type and its body. */
export type MessageOf<M extends BodyMap, K extends keyof M = keyof M> = K extends keyof M ? Envelope & Correlation & { type: K } & M[K] : never;

/**
 * Rebuilds a body from an untrusted object, or says it is not one: a parser returns only the
 * fields it checked, so a caller never sees a field nobody validated.
 */
export type Parser<T> = (x: Record<string, unknown>) => T | null;
export type Parsers<M extends BodyMap> = { [K in keyof M]: Parser<M[K]> };

/** The message types of one direction with their parsers. */
export interface Direction<M extends BodyMap> {
  readonly parsers: Parsers<M>;
  /** Builds a message of this direction: the one place envelopes are written. */
  make<K extends keyof M & string>(type: K, body: M[K], correlation?: Correlation): MessageOf<M, K>;
  /** The message, rebuilt by its type's parser, or null for anything else. */
  parse(x: unknown): MessageOf<M> | null;
}

const ID_LIMIT = 64;

function correlationOf(x: Record<string, unknown>): Correlation {
  const out: Correlation = {};
  if (typeof x.id === 'string' && x.id.length <= ID_LIMIT) out.id = x.id;
  if (typeof x.replyTo === 'string' && x.replyTo.length <= ID_LIMIT) out.replyTo = x.replyTo;
  return out;
}

export function direction<M extends BodyMap>(parsers: Parsers<M>): Direction<M> {
  return {
    parsers,
    make(type, body, correlation) {
      return { source: SOURCE, v: PROTOCOL_VERSION, ...correlation, ...body, type } as MessageOf<M, typeof type>;
    },
    parse(x) {
      if (!isObj(x) || x.source !== SOURCE || x.v !== PROTOCOL_VERSION || typeof x.type !== 'string') return null;
      // The captured hasOwn: the hook parses its commands in the page (see core/builtins.ts).
      if (!hasOwn(parsers, x.type)) return null;
      const body = parsers[x.type as keyof M](x);
      if (body === null) return null;
      return { source: SOURCE, v: PROTOCOL_VERSION, ...correlationOf(x), ...body, type: x.type } as MessageOf<M>;
    },
  };
}

/**
 * Both directions of a boundary, from the side that sends `Out` and receives `In`, with the
 * table of which incoming type answers each outgoing request.
 */
export interface Protocol<Out extends BodyMap, In extends BodyMap, R extends { [K in keyof Out]?: keyof In }> {
  out: Direction<Out>;
  in: Direction<In>;
  replies: R;
}

/**
 * Something messages travel over. Adapters wrap a runtime port (reconnecting or not), DOM
 * events or a MessagePort, and an in-memory pair for tests; the kit never knows which.
 */
export interface Transport {
  post(msg: object): void;
  /** Every message as it arrives, unchecked. Returns the unsubscribe. */
  onMessage(listener: (raw: unknown) => void): () => void;
  /** Each (re)connection; `first` is true once. Adapters that never reconnect call it once. */
  onConnect(listener: (first: boolean) => void): () => void;
  /** The other side went away (a worker restart, a closed page). */
  onDisconnect(listener: () => void): () => void;
  close(): void;
}

/** The request types of `Out` that expect a reply. */
type RequestType<Out extends BodyMap, R> = keyof Out & keyof R & string;
type ReplyOf<In extends BodyMap, R, K> = K extends keyof R ? (R[K] extends keyof In ? MessageOf<In, R[K]> : never) : never;

export interface RequestOptions {
  /** Rejects after this long (default 10 s): a reply that never comes is an error, not a hang. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

export interface Client<Out extends BodyMap, In extends BodyMap, R> {
  /** Sends a request and resolves with its reply (an `error` reply rejects). */
  request<K extends RequestType<Out, R>>(type: K, body: Out[K], options?: RequestOptions): Promise<ReplyOf<In, R, K>>;
  /** Sends a message that expects no reply. */
  send<K extends keyof Out & string>(type: K, body: Out[K]): void;
  /** Every incoming message of a type, replies included. Returns the unsubscribe. */
  on<K extends keyof In & string>(type: K, listener: (msg: MessageOf<In, K>) => void): () => void;
  /** Every incoming message, checked. */
  onAny(listener: (msg: MessageOf<In>) => void): () => void;
  readonly transport: Transport;
  close(): void;
}

/** The body of an error reply: every boundary with requests has one. */
export interface ErrorReply {
  message: string;
}

export function parseErrorReply(x: Record<string, unknown>): ErrorReply | null {
  return typeof x.message === 'string' ? { message: x.message.slice(0, 1000) } : null;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function createClient<Out extends BodyMap, In extends BodyMap & { error: ErrorReply }, R extends { [K in keyof Out]?: keyof In }>(protocol: Protocol<Out, In, R>, transport: Transport): Client<Out, In, R> {
  let counter = 0;
  const prefix = Math.random().toString(36).slice(2, 10);
  const pending = new Map<string, { type: keyof In; resolve(m: MessageOf<In>): void; reject(e: Error): void }>();
  const listeners = new Map<keyof In, Set<(m: MessageOf<In>) => void>>();
  const any = new Set<(m: MessageOf<In>) => void>();

  const unsubscribeMessage = transport.onMessage((raw) => {
    const msg = protocol.in.parse(raw);
    if (!msg) return;
    const waiting = msg.replyTo !== undefined ? pending.get(msg.replyTo) : undefined;
    if (waiting && (msg.type === 'error' || msg.type === waiting.type)) {
      pending.delete(msg.replyTo!);
      if (msg.type === 'error') waiting.reject(new ProtocolError((msg as unknown as ErrorReply).message));
      else waiting.resolve(msg);
    }
    for (const l of [...any]) l(msg);
    for (const l of [...(listeners.get(msg.type) ?? [])]) l(msg);
  });
  // A request in flight when the other side goes away has no reply coming: say so now.
  const unsubscribeDisconnect = transport.onDisconnect(() => {
    for (const [id, p] of [...pending]) {
      pending.delete(id);
      p.reject(new ProtocolError('the connection to the extension closed before it answered'));
    }
  });

  return {
    transport,
    request(type, body, options = {}) {
      const replyType = protocol.replies[type] as keyof In;
      const id = `${prefix}-${(counter += 1)}`;
      return new Promise((resolve, reject) => {
        const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        const done = () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
        };
        const timer = setTimeout(() => {
          pending.delete(id);
          done();
          reject(new ProtocolError(`no ${String(replyType)} answered ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
        const onAbort = () => {
          pending.delete(id);
          done();
          reject(options.signal?.reason instanceof Error ? options.signal.reason : new ProtocolError(`${type} was aborted`));
        };
        if (options.signal?.aborted) return onAbort();
        options.signal?.addEventListener('abort', onAbort);
        pending.set(id, {
          type: replyType,
          resolve: (m) => (done(), resolve(m as ReplyOf<In, R, typeof type>)),
          reject: (e) => (done(), reject(e)),
        });
        transport.post(protocol.out.make(type, body, { id }));
      });
    },
    send(type, body) {
      transport.post(protocol.out.make(type, body));
    },
    on(type, listener) {
      let set = listeners.get(type);
      if (!set) listeners.set(type, (set = new Set()));
      const l = listener as (m: MessageOf<In>) => void;
      set.add(l);
      return () => set.delete(l);
    },
    onAny(listener) {
      any.add(listener);
      return () => any.delete(listener);
    },
    close() {
      unsubscribeMessage();
      unsubscribeDisconnect();
      transport.close();
    },
  };
}

/** What a router's handler is given besides the message's body. */
export interface Incoming<Ctx> {
  ctx: Ctx;
  /** The id of the request, when the sender expects a reply. */
  id: string | undefined;
}

/**
 * A handler per incoming type. A request's handler returns its reply's body (the router sends
 * it with `replyTo`); a throw becomes an `error` reply and is reported, never swallowed.
 */
export type Handlers<In extends BodyMap, Out extends BodyMap, R, Ctx> = {
  [K in keyof In]: (body: MessageOf<In, K>, incoming: Incoming<Ctx>) => K extends keyof R ? (R[K] extends keyof Out ? Out[R[K]] | Promise<Out[R[K]]> : void | Promise<void>) : void | Promise<void>;
};

export interface Router<Ctx> {
  /** Checks, dispatches and answers one raw message. Resolves when its handler has. */
  handle(raw: unknown, ctx: Ctx, reply: (msg: object) => void): Promise<void>;
}

/**
 * `protocol` is seen from the router's side: it receives `In` and answers with `Out`.
 * `onError` hears every handler failure (the background counts them for the panel's status).
 */
export function createRouter<In extends BodyMap, Out extends BodyMap, R extends { [K in keyof In]?: keyof Out }, Ctx>(
  protocol: { in: Direction<In>; out: Direction<Out>; replies: R },
  handlers: Handlers<In, Out, R, Ctx>,
  onError: (type: string, error: unknown) => void,
): Router<Ctx> {
  return {
    async handle(raw, ctx, reply) {
      const msg = protocol.in.parse(raw);
      if (!msg) return;
      const type = msg.type as keyof In & string;
      const replyType = protocol.replies[type] as (keyof Out & string) | undefined;
      try {
        const handler = handlers[type] as (m: MessageOf<In>, i: Incoming<Ctx>) => unknown;
        const result = await handler(msg, { ctx, id: msg.id });
        if (replyType && msg.id !== undefined && result !== undefined) reply(protocol.out.make(replyType, result as Out[typeof replyType], { replyTo: msg.id }));
      } catch (error) {
        onError(type, error);
        // A boundary without requests (relay → background) has no error reply: the report is all.
        if (msg.id !== undefined && 'error' in protocol.out.parsers) reply(protocol.out.make('error' as keyof Out & string, { message: errorMessage(error) } as unknown as Out[keyof Out & string], { replyTo: msg.id }));
      }
    },
  };
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
