import { describe, expect, it } from 'vitest';
import { createTabRegistry } from '../../../src/background/tabs';
import type { CaptureRecord } from '../../../src/core/trace/records';

const open: CaptureRecord = { type: 'open', conn: '1', time: 1, kind: 'websocket', url: 'ws://x/', method: 'GET', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null };

describe('tab registry (background routing rules)', () => {
  it('starts a new page load only for the top frame’s first connection', () => {
    const reg = createTabRegistry();
    expect(reg.hello(1, 'docA', true, true)).toBe(true);
    reg.apply(1, 'docA', [open]);
    expect(reg.hello(1, 'frame', false, true)).toBe(false);
    expect(reg.hello(1, 'docA', true, false)).toBe(false); // port reconnect after a worker restart
    expect(reg.snapshot(1).connections).toHaveLength(1);
    expect(reg.hello(1, 'docB', true, true)).toBe(true); // navigation
    expect(reg.snapshot(1).connections).toHaveLength(0);
  });

  it('keeps tabs apart', () => {
    const reg = createTabRegistry();
    reg.apply(1, 'd', [open]);
    reg.apply(2, 'd', [open]);
    reg.clear(1);
    expect(reg.snapshot(1).connections).toHaveLength(0);
    expect(reg.snapshot(2).connections).toHaveLength(1);
  });

  it('returns only the records it accepted', () => {
    const reg = createTabRegistry();
    const data: CaptureRecord = { type: 'data', conn: '1', time: 2, dir: 'in', text: 'x', base64: null, size: 1, event: null, id: null };
    expect(reg.apply(1, 'd', [data])).toEqual([]);
    expect(reg.apply(1, 'd', [open, data])).toHaveLength(2);
  });
});
