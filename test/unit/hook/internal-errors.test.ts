/**
 * The hook's own failures are counted per place and sent with the next batch; the receiving
 * side rebuilds them from untrusted input. Both sides run in the page's reach: the counter must
 * run no page code while describing what was thrown (a page may throw a Proxy), and the
 * sanitizer must bound whatever a page posts.
 */
import { describe, expect, it, vi } from 'vitest';
import { types } from 'node:util';
import { createInternalErrors, describeThrown, internalErrors, OTHER_PLACES } from '../../../src/hook/internal-errors';
import { safely } from '../../../src/hook/safely';
import { createEmitter } from '../../../src/hook/emit';
import { INTERNAL_ERROR_LIMITS, sanitizeInternalErrors } from '../../../src/protocol/internal-errors';
import { HANDOVER_KEY, hookCommands, type HookToRelay } from '../../../src/protocol/page';

type HookCaptureBatch = HookToRelay['capture'];

// Node 20 has no Error.isError; util.types.isNativeError is the same trap-free brand check.
const isError = types.isNativeError;

describe('describeThrown', () => {
  it('names native errors by their prototype and keeps an own message', () => {
    expect(describeThrown(new TypeError('bad'), isError)).toBe('TypeError: bad');
    expect(describeThrown(new RangeError(''), isError)).toBe('RangeError');
    expect(describeThrown(new (class MyError extends Error {})('mine'), isError)).toBe('Error: mine');
  });

  it('describes primitives as they are', () => {
    expect(describeThrown('boom', isError)).toBe('boom');
    expect(describeThrown(42, isError)).toBe('42');
    expect(describeThrown(undefined, isError)).toBe('undefined');
    expect(describeThrown(Symbol('s'), isError)).toBe('Symbol(s)');
  });

  it('reads DOMException through its native getters', () => {
    expect(describeThrown(new DOMException('stop', 'AbortError'), isError)).toBe('AbortError: stop');
  });

  it('runs no page code: no Proxy trap, no getter, no toString', () => {
    const ran: string[] = [];
    const handler: ProxyHandler<object> = {};
    for (const trap of ['get', 'has', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'ownKeys', 'apply', 'defineProperty'] as const) {
      (handler as Record<string, unknown>)[trap] = () => {
        ran.push(trap);
        throw new Error('trap ran');
      };
    }
    expect(describeThrown(new Proxy(new Error('inner'), handler), isError)).toBe('a non-Error object was thrown');
    expect(describeThrown(new Proxy(() => 1, handler), isError)).toBe('a function was thrown');
    const sneaky = new Error('x');
    Object.defineProperty(sneaky, 'message', { get: () => (ran.push('message getter'), 'read') });
    expect(describeThrown(sneaky, isError)).toBe('Error');
    const obj = { toString: () => (ran.push('toString'), 'str'), message: 'plain object' };
    expect(describeThrown(obj, isError)).toBe('a non-Error object was thrown');
    expect(ran).toEqual([]);
  });

  it('without a brand check, objects are not looked into at all', () => {
    expect(describeThrown(new Error('x'), undefined)).toBe('a non-Error object was thrown');
  });
});

