import { describe, expect, it } from 'vitest';
import { captureLossNote, dormantNote, indicatorOf, framesNote, storageBanner, workersNote, type CaptureState } from './notices';

const ok = { ok: true, error: null, lostEvents: 0, pendingEvents: 0 };
const state = (x: Partial<CaptureState> = {}): CaptureState => ({ recording: true, recordOnLoad: false, origin: 'http://a', storage: ok, ...x });

describe('capture notices', () => {
  it('says whether the tab is recorded', () => {
    expect(indicatorOf(state(), 'live').label).toBe('● Recording');
    expect(indicatorOf(state({ recording: false }), 'live').label).toBe('○ Dormant');
    expect(indicatorOf(state({ origin: null }), 'live').label).toBe('Not capturable');
    expect(indicatorOf(state(), 'stored').cls).toBe('stored');
    expect(indicatorOf(null, 'live').cls).toBe('recording');
  });

  it('reports storage trouble with the count and the error', () => {
    expect(storageBanner(ok)).toBeNull();
    expect(storageBanner({ ok: false, error: 'QuotaExceededError: quota exceeded', lostEvents: 12, pendingEvents: 0 })).toBe(
      'Storage full: 12 events could not be saved (QuotaExceededError: quota exceeded). The live view still shows them; a stored session will miss them.',
    );
    expect(storageBanner({ ok: false, error: null, lostEvents: 0, pendingEvents: 1 })).toMatch(/^Storage failing: 1 event waiting/);
  });

  it('says which streams opened before the panel joined late, and asks for a reload only when something is missing', () => {
    expect(dormantNote(state(), true, [{ missedFrames: 0, missedBytes: 0 }, { missedFrames: 0, missedBytes: 0 }])).toBe(
      '2 streams opened before the panel joined late, complete from their first byte. Streams that had already ended before the panel was open are not captured.',
    );
    expect(dormantNote(state(), true, [{ missedFrames: 0, missedBytes: 0 }, { missedFrames: 3, missedBytes: 120 }])).toBe(
      '1 stream opened before the panel joined late and misses its start — reload the page with Record from page load on to capture from the start.',
    );
    expect(dormantNote(state(), true, [{ missedFrames: 0, missedBytes: 0 }])).not.toMatch(/reload/);
    expect(dormantNote(state(), true, [{ missedFrames: 0, missedBytes: 0 }, { missedFrames: 0, missedBytes: 0, uncounted: true }])).toBe(
      '1 stream opened before the panel joined late with a gap: the inspector stops listening to a stream after its first frames while no panel is open — reload the page with Record from page load on to capture it whole.',
    );
  });

  it('warns about streams opened while hooks were dormant, until the page reloads or records on load', () => {
    expect(dormantNote(state(), true)).toMatch(/^Streams that ended before the panel was open are not captured/);
    expect(dormantNote(state(), false)).toBeNull();
    expect(dormantNote(state({ recordOnLoad: true }), true)).toBeNull();
    expect(dormantNote(state({ origin: null }), true)).toBeNull();
  });

  it('counts distinct workers', () => {
    const w = (detail: string) => ({ time: 1, signal: 'worker' as const, detail, docId: 'd' });
    expect(workersNote([])).toBeNull();
    expect(workersNote([w('worker /a.js'), w('worker /a.js'), w('shared /b.js')])).toBe('This page started 2 workers: streams inside workers are not captured.');
  });

  it('names the first request a frame made before the hook reached it, and counts the others', () => {
    const f = (detail: string) => ({ time: 1, signal: 'frame' as const, detail, docId: 'd' });
    expect(framesNote([])).toBeNull();
    expect(framesNote([f('fetch http://a/sse in about:blank'), f('fetch http://a/sse in about:blank')])).toBe('A frame the capture cannot reach: fetch http://a/sse in about:blank. Streams there are not captured.');
    expect(framesNote([f('fetch http://a/1 in about:blank'), f('xmlhttprequest http://a/2 in about:srcdoc')])).toBe('A frame the capture cannot reach: fetch http://a/1 in about:blank and 1 more. Streams there are not captured.');
  });
});

describe('what capture itself lost', () => {
  const sig = (signal: 'capture-lost' | 'capture-paused' | 'online', detail: string | null) => ({ time: 1, signal, detail, docId: 'd' });
  it('says nothing while nothing was lost', () => {
    expect(captureLossNote([sig('online', null)])).toBeNull();
  });
  it('says the newest loss, and how many came before', () => {
    expect(captureLossNote([sig('capture-lost', '2 capture batches were lost while the extension restarted')])).toBe('Capture is incomplete: 2 capture batches were lost while the extension restarted.');
    expect(captureLossNote([sig('capture-paused', 'a'), sig('capture-lost', 'b'), sig('capture-lost', 'The payloads of the 3 oldest events (1.0 MiB) were dropped')])).toBe('Capture is incomplete: The payloads of the 3 oldest events (1.0 MiB) were dropped (and 2 earlier losses).');
  });
});
