/**
 * The skeleton WebSocket and EventSource share: what the app sees of a connection's messages
 * while a fault holds, shapes or cuts it, and the end record written once whichever path ends
 * the connection. Runs over Node's EventTarget with a stand-in for the native transport class.
 */
import { describe, expect, it, vi } from 'vitest';
import { createMessageTransport, messageControl } from '../../../src/hook/message-transport';
import { openConnection } from '../../../src/hook/connection';
import { LATE_FRAMES_PER_CONNECTION } from '../../../src/hook/late-join';
import type { Emitter, RecordBody } from '../../../src/hook/emit';

type G = Window & typeof globalThis;

/** A fresh stand-in class per test: the skeleton patches its prototype's readyState. */
function fakeSocketClass() {
  return class FakeSocket extends EventTarget {
    closed = 0;
    close(): void {
      this.closed += 1;
    }
    get readyState(): number {
      return 1;
    }
  };
}

function setup() {
  const g = { EventTarget, Event, MessageEvent, setTimeout } as unknown as G;
  const Native = fakeSocketClass();
  const transport = createMessageTransport<WebSocket>(g, Native as unknown as { prototype: WebSocket }, 'hook:test');
  const ws = new Native() as unknown as WebSocket;
  const d = transport.delivery(ws, (e) => String(e.data).length);
  // Our first listener, as the wrappers register it; the app's comes after.
  transport.on(ws, 'message', (e) => {
    if (d.intercept(e as MessageEvent)) transport.hide(e);
  });
  const seen: string[] = [];
  ws.addEventListener('message', (e) => seen.push(String((e as MessageEvent).data)));
  const drop = vi.fn(() => void d.cutOff());
  const control = messageControl('websocket', d, { drop, truncate: drop });
  const native = (data: string) => ws.dispatchEvent(new MessageEvent('message', { data }));
  return { transport, ws, d, seen, drop, control, native };
}

