import { describe, expect, it } from 'vitest';
import { lastTimeOf, offlineWindows, tabDataOf } from './source';

const sig = (time: number, signal: 'offline' | 'online') => ({ time, signal, detail: null, docId: 'd' });

describe('shown data', () => {
  it('pairs offline/online signals into windows for the timeline, open ones running to the end', () => {
    expect(offlineWindows([sig(30, 'online'), sig(10, 'offline'), sig(50, 'offline')], 80)).toEqual([
      { t0: 10, t1: 30, closed: true },
      { t0: 50, t1: 80, closed: false },
    ]);
    expect(offlineWindows([sig(5, 'online')], 9)).toEqual([]);
  });

  it('takes a stored snapshot as is, and knows its last instant', () => {
    const data = tabDataOf({ connections: [{ summary: { id: 'a', startedAt: 5, endedAt: null } as never, events: [{ time: 42 } as never] }], signals: [sig(50, 'offline')], faults: [], testRuns: [] });
    expect([...data.capture.keys()]).toEqual(['a']);
    expect(lastTimeOf(data)).toBe(50);
  });
});
