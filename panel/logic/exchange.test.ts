import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../src/core/trace/records';
import { foldRecords } from '../../src/core/trace/model';
import { emptyTabData } from '../source';
import { templateMock } from '../../src/core/mock';
import { buildExport, fallbackMeta, importErrorText, importFile, redactionLines, yieldingPieces } from './exchange';

function capture() {
  const data = emptyTabData();
  const recs: CaptureRecord[] = [
    { type: 'open', conn: '1', time: 1000, kind: 'fetch', url: 'http://h/api/chat?token=abc', method: 'POST', requestHeaders: [['Authorization', 'Bearer sk-live-123'], ['content-type', 'application/json']], requestBodySize: 2, requestBodyPreview: '{}', detail: null },
    { type: 'response', conn: '1', time: 1010, status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], streaming: true },
    { type: 'data', conn: '1', time: 1020, dir: 'in', text: 'data: {"x":1}\n\n', base64: null, size: 15, event: null, id: null },
    { type: 'end', conn: '1', time: 1100, cause: 'clean', error: null, code: null, reason: null },
  ];
  foldRecords(data, 'doc', recs);
  return data;
}

const stream = (text: string) => new Blob([text]).stream() as ReadableStream<Uint8Array>;
const join = (it: Iterable<string>) => [...it].join('');
const env = { browser: 'Chrome 156', extensionVersion: '0.1.0', pageUrl: 'http://h/' };

describe('export and import from the panel', () => {
  it('carries the Mocks drawer’s mocks in a trace export, and hands them back on import', async () => {
    const data = capture();
    const t = templateMock('anthropic', 'hi there', { url: 'http://h/api/chat' });
    if (!t.ok) throw new Error(t.error);
    const file = buildExport({ format: 'trace', redact: true, sessions: [{ info: fallbackMeta('s1', 3, 'http://h/', data), data }], environment: env, flags: [], mocks: [t.value] });
    const back = await importFile(stream(join(file.chunks())));
    if (!back.ok) throw new Error(back.error.message);
    expect(back.mocks).toEqual([t.value]);
  });

  it('exports a redacted trace that imports back with the same connections', async () => {
    const data = capture();
    const file = buildExport({ format: 'trace', redact: true, sessions: [{ info: fallbackMeta('s1', 3, 'http://h/', data), data }], environment: env, flags: [] });
    expect(file.fileName).toMatch(/\.dstrace\.json$/);
    expect(redactionLines(file.report)).toEqual(['authorization (request header)', 'token (URL parameter)']);
    const text = join(file.chunks());
    expect(text).not.toContain('sk-live-123');
    const back = await importFile(stream(text));
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.kind).toBe('trace');
    expect([...back.sessions[0]!.data.capture.keys()]).toEqual(['doc:1']);
    expect(back.sessions[0]!.data.capture.get('doc:1')!.events).toHaveLength(1);
  });

  it('carries what the page showed into the trace and back', async () => {
    const data = capture();
    data.view.push({ time: 1050, docId: 'doc', block: 2, text: 'the answer on screen' });
    const file = buildExport({ format: 'trace', redact: false, sessions: [{ info: fallbackMeta('s1', 3, 'http://h/', data), data }], environment: env, flags: [] });
    const back = await importFile(stream(join(file.chunks())));
    expect(back.ok && back.kind === 'trace' && back.sessions[0]!.data.view).toEqual([{ time: 1050, docId: 'doc', block: 2, text: 'the answer on screen' }]);
  });

  it('exports HAR, and keeps secrets only when the user opts out', async () => {
    const data = capture();
    const req = { format: 'har' as const, redact: false, sessions: [{ info: fallbackMeta(null, null, 'http://h/', data), data }], environment: env, flags: [] };
    const file = buildExport(req);
    expect(file.fileName).toMatch(/\.har$/);
    expect(file.report.count).toBe(0);
    const text = join(file.chunks());
    expect(JSON.parse(text).log.entries).toHaveLength(1);
    expect(text).toContain('sk-live-123');
    const back = await importFile(stream(text));
    expect(back.ok && back.kind).toBe('har');
  });

  it('shows a malformed file as an error with its position', async () => {
    const r = await importFile(stream('{"format": "durable-sessions-trace",\n "version": 1,\n "sessions": [tru'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(importErrorText(r.error)).toMatch(/line 3/);
  });

  it('feeds large inputs in bounded pieces with a pause between them', async () => {
    const pauses: number[] = [];
    const seen: number[] = [];
    const pieces = [];
    for await (const p of yieldingPieces(stream('x'.repeat(10)), (b) => seen.push(b), 4, async () => void pauses.push(1))) pieces.push(p.length);
    expect(pieces).toEqual([4, 4, 2]);
    expect(seen).toEqual([4, 8, 10]);
    expect(pauses).toHaveLength(3);
  });
});
