import { describe, expect, it } from 'vitest';
import { applyRecord } from '../../../src/core/trace/model';
import { LATE_BUFFER_RECORDS, LATE_CONNECTIONS, createLateJoin } from '../../../src/hook/late-join';
import { LIMITS } from '../../../src/protocol/page';
import { sanitizeRecord, type CaptureRecord, type DataRecord, type OpenRecord } from '../../../src/core/trace/records';

const open = (conn: string, time: number): OpenRecord => ({ type: 'open', conn, time, kind: 'websocket', url: `ws://x/${conn}`, method: 'GET', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null });
const frame = (conn: string, time: number, text: string): DataRecord => ({ type: 'data', conn, time, dir: 'in', text, base64: null, size: text.length, event: null, id: null });
const end = (conn: string, time: number): CaptureRecord => ({ type: 'end', conn, time, cause: 'clean', error: null, code: null, reason: null });
/** What the emitter hands the buffer to encode the bytes it kept (the page's btoa there). */
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const texts = (rs: CaptureRecord[], conn: string) => rs.filter((r): r is DataRecord => r.type === 'data' && r.conn === conn).map((r) => r.text);

describe('late join: what the hook keeps while nothing records', () => {
  it('announces a connection still open with its true open time, its response and every frame that fit', () => {
    const late = createLateJoin({ bytes: 100, records: 100, connections: 8 });
    late.keep(open('a', 1));
    late.keep({ type: 'response', conn: 'a', time: 2, status: 101, statusText: 'Switching Protocols', headers: [], streaming: true });
    late.keep(frame('a', 3, 'hello'));
    late.keep(frame('a', 4, 'world'));
    const { records, missedFrames } = late.drain(b64);
    expect(records.map((r) => [r.type, r.time])).toEqual([['open', 1], ['response', 2], ['data', 3], ['data', 4]]);
    expect((records[0] as OpenRecord).joinedLate).toEqual({ missedFrames: 0, missedBytes: 0 });
    expect(missedFrames).toBe(0);
    // Announced once: a second drain has nothing to say about it.
    late.keep(frame('a', 5, 'x'));
    expect(late.drain(b64).records.map((r) => r.type)).toEqual(['data']);
  });

  it('drops the oldest frames first when the bytes overflow, and counts exactly what it dropped, per connection', () => {
    const late = createLateJoin({ bytes: 10, records: 100, connections: 8 });
    late.keep(open('a', 0));
    late.keep(open('b', 0));
    late.keep(frame('a', 1, 'aaaa')); // dropped
    late.keep(frame('b', 2, 'bbb')); // dropped
    late.keep(frame('a', 3, 'aa'));
    late.keep(frame('b', 4, 'bbbbbb'));
    late.keep(frame('a', 5, 'a'));
    const { records } = late.drain(b64);
    const opens = records.filter((r): r is OpenRecord => r.type === 'open');
    expect(opens.map((o) => [o.conn, o.joinedLate])).toEqual([
      ['a', { missedFrames: 1, missedBytes: 4 }],
      ['b', { missedFrames: 1, missedBytes: 3 }],
    ]);
    expect(texts(records, 'a')).toEqual(['aa', 'a']);
    expect(texts(records, 'b')).toEqual(['bbbbbb']);
  });

  it('counts a frame larger than the whole buffer as missed', () => {
    const late = createLateJoin({ bytes: 4, records: 100, connections: 8 });
    late.keep(open('a', 0));
    late.keep(frame('a', 1, 'too long'));
    const { records } = late.drain(b64);
    expect((records[0] as OpenRecord).joinedLate).toEqual({ missedFrames: 1, missedBytes: 8 });
    expect(texts(records, 'a')).toEqual([]);
  });

  it('bounds the number of records as well as their bytes', () => {
    const late = createLateJoin({ bytes: 1_000_000, records: 3, connections: 8 });
    late.keep(open('a', 0));
    for (let i = 0; i < 5; i++) late.keep(frame('a', i + 1, `${i}`));
    const { records } = late.drain(b64);
    expect(texts(records, 'a')).toEqual(['2', '3', '4']);
    expect((records[0] as OpenRecord).joinedLate).toEqual({ missedFrames: 2, missedBytes: 2 });
  });

  it('forgets a connection that ended before recording began, and frees its share of the buffer', () => {
    const late = createLateJoin({ bytes: 10, records: 100, connections: 8 });
    late.keep(open('gone', 0));
    late.keep(frame('gone', 1, 'gggggggg'));
    late.keep(end('gone', 2));
    late.keep(open('a', 3));
    late.keep(frame('a', 4, 'aaaaaaaa'));
    const { records } = late.drain(b64);
    expect(records.some((r) => r.conn === 'gone')).toBe(false);
    expect((records[0] as OpenRecord).joinedLate).toEqual({ missedFrames: 0, missedBytes: 0 });
    expect(texts(records, 'a')).toEqual(['aaaaaaaa']);
  });

  it('keeps the frames and the end of a connection announced before recording stopped, and counts what it dropped of them', () => {
    const late = createLateJoin({ bytes: 4, records: 100, connections: 8 });
    late.posted(open('a', 0));
    late.keep(frame('a', 1, 'xxx')); // dropped
    late.keep(frame('a', 2, 'yyy'));
    late.keep(end('a', 3));
    const { records, missedFrames } = late.drain(b64);
    expect(records.map((r) => r.type)).toEqual(['data', 'end']);
    expect(missedFrames).toBe(1);
    // Ended: no longer known, so later records of it are not kept.
    expect(late.keep(frame('a', 4, 'z'))).toBe(false);
  });

  it('refuses records of connections it does not know, and page records', () => {
    const late = createLateJoin();
    expect(late.keep(frame('unknown', 1, 'x'))).toBe(false);
    expect(late.keep({ type: 'page', conn: 'page', time: 1, signal: 'hidden', detail: null })).toBe(false);
  });

  it('tracks a bounded number of connections', () => {
    const late = createLateJoin({ bytes: 100, records: 100, connections: 2 });
    expect(late.keep(open('a', 0))).toBe(true);
    expect(late.hasRoom()).toBe(true);
    expect(late.keep(open('b', 0))).toBe(true);
    expect(late.hasRoom()).toBe(false);
    expect(late.keep(open('c', 0))).toBe(false);
    late.keep(end('a', 1));
    expect(late.hasRoom()).toBe(true);
  });

  it('posts what recording begins with in one batch of the relay', () => {
    // Every connection's open and response, every buffered record, and the capture-paused note.
    expect(LATE_BUFFER_RECORDS + 2 * LATE_CONNECTIONS + 1).toBeLessThanOrEqual(LIMITS.recordsPerBatch);
  });
});

