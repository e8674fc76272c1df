/**
 * The fetch wrapper's injected failures carry the running browser's own error texts: a drop
 * rejects the app's read with Firefox's TypeError("Error in input stream") in Firefox and
 * Chromium's "network error" elsewhere; fetch() during an offline window, or dropped while it
 * waits for its response (a long-poll), rejects with the browser's "could not connect" text.
 * Runs the real wrapper over Node's fetch classes.
 */
import { describe, expect, it } from 'vitest';
import { installFetch } from '../../../src/hook/fetch';
import type { Emitter } from '../../../src/hook/emit';
import type { FaultEngine, StreamControl, StreamPlace } from '../../../src/hook/faults';
import type { CaptureRecord as TraceRecord } from '../../../src/core/trace/records';

type G = Window & typeof globalThis;

function hooked(gecko: boolean, offline = false, answer?: Promise<Response>) {
  const controls: StreamControl[] = [];
  const places: (StreamPlace | undefined)[] = [];
  const records: unknown[] = [];
  const faults: FaultEngine = {
    register(_conn, control, place) {
      controls.push(control);
      places.push(place);
      return { onEvent() {}, closed() {} };
    },
    arm() {},
    disarm() {},
    release() {},
    offline: () => offline,
  };
  const emitter: Emitter = { tracks: () => true, mode: () => 'recording', newConnId: () => 'c-1', now: () => 0, emit: (_conn: string, r: unknown) => void records.push(r), data() {}, onCommand() {}, stoppedHearing() {} };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode('data: one\n\n'));
    },
  });
  // The page's globals: Node's own classes, with Gecko's window property when `gecko`.
  const g = Object.assign(Object.create(globalThis) as G, {
    location: { href: 'http://app.test/' },
    fetch: async () => answer ?? new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
  });
  if (gecko) Object.defineProperty(g, 'mozInnerScreenX', { value: 0 });
  installFetch(g, emitter, faults);
  return { g, controls, places, records };
}

async function dropAfterFirstRead(gecko: boolean): Promise<unknown> {
  const { g, controls } = hooked(gecko);
  const res = await g.fetch('http://app.test/stream');
  const reader = res.body!.getReader();
  await reader.read();
  // The last control registered is the body's (the first was the request's, while it waited).
  controls.at(-1)!.drop();
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

  it('a request dropped while it waits for its response rejects as a failed fetch, and its late answer is cancelled', async () => {
    for (const gecko of [true, false]) {
      let answer!: (r: Response) => void;
      let cancelled = false;
      const late = new ReadableStream<Uint8Array>({ cancel: () => void (cancelled = true) });
      const { g, controls, places, records } = hooked(gecko, false, new Promise<Response>((r) => (answer = r)));
      const pending = g.fetch('http://app.test/streams/s?offset=0_5&live=long-poll');
      await Promise.resolve();
      expect(places[0]).toEqual({ url: 'http://app.test/streams/s?offset=0_5&live=long-poll', waiting: true });
      controls[0]!.drop();
      const got = await pending.then(() => 'no error', (e: Error) => ({ text: `${e.name}: ${e.message}`, proto: Object.getPrototypeOf(e) === TypeError.prototype }));
      expect(got).toEqual({ text: gecko ? 'TypeError: NetworkError when attempting to fetch resource.' : 'TypeError: Failed to fetch', proto: true });
      expect(records.filter((r) => (r as TraceRecord).type === 'end')).toEqual([expect.objectContaining({ cause: 'network-error' })]);
      answer(new Response(late, { headers: { 'stream-next-offset': '0_6' } }));
      await new Promise((r) => setTimeout(r, 0));
      expect(cancelled).toBe(true);
    }
  });

  it('a drop of the waiting request after its response came does nothing: the body is what faults act on', async () => {
    const { g, controls, records } = hooked(false);
    const res = await g.fetch('http://app.test/stream');
    controls[0]!.drop();
    expect(records.some((r) => (r as TraceRecord).type === 'end')).toBe(false);
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: one\n\n');
  });

  it('offline: fetch() rejects with the browser\'s own text', async () => {
    const fail = (gecko: boolean) => hooked(gecko, true).g.fetch('http://app.test/').then(() => 'no error', (e: Error) => `${e.name}: ${e.message}`);
    expect(await fail(true)).toBe('TypeError: NetworkError when attempting to fetch resource.');
    expect(await fail(false)).toBe('TypeError: Failed to fetch');
  });
});