describe('message delivery under faults', () => {
  it('passes native messages through when no fault acts', () => {
    const { seen, native } = setup();
    native('a');
    native('b');
    expect(seen).toEqual(['a', 'b']);
  });

  it('a hold withholds messages; a delivering release hands copies over in order', () => {
    const { seen, native, control } = setup();
    control.hold();
    native('a');
    native('b');
    expect(seen).toEqual([]);
    control.release(true);
    expect(seen).toEqual(['a', 'b']);
    native('c');
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('a release that does not deliver drops the connection and loses what was held', () => {
    const { seen, native, control, drop } = setup();
    control.hold();
    native('a');
    control.release(false);
    expect(drop).toHaveBeenCalledTimes(1);
    native('b');
    expect(seen).toEqual([]);
  });

  it('latency delays each message; a cut meanwhile loses it, as a dropped connection does', async () => {
    vi.useFakeTimers();
    try {
      const { seen, native, control, d } = setup();
      control.shape({ kind: 'latency', latencyMs: 50 } as never);
      native('a');
      expect(seen).toEqual([]);
      await vi.advanceTimersByTimeAsync(60);
      expect(seen).toEqual(['a']);
      native('b');
      d.cutOff();
      await vi.advanceTimersByTimeAsync(60);
      expect(seen).toEqual(['a']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rechunk does not apply to messages', () => {
    const { seen, native, control } = setup();
    control.shape({ kind: 'rechunk', pieces: 'bytes' } as never);
    native('abc');
    expect(seen).toEqual(['abc']);
  });

  it('after the cut, native events are hidden and ours pass; readyState answers as set', () => {
    const { transport, ws, d, seen, native } = setup();
    d.cutOff();
    native('late');
    const close = new Event('close');
    expect(d.hidden(close)).toBe(true);
    transport.fire(ws, new MessageEvent('message', { data: 'ours' }));
    expect(seen).toEqual(['ours']);
    expect(ws.readyState).toBe(1);
    transport.setReadyState(ws, 3);
    expect(ws.readyState).toBe(3);
    transport.closeNative(ws);
    expect((ws as unknown as { closed: number }).closed).toBe(1);
  });

  it('holds and releases go to the successor once there is one', () => {
    const { d } = setup();
    const successor = { hold: vi.fn(), release: vi.fn() };
    let next: typeof successor | null = null;
    const control = messageControl('eventsource', d, { drop() {}, truncate() {}, successor: () => next });
    next = successor;
    control.hold();
    control.release(false);
    expect(successor.hold).toHaveBeenCalledTimes(1);
    expect(successor.release).toHaveBeenCalledWith(false);
  });
});

describe('the connection end record', () => {
  it('is written once, for whichever path ends the connection first, and closes the fault handle', () => {
    const records: RecordBody[] = [];
    const emitter: Emitter = { tracks: () => true, mode: () => 'recording', newConnId: () => 'c-1', now: () => 0, emit: (_c, b) => void records.push(b), data() {}, onCommand() {}, stoppedHearing() {} };
    const c = openConnection(emitter, { kind: 'fetch', url: 'http://x/', method: 'GET', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null });
    const closed = vi.fn();
    c.handle = { onEvent() {}, closed };
    expect(c.ended).toBe(false);
    c.end('network-error', 'TypeError: network error');
    c.end('client-abort', null);
    c.end('clean', null);
    expect(c.ended).toBe(true);
    expect(closed).toHaveBeenCalledTimes(1);
    expect(records.map((r) => r.type)).toEqual(['open', 'end']);
    expect(records[1]).toEqual({ type: 'end', cause: 'network-error', error: 'TypeError: network error', code: null, reason: null });
  });
});

describe('a connection’s message listeners while nothing records', () => {
  function earsSetup() {
    const g = { EventTarget, Event, MessageEvent, setTimeout } as unknown as G;
    const Native = fakeSocketClass();
    const transport = createMessageTransport<WebSocket>(g, Native as unknown as { prototype: WebSocket }, 'hook:test');
    const ws = new Native() as unknown as WebSocket;
    let mode: 'dormant' | 'recording' = 'dormant';
    const wakes: (() => void)[] = [];
    const stopped: string[] = [];
    const ears = transport.ears(ws, 'c-1', { mode: () => mode, stoppedHearing: (conn, wake) => void (stopped.push(conn), wakes.push(wake)) });
    const heard: string[] = [];
    ears.hear('message', (e) => heard.push(String((e as MessageEvent).data)));
    const app: string[] = [];
    ws.addEventListener('message', (e) => app.push(String((e as MessageEvent).data)));
    const native = (data: string, type = 'message') => ws.dispatchEvent(new MessageEvent(type, { data }));
    const record = () => {
      mode = 'recording';
      for (const w of wakes.splice(0)) w();
    };
    return { ears, heard, app, native, stopped, record, setDormant: () => void (mode = 'dormant') };
  }

  it('hears a dormant connection’s first messages, then stops listening, once, until recording begins', () => {
    const { heard, app, native, stopped, record } = earsSetup();
    for (let i = 0; i < LATE_FRAMES_PER_CONNECTION + 50; i++) native(`m${i}`);
    expect(heard).toEqual(Array.from({ length: LATE_FRAMES_PER_CONNECTION }, (_, i) => `m${i}`));
    expect(stopped).toEqual(['c-1']);
    // The app's own listener is untouched.
    expect(app).toHaveLength(LATE_FRAMES_PER_CONNECTION + 50);
    record();
    native('after');
    expect(heard.at(-1)).toBe('after');
    // While recording there is no budget.
    for (let i = 0; i < LATE_FRAMES_PER_CONNECTION * 2; i++) native(`r${i}`);
    expect(heard).toHaveLength(LATE_FRAMES_PER_CONNECTION + 1 + LATE_FRAMES_PER_CONNECTION * 2);
    expect(stopped).toHaveLength(1);
  });

  it('a type heard while quiet is listened to from when recording begins; the budget starts over after recording', () => {
    const { ears, heard, native, stopped, record, setDormant } = earsSetup();
    for (let i = 0; i <= LATE_FRAMES_PER_CONNECTION; i++) native('x');
    const named: string[] = [];
    ears.hear('token', (e) => named.push(String((e as MessageEvent).data)));
    native('t0', 'token');
    expect(named).toEqual([]);
    record();
    native('t1', 'token');
    expect(named).toEqual(['t1']);
    setDormant();
    const before = heard.length;
    for (let i = 0; i < LATE_FRAMES_PER_CONNECTION; i++) native('y');
    expect(heard.length - before).toBe(LATE_FRAMES_PER_CONNECTION);
    expect(stopped).toHaveLength(1);
  });
});

describe('faults on a connection whose listeners came back behind the app’s', () => {
  it('refuses holds and shaping, saying why, and still takes drops; a successor lifts the refusal', () => {
    const g = { EventTarget, Event, MessageEvent, setTimeout } as unknown as G;
    const Native = fakeSocketClass();
    const transport = createMessageTransport<WebSocket>(g, Native as unknown as { prototype: WebSocket }, 'hook:test');
    const ws = new Native() as unknown as WebSocket;
    const d = transport.delivery(ws, () => 0);
    let behind = false;
    let next: { hold(): void; release(): void } | null = null;
    const control = messageControl('websocket', d, { drop() {}, truncate() {}, successor: () => next }, { get behind() { return behind; } });
    expect(control.refuses?.('stall')).toBeNull();
    behind = true;
    for (const kind of ['stall', 'latency', 'bandwidth'] as const) expect(control.refuses?.(kind)).toMatch(/^not injected: .*reload the page with the panel open/);
    for (const kind of ['drop', 'truncate', 'offline', 'rechunk'] as const) expect(control.refuses?.(kind)).toBeNull();
    next = { hold() {}, release() {} };
    expect(control.refuses?.('stall')).toBeNull();
  });
});