describe('the internal error counter', () => {
  it('counts per place, keeps the first message, and reports each error once', () => {
    const c = createInternalErrors(isError);
    expect(c.pending()).toBe(false);
    c.record('hook:fetch', new TypeError('first'));
    c.record('hook:fetch', new TypeError('second'));
    c.record('hook:websocket', 'ws');
    expect(c.pending()).toBe(true);
    expect(c.take()).toEqual([
      { where: 'hook:fetch', message: 'TypeError: first', count: 2 },
      { where: 'hook:websocket', message: 'ws', count: 1 },
    ]);
    expect(c.pending()).toBe(false);
    expect(c.take()).toEqual([]);
    c.record('hook:fetch', new Error('third'));
    expect(c.take()).toEqual([{ where: 'hook:fetch', message: 'TypeError: first', count: 1 }]);
  });

  it('bounds places, place names and messages', () => {
    const c = createInternalErrors(isError);
    for (let i = 0; i < 40; i++) c.record(`hook:place-${i}`, 'x');
    c.record('hook:' + 'w'.repeat(100), new Error('m'.repeat(500)));
    const reports = c.take();
    expect(reports).toHaveLength(INTERNAL_ERROR_LIMITS.places);
    const other = reports.find((r) => r.where === OTHER_PLACES)!;
    expect(other.count).toBe(40 - (INTERNAL_ERROR_LIMITS.places - 1) + 1);
    const d = createInternalErrors(isError);
    d.record('hook:' + 'w'.repeat(100), new Error('m'.repeat(500)));
    const [r] = d.take();
    expect(r!.where).toHaveLength(INTERNAL_ERROR_LIMITS.whereLength);
    expect(r!.message).toHaveLength(INTERNAL_ERROR_LIMITS.messageLength);
  });

  it('tells its listener, and never throws, even when the listener does', () => {
    const c = createInternalErrors(isError);
    const listener = vi.fn(() => {
      throw new Error('listener bug');
    });
    c.onRecorded(listener);
    expect(() => c.record('hook:x', 'e')).not.toThrow();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(c.take()).toEqual([{ where: 'hook:x', message: 'e', count: 1 }]);
  });

  it('keeps working when the page replaced Array.prototype.push and String.prototype.slice', () => {
    const c = createInternalErrors(isError);
    const push = Array.prototype.push;
    const slice = String.prototype.slice;
    Array.prototype.push = function () {
      throw new Error('page push');
    };
    String.prototype.slice = function () {
      throw new Error('page slice');
    };
    try {
      c.record('hook:' + 'w'.repeat(100), 'e');
    } finally {
      Array.prototype.push = push;
      String.prototype.slice = slice;
    }
    expect(c.take()).toEqual([{ where: 'hook:' + 'w'.repeat(INTERNAL_ERROR_LIMITS.whereLength - 5), message: 'e', count: 1 }]);
  });

  it('safely() returns undefined and records the error under its place', () => {
    internalErrors.take();
    expect(safely(() => 1, 'hook:test')).toBe(1);
    expect(internalErrors.pending()).toBe(false);
    expect(safely(() => {
      throw 'ours';
    }, 'hook:test')).toBeUndefined();
    expect(internalErrors.take()).toEqual([{ where: 'hook:test', message: 'ours', count: 1 }]);
  });
});

