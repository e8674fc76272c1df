import { describe, expect, it } from 'vitest';
import { emptyTabState, foldRecords, PAGE_CONN } from '../../../src/core/trace/model';
import type { CaptureRecord } from '../../../src/core/trace/records';

const open = (conn: string): CaptureRecord => ({ type: 'open', conn, time: 100, kind: 'fetch', url: 'http://h/api/chat?conversation_id=c_8f2k1', method: 'POST', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null });
const data = (conn: string, text: string): CaptureRecord => ({ type: 'data', conn, time: 120, dir: 'in', text, base64: null, size: text.length, event: null, id: null });

describe('foldRecords: one batch into a tab', () => {
  const batch: CaptureRecord[] = [
    { type: 'page', conn: PAGE_CONN, time: 90, signal: 'capture-lost', detail: '1 capture batch was lost' },
    open('1'),
    data('1', 'abc'),
    data('ghost', 'never opened'),
    { type: 'fault', conn: '1', time: 130, faultId: 'f1', fault: 'drop', detail: 'dropped' },
    { type: 'fault', conn: 'ghost', time: 131, faultId: 'f2', fault: 'stall', detail: null },
    { type: 'fault', conn: PAGE_CONN, time: 132, faultId: 'f3', fault: 'offline', detail: 'offline for 5 s' },
    open('1'),
    data('1', 'de'),
    { type: 'end', conn: '1', time: 200, cause: 'network-error', error: 'TypeError: network error', code: null, reason: null },
  ];

  it('sends signals and fired faults to the tab lists, the rest into connections', () => {
    const tab = emptyTabState();
    foldRecords(tab, 'doc', batch);
    expect(tab.signals).toEqual([{ time: 90, signal: 'capture-lost', detail: '1 capture batch was lost', docId: 'doc' }]);
    expect(tab.faults.map((f) => [f.id, f.connectionId])).toEqual([['f1', 'doc:1'], ['f2', 'doc:ghost'], ['f3', null]]);
    const c = tab.capture.get('doc:1')!;
    expect(c.events.map((e) => e.text)).toEqual(['abc', 'de']);
    expect(c.summary).toMatchObject({ state: 'ended', end: 'network-error', endInjected: true, faults: [{ id: 'f1' }] });
    expect(tab.capture.has('doc:ghost')).toBe(false);
  });

  it('reports what changed: accepted records in order, opened connections, appended events', () => {
    const tab = emptyTabState();
    const applied: string[] = [];
    const r = foldRecords(tab, 'doc', batch, (rec, s) => applied.push(`${rec.type}@${s.id}`));
    // The data of a connection never opened and the second open of one are ignored; faults are
    // kept even for a connection the tab does not have.
    expect(r.accepted).toEqual([batch[0], batch[1], batch[2], batch[4], batch[5], batch[6], batch[8], batch[9]]);
    expect(r.opened).toBe(1);
    expect(r.events.map((e) => [e.connId, e.event.text])).toEqual([['doc:1', 'abc'], ['doc:1', 'de']]);
    expect([...r.changed.keys()]).toEqual(['doc:1']);
    expect(applied).toEqual(['open@doc:1', 'data@doc:1', 'fault@doc:1', 'data@doc:1', 'end@doc:1']);
  });
});
