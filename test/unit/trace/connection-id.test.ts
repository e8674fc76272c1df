import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectionId, parseConnectionId } from '../../../src/core/trace/connection-id';
import { UNTRUSTED_PREFIX, applyRecord, firedFaultOf, isUntrusted, type TabCapture } from '../../../src/core/trace/model';

describe('connection ids', () => {
  it('joins the document id and the hook id', () => {
    expect(connectionId('d1', 'h-3')).toBe('d1:h-3');
    expect(parseConnectionId('d1:h-3')).toEqual({ docId: 'd1', conn: 'h-3' });
  });

  it('round-trips hook ids that contain ":" (forged ids are kept), since document ids never do', () => {
    expect(parseConnectionId(connectionId('d1', `${UNTRUSTED_PREFIX}a:b:c`))).toEqual({ docId: 'd1', conn: `${UNTRUSTED_PREFIX}a:b:c` });
    fc.assert(
      fc.property(fc.oneof(fc.uuid(), fc.string().filter((s) => !s.includes(':'))), fc.string(), (docId, conn) => {
        expect(parseConnectionId(connectionId(docId, conn))).toEqual({ docId, conn });
      }),
    );
  });

  it('gives null for an id without a document part', () => {
    expect(parseConnectionId('har0')).toBeNull();
    expect(parseConnectionId('')).toBeNull();
  });

  it('is how the fold names connections and their faults', () => {
    const tab: TabCapture = new Map();
    const s = applyRecord(tab, 'doc', { type: 'open', conn: '7', time: 1, kind: 'fetch', url: 'http://h/', method: 'GET', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null });
    expect(s?.id).toBe(connectionId('doc', '7'));
    expect(firedFaultOf('doc', { type: 'fault', conn: '7', time: 2, faultId: 'f', fault: 'drop', detail: null })?.connectionId).toBe(connectionId('doc', '7'));
  });

  it('marks untrusted connections by their hook id, whatever the document id', () => {
    expect(isUntrusted({ id: connectionId('doc', `${UNTRUSTED_PREFIX}1`) })).toBe(true);
    expect(isUntrusted({ id: connectionId('doc', 'h-1') })).toBe(false);
    expect(isUntrusted({ id: 'no-document' })).toBe(false);
  });
});
