/**
 * The fetch wrapper's injected failures carry the running browser's own error texts: a drop
 * rejects the app's read with Firefox's TypeError("Error in input stream") in Firefox and
 * Chromium's "network error" elsewhere; fetch() during an offline window rejects with the
 * browser's "could not connect" text. Runs the real wrapper over Node's fetch classes.
 */
import { describe, expect, it } from 'vitest';
import { installFetch } from '../../../src/hook/fetch';
import type { Emitter } from '../../../src/hook/emit';
import type { FaultEngine, StreamControl } from '../../../src/hook/faults';

type G = Window & typeof globalThis;

function hooked(gecko: boolean, offline = false) {
  const controls: StreamControl[] = [];
  const faults: FaultEngine = {
    register(_conn, control) {
      controls.push(control);
      return { onEvent() {}, closed() {} };
    },
    arm() {},
    disarm() {},
    release() {},
    offline: () => offline,
  };
  const emitter: Emitter = { tracks: () => true, mode: () => 'recording', newConnId: () => 'c-1', now: () => 0, emit() {}, data() {}, onCommand() {}, stoppedHearing() {} };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode('data: one\n\n'));
    },
  });
  // The page's globals: Node's own classes, with Gecko's window property when `gecko`.
  const g = Object.assign(Object.create(globalThis) as G, {
    location: { href: 'http://app.test/' },
    fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
  });
  if (gecko) Object.defineProperty(g, 'mozInnerScreenX', { value: 0 });
  installFetch(g, emitter, faults);
  return { g, controls };
}

async function dropAfterFirstRead(gecko: boolean): Promise<unknown> {
  const { g, controls } = hooked(gecko);
  const res = await g.fetch('http://app.test/stream');
  const reader = res.body!.getReader();
  await reader.read();
  controls[0]!.drop();
  return reader.read().then(
    () => 'no error',
    (e: Error) => ({ name: e.name, message: e.message, proto: Object.getPrototypeOf(e) === TypeError.prototype }),
  );
}

describe('injected fetch failures speak the browser\'s language', () => {
  it('Firefox: a drop rejects the read with TypeError("Error in input stream")', async () => {
    expect(await dropAfterFirstRead(true)).toEqual({ name: 'TypeError', message: 'Error in input stream', proto: true });
  });

  it('Chromium: a drop rejects the read with TypeError("network error")', async () => {
    expect(await dropAfterFirstRead(false)).toEqual({ name: 'TypeError', message: 'network error', proto: true });
  });

  it('offline: fetch() rejects with the browser\'s own text', async () => {
    const fail = (gecko: boolean) => hooked(gecko, true).g.fetch('http://app.test/').then(() => 'no error', (e: Error) => `${e.name}: ${e.message}`);
    expect(await fail(true)).toBe('TypeError: NetworkError when attempting to fetch resource.');
    expect(await fail(false)).toBe('TypeError: Failed to fetch');
  });
});
