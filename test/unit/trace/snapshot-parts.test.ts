import { describe, expect, it } from 'vitest';
import { appendPart, eventWeight, splitSnapshot } from '../../../src/core/trace/snapshot-parts';
import type { ConnectionCapture, TabSnapshot, TraceEvent } from '../../../src/core/trace/model';

const ev = (seq: number, text: string): TraceEvent => ({ seq, time: seq, dir: 'in', text, base64: null, size: text.length, event: null, id: null });
const conn = (id: string, n: number, size: number): ConnectionCapture => ({ summary: { id } as ConnectionCapture['summary'], events: Array.from({ length: n }, (_, i) => ev(i, `${id}${i}`.padEnd(size, 'x'))) });
const snap = (...connections: ConnectionCapture[]): TabSnapshot => ({ connections, signals: [], faults: [], testRuns: [] });

describe('a snapshot split to fit the browser’s message limit', () => {
  it('leaves a snapshot that fits as it is', () => {
    const s = snap(conn('a', 3, 10));
    expect(splitSnapshot(s, 10_000)).toEqual({ snapshot: s, parts: [] });
  });

  it('keeps what fits inline and sends the rest in order, per connection, each part within the limit', () => {
    const s = snap(conn('a', 40, 200), conn('b', 40, 200));
    const limit = 20 * eventWeight(s.connections[0]!.events[0]!);
    const { snapshot, parts } = splitSnapshot(s, limit);
    expect(snapshot.connections[0]!.events).toHaveLength(20);
    // After one connection overflowed, the next keeps nothing inline.
    expect(snapshot.connections[1]!.events).toHaveLength(0);
    for (const p of parts) expect(p.events.reduce((w, e) => w + eventWeight(e), 0)).toBeLessThanOrEqual(limit);
    // Reassembled, every connection has all its events in order; summaries are untouched.
    for (const [i, c] of s.connections.entries()) {
      const rebuilt = [...snapshot.connections[i]!.events, ...parts.filter((p) => p.connectionId === c.summary.id).flatMap((p) => p.events)];
      expect(rebuilt).toEqual(c.events);
      expect(snapshot.connections[i]!.summary).toBe(c.summary);
    }
    // The original is not changed.
    expect(s.connections[0]!.events).toHaveLength(40);
  });

  it('gives an event larger than the limit a part of its own', () => {
    const s = snap(conn('a', 3, 5000));
    const { snapshot, parts } = splitSnapshot(s, 1000);
    expect(snapshot.connections[0]!.events).toHaveLength(0);
    expect(parts.map((p) => p.events.length)).toEqual([1, 1, 1]);
  });

  it('keeps at most `inline` of events in the snapshot, the rest in parts of at most `limit`', () => {
    const s = snap(conn('a', 100, 300));
    const w = eventWeight(s.connections[0]!.events[0]!);
    const { snapshot, parts } = splitSnapshot(s, 40 * w, 5 * w);
    expect(snapshot.connections[0]!.events).toHaveLength(5);
    expect(parts.map((p) => p.events.length)).toEqual([40, 40, 15]);
    expect([...snapshot.connections[0]!.events, ...parts.flatMap((p) => p.events)]).toEqual(s.connections[0]!.events);
    // Under the inline budget, nothing is split.
    expect(splitSnapshot(s, 40 * w, 100 * w).parts).toHaveLength(0);
  });

  it('puts the parts back with appendPart: every connection whole and in order; a part of an unknown connection changes nothing', () => {
    const s = snap(conn('a', 30, 300), conn('b', 30, 300));
    const { snapshot, parts } = splitSnapshot(s, 10 * eventWeight(s.connections[0]!.events[0]!));
    expect(parts.length).toBeGreaterThan(2);
    const byId = new Map(snapshot.connections.map((c) => [c.summary.id, { ...c, events: [...c.events] }]));
    for (const p of parts) expect(appendPart(byId, p)).toBe(true);
    expect(byId.get('a')!.events).toEqual(s.connections[0]!.events);
    expect(byId.get('b')!.events).toEqual(s.connections[1]!.events);
    expect(appendPart(byId, { connectionId: 'gone', events: [ev(0, 'x')] })).toBe(false);
    expect([...byId.values()].map((c) => c.events.length)).toEqual([30, 30]);
  });
});