describe('the joinedLate field through the relay sanitizer', () => {
  const limits = { stringBytes: 1024, urlLength: 1024, headers: 10 };
  it('keeps it as counts, and leaves a record without it without it', () => {
    expect(sanitizeRecord({ ...open('a', 1), joinedLate: { missedFrames: 3, missedBytes: 40 } }, limits)).toEqual({ ...open('a', 1), joinedLate: { missedFrames: 3, missedBytes: 40 } });
    expect(sanitizeRecord(open('a', 1), limits)).toEqual(open('a', 1));
  });
  it('rebuilds a forged one from known fields only', () => {
    const forged = sanitizeRecord({ ...open('a', 1), joinedLate: { missedFrames: -1, missedBytes: 'lots', __proto__: { x: 1 }, extra: 1 } }, limits) as OpenRecord;
    expect(forged.joinedLate).toEqual({ missedFrames: 0, missedBytes: 0 });
    expect(Object.keys(forged.joinedLate!)).toEqual(['missedFrames', 'missedBytes']);
    expect((sanitizeRecord({ ...open('a', 1), joinedLate: 'yes' }, limits) as OpenRecord).joinedLate).toBeNull();
  });
});

describe('a late connection in the capture model', () => {
  it('carries what it missed to its summary; one captured from its open says null', () => {
    const tab = new Map();
    expect(applyRecord(tab, 'doc', { ...open('a', 1), joinedLate: { missedFrames: 2, missedBytes: 9 } })!.joinedLate).toEqual({ missedFrames: 2, missedBytes: 9 });
    expect(applyRecord(tab, 'doc', open('b', 1))!.joinedLate).toBeNull();
  });

  it('keeps a dormant frame as its fields, builds its record (base64 of the kept bytes) only when drained, and counts it when evicted', () => {
    const late = createLateJoin({ bytes: 12, records: 100, connections: 8 });
    late.keep(open('a', 0));
    expect(late.keepData('nobody', 'in', 'x', null, 1, null, null, 1)).toBe(false);
    late.keepData('a', 'in', null, null, 2_000_000, null, null, 1); // too large to keep its bytes, and to fit: counted
    late.keepData('a', 'in', 'héllo', null, 6, null, null, 2); // dropped when 'abc' comes
    late.keepData('a', 'out', null, new Uint8Array([0, 1, 255]), 3, null, null, 3);
    late.keepData('a', 'in', 'ok', null, 2, 'delta', '7', 4);
    late.keep(frame('a', 5, 'abc'));
    const { records } = late.drain(b64);
    expect((records[0] as OpenRecord).joinedLate).toEqual({ missedFrames: 2, missedBytes: 2_000_000 + 6 });
    expect(records.slice(1)).toEqual([
      { type: 'data', conn: 'a', time: 3, dir: 'out', text: null, base64: 'AAH/', size: 3, event: null, id: null },
      { type: 'data', conn: 'a', time: 4, dir: 'in', text: 'ok', base64: null, size: 2, event: 'delta', id: '7' },
      frame('a', 5, 'abc'),
    ]);
  });
});

