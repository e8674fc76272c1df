/**
 * A drop aimed at a long-poll stream follows it: the request the fault names is usually over
 * by the time the fault arrives, so it hits the request to the stream's path that is waiting
 * for its answer, now or next, once; never a body being read, another path, or (for faults
 * that do not name a connection) a request that is only waiting.
 */
import { describe, expect, it } from 'vitest';
import { createFaultEngine, type StreamControl } from '../../../src/hook/faults';
import type { Emitter } from '../../../src/hook/emit';
import type { FaultSpec } from '../../../src/core/faults/spec';

type G = Window & typeof globalThis;

function engine() {
  const g = Object.assign(Object.create(globalThis) as G, { Navigator: class {} });
  const emitter = { now: () => Date.now(), emit() {} } as unknown as Emitter;
  const faults = createFaultEngine(g, emitter);
  const dropped: string[] = [];
  const control = (name: string): StreamControl => ({ kind: 'fetch', drop: () => void dropped.push(name), hold() {}, release() {}, truncate() {}, shape() {} });
  return { faults, dropped, control };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const PATH = 'http://app.test/streams/chat-1';
const drop = (scope: FaultSpec['scope'], once = true): FaultSpec => ({ id: 'd', kind: 'drop', trigger: { kind: 'now' }, scope, probability: 1, once });

describe('a drop that follows a long-poll stream', () => {
  it('hits the request of that path that is waiting, not the named one whose body is being read', async () => {
    const { faults, dropped, control } = engine();
    faults.register('c1', control('c1 body'), { url: `${PATH}?offset=0_1&live=long-poll`, waiting: false });
    faults.register('c9', control('other path'), { url: 'http://app.test/streams/chat-2?offset=0_1&live=long-poll', waiting: true });
    faults.register('c2', control('c2 waiting'), { url: `${PATH}?offset=0_2&live=long-poll`, waiting: true });
    faults.arm(drop({ kind: 'connection', connectionId: 'c1', followPath: PATH }));
    await tick();
    expect(dropped).toEqual(['c2 waiting']);
  });

  it('between polls, waits for the next request of the stream, and fires only once', async () => {
    const { faults, dropped, control } = engine();
    const first = faults.register('c1', control('c1'), { url: `${PATH}?offset=0_1&live=long-poll`, waiting: true });
    first.closed();
    faults.arm(drop({ kind: 'connection', connectionId: 'c1', followPath: PATH }));
    await tick();
    expect(dropped).toEqual([]);
    faults.register('c2', control('c2'), { url: `${PATH}?offset=0_2&live=long-poll`, waiting: true });
    await tick();
    faults.register('c3', control('c3'), { url: `${PATH}?offset=0_3&live=long-poll`, waiting: true });
    await tick();
    expect(dropped).toEqual(['c2']);
  });

  it('a plain connection-scoped drop still hits its connection, waiting or not; a tab-wide one skips waiting requests', async () => {
    const { faults, dropped, control } = engine();
    faults.register('c1', control('c1 waiting'), { url: `${PATH}?offset=0_1`, waiting: true });
    faults.register('c2', control('c2 body'), { url: `${PATH}?offset=0_1`, waiting: false });
    faults.arm(drop({ kind: 'connection', connectionId: 'c1' }));
    await tick();
    expect(dropped).toEqual(['c1 waiting']);
    faults.arm({ ...drop({ kind: 'tab' }, false), id: 't' });
    await tick();
    expect(dropped).toEqual(['c1 waiting', 'c2 body']);
  });

  it('a waiting request that got its response before the fault was checked is left alone (its body registers anew)', async () => {
    const { faults, dropped, control } = engine();
    faults.arm(drop({ kind: 'connection', connectionId: 'c1', followPath: PATH }));
    const waiting = faults.register('c1', control('c1 waiting'), { url: `${PATH}?offset=0_1&live=long-poll`, waiting: true });
    waiting.closed();
    faults.register('c1', control('c1 body'), { url: `${PATH}?offset=0_1&live=long-poll`, waiting: false });
    await tick();
    expect(dropped).toEqual([]);
  });
});
