import { describe, expect, it } from 'vitest';
import { createHookIdentity } from '../../../src/content/hook-identity';
import { createBatches } from '../../../src/content/batches';
import type { CaptureRecord } from '../../../src/core/trace/records';
import { applyRecord, isUntrusted, type TabCapture } from '../../../src/core/trace/model';

const open = (conn: string): CaptureRecord => ({ type: 'open', conn, time: 1, kind: 'fetch', url: 'http://x/', method: 'GET', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null });
const signal: CaptureRecord = { type: 'page', conn: 'page', time: 1, signal: 'offline', detail: null };

describe('hook identity (forged records on the hook channel)', () => {
  it('trusts the hook that spoke first and marks records it cannot verify', () => {
    const id = createHookIdentity();
    expect(id.check('a1b2c3d4', [])).toEqual([]); // the hook's hello batch pins its id
    expect(id.check('a1b2c3d4', [open('a1b2c3d4-1'), signal])).toEqual([open('a1b2c3d4-1'), signal]);
    // The page posts as another hook, or names a connection outside the hook's ids.
    expect(id.check('ffffffff', [open('ffffffff-1'), signal]).map((r) => r.conn)).toEqual(['untrusted~ffffffff-1']);
    expect(id.check('a1b2c3d4', [open('forged-9')]).map((r) => r.conn)).toEqual(['untrusted~forged-9']);
  });

  it('lets the panel tell unverified connections apart', () => {
    const tab: TabCapture = new Map();
    applyRecord(tab, 'doc', open('a1b2c3d4-1'));
    applyRecord(tab, 'doc', open('untrusted~x-1'));
    expect([...tab.values()].map((c) => isUntrusted(c.summary))).toEqual([false, true]);
  });
});

describe('relay batches', () => {
  it('numbers batches and keeps the last ones for re-sending', () => {
    const b = createBatches();
    for (let i = 0; i < 250; i++) b.add([open(`h-${i}`)], null);
    expect(b.next()).toBe(251);
    expect(b.after(245).map((x) => x.seq)).toEqual([246, 247, 248, 249, 250]);
    // Only the last 200 are kept: older ones are reported lost by the background.
    expect(b.after(0)[0]!.seq).toBe(51);
  });
});