describe('the emitter sends our failures with its batches', () => {
  /**
   * A window with just what createEmitter captures. Its private channel is Node's real
   * MessageChannel: the port the hook hands over is taken, as the relay takes it.
   */
  function fakeWindow() {
    const win = new EventTarget() as EventTarget & Record<string, unknown>;
    const batches: HookCaptureBatch[] = [];
    let relaySide: MessagePort | null = null;
    Object.assign(win, {
      EventTarget, MessageChannel, MessagePort, MessageEvent, setTimeout, performance, crypto,
      postMessage: (msg: Record<string, unknown>, _origin: string, transfer: MessagePort[]) => {
        if (msg[HANDOVER_KEY] !== true) return;
        relaySide = transfer[0]!;
        relaySide.onmessage = (e) => batches.push(e.data as HookCaptureBatch);
      },
    });
    const command = (detail: unknown) => relaySide!.postMessage(detail);
    const close = () => relaySide?.close();
    return { win: win as unknown as Window & typeof globalThis, batches, command, close };
  }

  const until = async (ok: () => boolean, what: string) => {
    for (let i = 0; i < 2000 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
    if (!ok()) throw new Error(`never: ${what}`);
  };

  it('attaches pending reports to the next batch and flushes on its own for an error while recording', async () => {
    internalErrors.take();
    const { win, batches, command, close } = fakeWindow();
    try {
      const emitter = createEmitter(win);
      safely(() => {
        throw 'before recording';
      }, 'hook:emit-test');
      command(hookCommands.make('set-recording', { recording: true }));
      // The hello batch carries what happened while pending.
      await until(() => batches.length === 1, 'the hello batch');
      expect(batches[0]!.errors).toEqual([{ where: 'hook:emit-test', message: 'before recording', count: 1 }]);
      // A batch without errors has no `errors` field at all.
      emitter.emit('c-1', { type: 'page', signal: 'online', detail: null });
      await until(() => batches.length === 2, 'the batch of one record');
      expect('errors' in batches[1]!).toBe(false);
      // An error alone, with no record after it, still reaches the relay.
      safely(() => {
        throw 'while recording';
      }, 'hook:emit-test');
      await until(() => batches.length === 3, 'the batch of one error');
      expect(batches[2]!.records).toEqual([]);
      // The place's first message, and the one error since the last batch.
      expect(batches[2]!.errors).toEqual([{ where: 'hook:emit-test', message: 'before recording', count: 1 }]);
    } finally {
      internalErrors.onRecorded(null);
      close();
    }
  });
});

describe('sanitizeInternalErrors', () => {
  it('keeps well-formed reports', () => {
    expect(sanitizeInternalErrors([{ where: 'hook:fetch', message: 'TypeError: x', count: 3 }])).toEqual([{ where: 'hook:fetch', message: 'TypeError: x', count: 3 }]);
  });

  it('drops what is not a report', () => {
    for (const x of [null, undefined, 'x', 1, {}, { length: 1, 0: { where: 'a', message: '', count: 1 } }]) expect(sanitizeInternalErrors(x)).toEqual([]);
    expect(sanitizeInternalErrors([null, 'x', 1, { where: '', message: 'm', count: 1 }, { where: 'a', count: 'many' }, { where: 'a', count: -1 }, { where: 'a', count: NaN }, { where: 'a', count: Infinity }, { where: 7, count: 1 }])).toEqual([]);
  });

  it('bounds strings, counts and places, and merges repeated places', () => {
    const out = sanitizeInternalErrors([
      { where: 'w'.repeat(1000), message: 'm'.repeat(1000), count: 2.7 },
      { where: 'a', message: 42, count: Number.MAX_VALUE },
      { where: 'a', message: 'later', count: 5 },
      ...Array.from({ length: 100 }, (_, i) => ({ where: `p${i}`, message: '', count: 1 })),
    ]);
    expect(out).toHaveLength(INTERNAL_ERROR_LIMITS.places);
    expect(out[0]).toEqual({ where: 'w'.repeat(INTERNAL_ERROR_LIMITS.whereLength), message: 'm'.repeat(INTERNAL_ERROR_LIMITS.messageLength), count: 2 });
    expect(out[1]).toEqual({ where: 'a', message: '', count: Number.MAX_SAFE_INTEGER });
    for (const r of out) expect(Number.isSafeInteger(r.count)).toBe(true);
  });

  it('survives hostile input: throwing getters, proxies, huge arrays', () => {
    const bad = { get where(): string {
      throw new Error('getter');
    }, message: '', count: 1 };
    expect(sanitizeInternalErrors([{ where: 'ok', message: '', count: 1 }, bad, { where: 'lost', message: '', count: 1 }])).toEqual([{ where: 'ok', message: '', count: 1 }]);
    const huge = new Array(10_000_000);
    huge[0] = { where: 'first', message: '', count: 1 };
    expect(sanitizeInternalErrors(huge)).toEqual([{ where: 'first', message: '', count: 1 }]);
    expect(sanitizeInternalErrors(new Proxy([], { get() {
      throw new Error('trap');
    } }))).toEqual([]);
  });

  it('returns plain objects that carry only the three fields', () => {
    const [r] = sanitizeInternalErrors([{ where: 'a', message: 'm', count: 1, extra: 'x', __proto__: { polluted: true } }]);
    expect(Object.keys(r!)).toEqual(['where', 'message', 'count']);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
  });
});
