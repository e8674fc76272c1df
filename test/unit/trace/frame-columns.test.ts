import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createBatchWriter, isFrameColumns, mergeFrames, sanitizeBatch } from '../../../src/core/trace/frame-columns';
import { sanitizeRecord, type CaptureRecord, type Direction } from '../../../src/core/trace/records';
import { createHookIdentity } from '../../../src/content/hook-identity';
import { LIMITS } from '../../../src/protocol/page';

/** Small string limit, so cutting is exercised. */
const SMALL = { ...LIMITS, stringBytes: 8 };

type Frame = { conn: string; time: number; dir: Direction; text: string | null; base64: string | null; size: number; event: string | null; id: string | null };
type Item = { frame: Frame } | { record: CaptureRecord };

const conn = fc.constantFrom('h-1', 'h-2', 'h-3', '', 'x'.repeat(130));
const maybe = fc.option(fc.string({ maxLength: 12 }), { nil: null });
const frame = fc.record({
  conn,
  time: fc.oneof(fc.double(), fc.integer()),
  // A page-world hook may post anything: directions we do not know are dropped.
  dir: fc.constantFrom('in', 'out', 'sideways') as fc.Arbitrary<Direction>,
  text: maybe,
  base64: maybe,
  size: fc.oneof(fc.nat(), fc.constant(Number.NaN)),
  event: maybe,
  id: maybe,
});
const record = fc.oneof(
  fc.record({ type: fc.constant('end' as const), conn, time: fc.integer(), cause: fc.constantFrom('clean', 'network-error'), error: maybe, code: fc.constant(null), reason: fc.constant(null) }),
  fc.record({ type: fc.constant('state' as const), conn, time: fc.integer(), state: fc.constantFrom('open', 'closing'), readyState: fc.constant(1), lastEventId: maybe }),
) as fc.Arbitrary<CaptureRecord>;
const items = fc.array(fc.oneof(frame.map((f): Item => ({ frame: f })), record.map((r): Item => ({ record: r }))), { maxLength: 60 });

function write(list: Item[]) {
  const w = createBatchWriter();
  for (const it of list) {
    if ('frame' in it) {
      const f = it.frame;
      w.frame(f.conn, f.time, f.dir, f.text, f.base64, f.size, f.event, f.id);
    } else w.record(it.record);
  }
  return w;
}

/** What the relay made of the same items posted one object each (before columns). */
const oneByOne = (list: Item[]): CaptureRecord[] =>
  list.map((it) => sanitizeRecord('frame' in it ? { type: 'data', ...it.frame } : it.record, SMALL)).filter((r): r is CaptureRecord => r !== null);

describe('data frames as columns (hook → relay → background)', () => {
  it('reach the background as the same records, in the same order, as one object each would', () => {
    fc.assert(
      fc.property(items, (list) => {
        const { records, frames } = write(list).take();
        // What crosses to the relay is a structured clone.
        const posted = structuredClone({ records, frames: frames ?? undefined });
        const checked = sanitizeBatch(posted.records, posted.frames, SMALL);
        const crossed = structuredClone(checked);
        if (crossed.frames) expect(isFrameColumns(crossed.frames)).toBe(true);
        expect(mergeFrames(crossed.records, crossed.frames)).toEqual(oneByOne(list));
      }),
    );
  });

  it('drain gives the held records and frames as records, in capture order, and starts over', () => {
    fc.assert(
      fc.property(items, (list) => {
        const w = write(list);
        expect(w.length).toBe(list.length);
        const drained = Array.from(w.drain() as ArrayLike<CaptureRecord>);
        expect(drained.map((r) => r.type)).toEqual(list.map((it) => ('frame' in it ? 'data' : it.record.type)));
        expect(w.length).toBe(0);
        expect(w.take()).toEqual({ records: [], frames: null });
      }),
    );
  });

  it('a batch of columns from a hostile page never throws and lets through only whole frames', () => {
    const junk = fc.oneof(
      fc.anything(),
      fc.record({ conns: fc.anything(), conn: fc.array(fc.anything()), time: fc.array(fc.anything()), dir: fc.array(fc.anything()), text: fc.array(fc.anything()), base64: fc.array(fc.anything()), size: fc.array(fc.anything()), event: fc.array(fc.anything()), id: fc.array(fc.anything()), at: fc.anything() }),
      fc.record({ conns: fc.array(fc.anything()), conn: fc.array(fc.integer({ min: -2, max: 4 })), time: fc.array(fc.anything()), dir: fc.array(fc.constantFrom('in', 'out', 'up')), text: fc.array(fc.anything()), base64: fc.array(fc.anything()), size: fc.array(fc.anything()), event: fc.array(fc.anything()), id: fc.array(fc.anything()), at: fc.array(fc.anything()) }),
    );
    fc.assert(
      fc.property(fc.array(fc.anything(), { maxLength: 5 }), junk, (records, frames) => {
        const out = sanitizeBatch(records, frames, { ...SMALL, recordsPerBatch: 20 });
        const merged = mergeFrames(out.records, out.frames);
        expect(merged.length).toBeLessThanOrEqual(20);
        for (const r of merged) expect(sanitizeRecord(r, SMALL)).toEqual(r);
        if (out.frames) expect(out.frames.at).toHaveLength(out.records.length);
      }),
    );
  });

  it('a record whose place is garbage goes after the frames before it, never before them', () => {
    const w = write([{ frame: { conn: 'h-1', time: 1, dir: 'in', text: 'a', base64: null, size: 1, event: null, id: null } }, { record: { type: 'end', conn: 'h-1', time: 2, cause: 'clean', error: null, code: null, reason: null } }]);
    const { records, frames } = w.take();
    const out = sanitizeBatch(records, { ...frames, at: ['first'] }, LIMITS);
    expect(mergeFrames(out.records, out.frames).map((r) => r.type)).toEqual(['data', 'end']);
  });

  it("renames frames of a hook that is not the pinned one, and drops its page signals' places with them", () => {
    const identity = createHookIdentity();
    identity.check('a1b2c3d4', []);
    const w = write([
      { record: { type: 'page', conn: 'page', time: 1, signal: 'visible', detail: null } as CaptureRecord },
      { frame: { conn: 'ffffffff-1', time: 2, dir: 'in', text: 'x', base64: null, size: 1, event: null, id: null } },
      { record: { type: 'end', conn: 'ffffffff-1', time: 3, cause: 'clean', error: null, code: null, reason: null } },
    ]);
    const { records, frames } = w.take();
    const checked = identity.checkBatch('ffffffff', records, frames);
    expect(mergeFrames(checked.records, checked.frames).map((r) => [r.type, r.conn])).toEqual([
      ['data', 'untrusted~ffffffff-1'],
      ['end', 'untrusted~ffffffff-1'],
    ]);
  });
});
