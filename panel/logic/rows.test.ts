import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/core/parse/types';
import type { ConnectionSummary } from '../../src/core/trace/model';
import { chunkRows, connectionRow, endLabel, extendChunkRows, lateJoinIncomplete, lateJoinLine, messageRows, previewText, rowContaining } from './rows';
import { utf8Length } from '../../src/core/trace/bytes';
import type { TraceEvent } from '../../src/core/trace/model';

const summary = (over: Partial<ConnectionSummary> = {}): ConnectionSummary => ({
  faults: [], endInjected: false, reconnectMarks: [], joinedLate: null,
  id: 'd:1', kind: 'fetch', url: 'http://h/api/chat', method: 'POST', startedAt: 1000, status: 200, contentType: 'text/event-stream', streaming: true, state: 'open', endedAt: null, end: null, endDetail: null,
  events: 3, bytesIn: 300, bytesOut: 0, reconnects: 0, requestHeaders: [], responseHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null, ...over,
}) as ConnectionSummary;

describe('table rows', () => {
  it('describes a connection as the list shows it', () => {
    const live = connectionRow(summary(), { id: 'openai-chat', name: 'OpenAI Chat Completions', guess: false }, 1600);
    expect(live).toMatchObject({ kindLabel: 'fetch-SSE', protocolName: 'OpenAI Chat Completions', statusLabel: '200 streaming', endLabel: 'live', duration: 600, bytes: 300 });
    const ended = connectionRow(summary({ state: 'ended', end: 'network-error', endedAt: 1250, endDetail: 'TypeError' }), null, 9999);
    expect(ended).toMatchObject({ protocolName: '', endLabel: 'network error', duration: 250, statusClass: 'status-network-error' });
    expect(endLabel({ state: 'ended', end: 'client-abort' })).toBe('client abort');
  });

  it('turns raw events and parsed frames into rows that point back at their events', () => {
    const chunks = chunkRows([{ seq: 0, time: 1, dir: 'in', text: 'data: a\n\n', base64: null, size: 9, event: null, id: null }, { seq: 1, time: 2, dir: 'in', text: null, base64: 'AAE=', size: 2, event: null, id: null }]);
    expect(chunks.map((r) => r.type)).toEqual(['text', 'binary']);
    const frames: Frame[] = [
      { index: 0, dir: 'in', kind: 'sse', event: 'delta', id: '1', data: '{"t":"é"}', json: { t: 'é' }, at: { first: 0, last: 1 }, time: 5 },
      { index: 1, dir: 'in', kind: 'sse', data: '[DONE]', at: { first: 2, last: 2 }, time: 6 },
    ];
    const rows = messageRows(frames);
    expect(rows[0]).toMatchObject({ type: 'delta', id: '1', size: 10, json: { t: 'é' }, first: 0, last: 1 });
    expect(rows[1]).toMatchObject({ type: 'message', text: '[DONE]' });
    expect(rowContaining(rows, 1)).toBe(0);
    expect(rowContaining(rows, 2)).toBe(1);
  });

  it('previews data on one line', () => {
    expect(previewText({ text: 'a\nb', base64: null, size: 3 })).toBe('a⏎b');
    expect(previewText({ text: null, base64: 'AAE=', size: 2 })).toBe('(binary, 2 bytes)');
    expect(previewText({ text: 'x'.repeat(500), base64: null, size: 500 }, 10)).toBe(`${'x'.repeat(10)}…`);
    expect(utf8Length('aé😀')).toBe(1 + 2 + 4);
  });
});

describe('a connection that joined late', () => {
  it('says what it missed before the panel opened, or that it is complete', () => {
    expect(lateJoinLine(null)).toBeNull();
    expect(lateJoinLine({ missedFrames: 0, missedBytes: 0 })).toBe('Joined late — opened before the panel, complete from its first byte.');
    expect(lateJoinLine({ missedFrames: 1, missedBytes: 2048 })).toBe('Joined late — 1 frame / 2048 bytes before the panel opened were not captured.');
    expect(connectionRow(summary({ joinedLate: { missedFrames: 2, missedBytes: 7 } }), null, 0).joinedLate).toEqual({ missedFrames: 2, missedBytes: 7 });
  });
});

describe('a late join whose frames were not all counted', () => {
  it('says the gap is of unknown size, and marks it incomplete', () => {
    expect(lateJoinLine({ missedFrames: 0, missedBytes: 0, uncounted: true })).toBe(
      'Joined late — kept from its first byte until the inspector stopped listening to it while no panel was open; the frames from then until the panel opened were not captured, and how many is not known.',
    );
    expect(lateJoinLine({ missedFrames: 2, missedBytes: 10, uncounted: true })).toMatch(/^Joined late — missing its first 2 frames \/ 10 bytes until/);
    expect(lateJoinIncomplete({ missedFrames: 0, missedBytes: 0, uncounted: true })).toBe(true);
    expect(lateJoinIncomplete({ missedFrames: 0, missedBytes: 0 })).toBe(false);
  });
});

describe('extendChunkRows (a live stream grows by a batch per frame)', () => {
  const event = (seq: number, text: string | null): TraceEvent => ({ seq, time: 100 + seq, dir: seq % 3 === 0 ? 'out' : 'in', text, base64: null, size: text?.length ?? 0, event: seq % 2 ? 'delta' : null, id: seq % 4 ? String(seq) : null, ...(seq === 5 ? { mark: 'injected' as const } : {}) });

  it('gives, batch after batch, the rows of all events built at once', () => {
    const events: TraceEvent[] = [];
    let rows = chunkRows(events);
    for (const batch of [1, 3, 2, 7]) {
      for (let k = 0; k < batch; k++) events.push(event(events.length, `payload ${events.length}`));
      const before = rows;
      rows = extendChunkRows(rows, events);
      expect(rows).toEqual(chunkRows(events));
      // The rows handed out before are left as they were (the table compares arrays).
      expect(rows).not.toBe(before);
      expect(before.length).toBe(events.length - batch);
    }
  });

  it('builds every row again once the budget dropped the oldest payloads', () => {
    const events = Array.from({ length: 6 }, (_, i) => event(i, `payload ${i}`));
    const rows = chunkRows(events);
    for (const e of events.slice(0, 3)) e.text = null;
    events.push(event(6, 'payload 6'));
    expect(extendChunkRows(rows, events)).toEqual(chunkRows(events));
    expect(extendChunkRows(rows, events)[0]!.text).toBeNull();
  });
});
