/**
 * What the WebSocket control leaves in a capture: control records and frame marks pass the
 * relay's sanitizer only in their declared shapes, fold into the connection, and survive a
 * trace export and import valid against the schema.
 */
import { describe, expect, it } from 'vitest';
import { sanitizeRecord, type CaptureRecord } from '../../../src/core/trace/records';
import { applyRecord, type TabCapture } from '../../../src/core/trace/model';
import { exportTrace, importTrace } from '../../../src/core/export/trace-export';
import { schemaValidator } from '../export/schema';

const LIMITS = { stringBytes: 1024, urlLength: 1024, headers: 10 };
const validTrace = schemaValidator('trace-v1.schema.json');

describe('WebSocket control records', () => {
  it('the sanitizer keeps declared fields only, refuses unknown actions and drops unknown marks', () => {
    const control = { type: 'control', conn: 'c-1', time: 5, action: 'breakpoint-hit', dir: 'in', holdId: 'c-1#1', detail: 'the secret', error: null, extra: 1 };
    expect(sanitizeRecord(control, LIMITS)).toEqual({ type: 'control', conn: 'c-1', time: 5, action: 'breakpoint-hit', dir: 'in', holdId: 'c-1#1', detail: 'the secret', error: null });
    expect(sanitizeRecord({ ...control, action: 'format-disk' }, LIMITS)).toBeNull();
    expect(sanitizeRecord({ ...control, dir: 'up', holdId: 7 }, LIMITS)).toMatchObject({ dir: null, holdId: null });
    const data = { type: 'data', conn: 'c-1', time: 6, dir: 'in', text: 'x', base64: null, size: 1, event: null, id: null };
    expect(sanitizeRecord({ ...data, mark: 'injected' }, LIMITS)).toEqual({ ...data, mark: 'injected' });
    expect(sanitizeRecord({ ...data, mark: 'trusted' }, LIMITS)).toEqual(data);
  });

  it('folds into the connection and round-trips through a valid trace', async () => {
    const tab: TabCapture = new Map();
    const records: CaptureRecord[] = [
      { type: 'open', conn: 'c-1', time: 1, kind: 'websocket', url: 'ws://h/ws', method: 'GET', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null },
      { type: 'data', conn: 'c-1', time: 2, dir: 'in', text: 'hello', base64: null, size: 5, event: null, id: null },
      { type: 'data', conn: 'c-1', time: 3, dir: 'in', text: 'fake', base64: null, size: 4, event: null, id: null, mark: 'injected' },
      { type: 'control', conn: 'c-1', time: 3, action: 'inject', dir: 'in', holdId: null, detail: 'fake', error: null },
    ];
    for (const r of records) applyRecord(tab, 'doc', r);
    const c = tab.get('doc:c-1')!;
    expect(c.events.map((e) => e.mark ?? null)).toEqual([null, 'injected']);
    expect(c.summary.controls).toEqual([{ time: 3, action: 'inject', dir: 'in', holdId: null, detail: 'fake', error: null }]);

    const ex = exportTrace({
      sessions: [{ info: { id: 's1', tabId: 1, browserRun: 'r', url: 'http://h/', startedAt: 1, updatedAt: 3, correlationIds: [] }, snapshot: { connections: [c], signals: [], faults: [], testRuns: [] } }],
      environment: { browser: 'Chrome', extensionVersion: '0.1.0', pageUrl: 'http://h/' },
      exportedAt: '2026-12-01T00:00:00.000Z',
    });
    expect(validTrace(ex.trace)).toEqual([]);
    const back = await importTrace([[...ex.chunks()].join('')]);
    if (!back.ok) throw new Error(back.error.message);
    const conn = back.trace.sessions[0]!.connections[0]!;
    expect(conn.events.map((e) => e.mark ?? null)).toEqual([null, 'injected']);
    expect(conn.summary.controls).toEqual(c.summary.controls);
  });
});