describe('late join: a connection the hook stopped listening to while dormant', () => {
  it('joins with what it kept and says the frames since were not counted; a second stop is the same stop', () => {
    const late = createLateJoin({ bytes: 100, records: 100, connections: 8 });
    late.keep(open('a', 1));
    late.keep(open('b', 1));
    late.keep(frame('a', 2, 'kept'));
    late.stoppedHearing('a');
    late.stoppedHearing('a');
    const { records, uncountedConnections } = late.drain(b64);
    const opens = records.filter((r): r is OpenRecord => r.type === 'open');
    expect(opens.map((o) => [o.conn, o.joinedLate])).toEqual([
      ['a', { missedFrames: 0, missedBytes: 0, uncounted: true }],
      ['b', { missedFrames: 0, missedBytes: 0 }],
    ]);
    expect(texts(records, 'a')).toEqual(['kept']);
    // Not an announced connection's loss: that one rides on the open record.
    expect(uncountedConnections).toBe(0);
  });

  it('counts a connection already announced that stopped being heard in a later dormant spell', () => {
    const late = createLateJoin({ bytes: 100, records: 100, connections: 8 });
    late.keep(open('a', 1));
    late.drain(b64);
    late.stoppedHearing('a');
    late.stoppedHearing('unknown');
    expect(late.drain(b64).uncountedConnections).toBe(1);
    expect(late.drain(b64).uncountedConnections).toBe(0);
  });

  it('keeps the flag through a trace: the record sanitizer passes it, and only as true', () => {
    const limits = { stringBytes: 1024, urlLength: 1024, headers: 10 };
    const r = sanitizeRecord({ ...open('a', 1), joinedLate: { missedFrames: 1, missedBytes: 2, uncounted: true } }, limits) as OpenRecord;
    expect(r.joinedLate).toEqual({ missedFrames: 1, missedBytes: 2, uncounted: true });
    const forged = sanitizeRecord({ ...open('a', 1), joinedLate: { missedFrames: 1, missedBytes: 2, uncounted: 'yes' } }, limits) as OpenRecord;
    expect(forged.joinedLate).toEqual({ missedFrames: 1, missedBytes: 2 });
  });
});
