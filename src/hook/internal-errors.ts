/**
 * The hook's count of its own failures: `safely()` records here every error it keeps from the
 * page, per place in our code, with the first message of each place; the emitter sends what is
 * new with its next batch (see emit.ts), so a bug of ours reaches the panel instead of vanishing.
 *
 * It runs inside the page on values the page may have thrown (a page getter or handler we ran
 * can throw anything, a Proxy included), so describing an error runs no page code: no
 * `String(obj)`, no property reads that could hit a getter or a Proxy trap, and only natives
 * captured when the hook installs (document_start, before any page script). Storage is a
 * prototype-less object and index assignment: a page that replaced `Map.prototype.set` or
 * `Array.prototype.push` neither breaks the counter nor sees it.
 */
import { append } from '../core/builtins';
import { INTERNAL_ERROR_LIMITS, type InternalErrorReport } from '../protocol/internal-errors';

const apply = Reflect.apply;
const create = Object.create;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const getPrototypeOf = Object.getPrototypeOf;
const slice = String.prototype.slice;

/** True for real Error objects only, never running a Proxy trap (`Error.isError`, where the engine has it). */
export type ErrorBrandCheck = (x: unknown) => boolean;
const nativeIsError = (Error as unknown as { isError?: ErrorBrandCheck }).isError;

/** The native error classes' prototypes, to name an error by identity instead of reading `name`. */
const ERROR_NAMES: [object, string][] = [];
for (const C of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) ERROR_NAMES[ERROR_NAMES.length] = [C.prototype, C.name];

/**
 * DOMException's `name` and `message` are native getters that check their receiver: called on
 * anything but a real DOMException (a Proxy included) they throw before any trap runs.
 */
const domExceptionProto = typeof DOMException === 'function' ? DOMException.prototype : null;
const domName = domExceptionProto ? getOwnPropertyDescriptor(domExceptionProto, 'name')?.get : undefined;
const domMessage = domExceptionProto ? getOwnPropertyDescriptor(domExceptionProto, 'message')?.get : undefined;

const clip = (s: string, n: number): string => (s.length > n ? (apply(slice, s, [0, n]) as string) : s);

/** A display text for whatever was thrown, running no page code to get it. */
export function describeThrown(err: unknown, isError: ErrorBrandCheck | undefined = nativeIsError): string {
  if (err === null || (typeof err !== 'object' && typeof err !== 'function')) return String(err);
  if (domName && domMessage) {
    try {
      return `${String(apply(domName, err, []))}: ${String(apply(domMessage, err, []))}`;
    } catch {
      // Not a DOMException: the getter's receiver check refused it, which is the test we wanted.
    }
  }
  if (!isError?.(err)) return typeof err === 'function' ? 'a function was thrown' : 'a non-Error object was thrown';
  // A real Error (not a Proxy): its own descriptors and prototype run no page code.
  const proto: unknown = getPrototypeOf(err);
  let name = 'Error';
  for (let i = 0; i < ERROR_NAMES.length; i++) if (ERROR_NAMES[i]![0] === proto) name = ERROR_NAMES[i]![1];
  const desc = getOwnPropertyDescriptor(err, 'message');
  const message = desc && 'value' in desc && typeof desc.value === 'string' ? desc.value : '';
  return message ? `${name}: ${message}` : name;
}

interface Place {
  message: string;
  /** Errors since the last report of this place. */
  unreported: number;
}

export interface InternalErrors {
  /** Counts one caught error of ours at `where`. Never throws. */
  record(where: string, err: unknown): void;
  /** Whether anything was recorded since the last `take`. */
  pending(): boolean;
  /**
   * The places with errors since the last take: `count` is how many since then (each error is
   * reported once, so a receiver adds them up), `message` the place's first message ever.
   */
  take(): InternalErrorReport[];
  /** Called after each record (the emitter schedules a flush). */
  onRecorded(listener: (() => void) | null): void;
}

/** Where errors of places beyond the bound are counted, so none goes uncounted. */
export const OTHER_PLACES = 'hook:other';

export function createInternalErrors(isError: ErrorBrandCheck | undefined = nativeIsError): InternalErrors {
  const places = create(null) as Record<string, Place>;
  const order: string[] = [];
  let dirty = false;
  let listener: (() => void) | null = null;

  return {
    record(where, err) {
      try {
        let key = clip(where, INTERNAL_ERROR_LIMITS.whereLength);
        if (!places[key] && order.length >= INTERNAL_ERROR_LIMITS.places - 1) key = OTHER_PLACES;
        let place = places[key];
        if (!place) {
          place = { message: clip(describeThrown(err, isError), INTERNAL_ERROR_LIMITS.messageLength), unreported: 0 };
          places[key] = place;
          append(order, key);
        }
        if (place.unreported < Number.MAX_SAFE_INTEGER) place.unreported += 1;
        dirty = true;
        listener?.();
      } catch {
        // The counter itself failing (out of memory, a bug here) must not become the page's
        // error, and there is no one left to report it to.
      }
    },
    pending: () => dirty,
    take() {
      const out: InternalErrorReport[] = [];
      if (!dirty) return out;
      dirty = false;
      for (let i = 0; i < order.length; i++) {
        const where = order[i]!;
        const place = places[where]!;
        if (place.unreported === 0) continue;
        append(out, { where, message: place.message, count: place.unreported });
        place.unreported = 0;
      }
      return out;
    },
    onRecorded(l) {
      listener = l;
    },
  };
}

/** The page's one counter: `safely()` writes to it, the emitter reads it. */
export const internalErrors = createInternalErrors();
