import { describe, expect, it } from 'vitest';
import { sanitizeRecord } from '../../../src/core/trace/records';
import { LIMITS } from '../../../src/protocol/page';

const open = { type: 'open', conn: 'a-1', time: 1, kind: 'fetch', url: 'http://x/', method: 'POST', requestHeaders: [['content-type', 'application/json']], requestBodySize: 12, requestBodyPreview: '{"a":1}', detail: null };

describe('sanitizeRecord (what the relay lets through from the page)', () => {
  it('keeps a well-formed record as it is', () => {
    expect(sanitizeRecord(open, LIMITS)).toEqual(open);
  });

  it('drops fields it does not know, including prototype keys', () => {
    const hostile = JSON.parse('{"type":"data","conn":"c","time":2,"dir":"in","text":"hi","size":2,"__proto__":{"polluted":true},"constructor":{"x":1},"extra":"no"}');
    const r = sanitizeRecord(hostile, LIMITS);
    expect(r).toEqual({ type: 'data', conn: 'c', time: 2, dir: 'in', text: 'hi', base64: null, size: 2, event: null, id: null });
    expect(Object.keys(r!)).not.toContain('extra');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects unknown types, kinds, directions and causes', () => {
    expect(sanitizeRecord({ ...open, type: 'navigate' }, LIMITS)).toBeNull();
    expect(sanitizeRecord({ ...open, kind: 'tabs' }, LIMITS)).toBeNull();
    expect(sanitizeRecord({ type: 'data', conn: 'c', time: 1, dir: 'sideways' }, LIMITS)).toBeNull();
    expect(sanitizeRecord({ type: 'end', conn: 'c', time: 1, cause: 'exploded' }, LIMITS)).toBeNull();
  });

  it('rejects records without a connection id or a finite time', () => {
    expect(sanitizeRecord({ ...open, conn: 42 }, LIMITS)).toBeNull();
    expect(sanitizeRecord({ ...open, time: Number.NaN }, LIMITS)).toBeNull();
    expect(sanitizeRecord(null, LIMITS)).toBeNull();
    expect(sanitizeRecord('open', LIMITS)).toBeNull();
  });

  it('cuts oversized strings instead of losing the record', () => {
    const r = sanitizeRecord({ type: 'data', conn: 'c', time: 1, dir: 'in', text: 'x'.repeat(LIMITS.stringBytes + 10), size: 1 }, LIMITS);
    expect(r?.type === 'data' && r.text?.length).toBe(LIMITS.stringBytes);
  });

  it('keeps only string header pairs, bounded in number', () => {
    const many = Array.from({ length: LIMITS.headers + 50 }, (_, i) => [`h${i}`, 'v']);
    const r = sanitizeRecord({ ...open, requestHeaders: [...many, ['x', 5], 'junk'] }, LIMITS);
    expect(r?.type === 'open' && r.requestHeaders.length).toBe(LIMITS.headers);
  });
});
