/**
 * The panel refreshes a live stream's timing as it grows (panel/timing.ts), through
 * `timingFold`, which reads only the recognized events added since its last call. After
 * every batch it must give exactly what `streamTiming` gives for the connection read whole
 * from a fresh copy; and a result it handed out must not change as the stream grows.
 */
import { describe, expect, it } from 'vitest';
import { analyzeConnection } from '../../../src/core/analysis';
import { streamTiming, timingFold } from '../../../src/core/analysis/timing';
import { recognize } from '../../../src/core/protocols';
import { reassemble } from '../../../src/core/reassembly';
import type { ConnectionCapture } from '../../../src/core/trace/model';
import { captureFromMessages, loadFixture, type WireFrame } from '../core/fixture';

/** The same events at uneven times: mostly 20–80 ms apart, every 7th after a 1.2–2 s stall. */
function paced(conn: ConnectionCapture): ConnectionCapture {
  let t = conn.summary.startedAt + 35;
  const events = conn.events.map((e, i) => {
    t += i % 7 === 6 ? 1200 + ((i * 131) % 800) : 20 + ((i * 37) % 60);
    return { ...e, time: t };
  });
  return { summary: { ...conn.summary }, events };
}

/** streamTiming of `conn` as it is now, read whole from a copy (no memo shared with the fold's readings). */
function wholeTiming(conn: ConnectionCapture, stallMs?: number) {
  const copy: ConnectionCapture = { summary: { ...conn.summary }, events: conn.events.map((e) => ({ ...e })) };
  const recognition = recognize(copy);
  return streamTiming({ conn: copy, recognition, output: reassemble(recognition), isAiStream: true }, stallMs ? { stallMs } : {});
}

/** An EventSource of `n` plain-text tokens (read incrementally: its events grow in place). */
function tokenStream(n: number): ConnectionCapture {
  const frames: WireFrame[] = [];
  for (let i = 0; i < n; i++) frames.push({ dir: 'in', text: ` w${i}` });
  return captureFromMessages(frames, { url: 'https://app.test/events' }, 'eventsource');
}

const CASES: { name: string; conn: () => ConnectionCapture }[] = [
  { name: 'Socket.IO over WebSocket', conn: () => loadFixture('socketio', 'chat.json') },
  { name: 'OpenAI Realtime over WebSocket (usage reports)', conn: () => loadFixture('openai-realtime', 'text.json') },
  { name: 'plain-text tokens over EventSource (40 events)', conn: () => tokenStream(40) },
  { name: 'JSON over WebSocket (generic)', conn: () => loadFixture('generic', 'ws.json') },
  // A fetch body is re-read whole per batch (new event objects): the fold starts over each time.
  { name: 'OpenAI chat over fetch (tools)', conn: () => loadFixture('openai-chat', 'tools.txt', { kind: 'fixed', size: 40 }) },
];

describe('the timing fold of a growing stream', () => {
  for (const c of CASES) {
    it(`${c.name}: after every batch, the same as reading it whole`, () => {
      const full = paced(c.conn());
      expect(full.events.length).toBeGreaterThan(3);
      const live: ConnectionCapture = { summary: { ...full.summary, state: 'open', endedAt: null }, events: [] };
      const fold = timingFold();
      let batches = 0;
      for (let i = 0; i < full.events.length; ) {
        const n = 1 + ((i * 7) % 5);
        for (const e of full.events.slice(i, i + n)) live.events.push(e);
        i += n;
        live.summary.events = live.events.length;
        expect(fold.update(analyzeConnection(live)), `after ${live.events.length} events`).toEqual(wholeTiming(live));
        batches++;
      }
      live.summary.state = 'ended';
      live.summary.endedAt = full.events.at(-1)!.time + 5;
      const final = fold.update(analyzeConnection(live));
      expect(final).toEqual(wholeTiming(live));
      expect(batches).toBeGreaterThan(1);
      // The paced stream has stalls: the comparison covered them.
      expect(final.gaps.count).toBeGreaterThan(0);
    });
  }

  it('finds the stalls of the fixture, and a new threshold re-reads the stream', () => {
    const live = paced(loadFixture('socketio', 'chat.json'));
    const fold = timingFold();
    const at1000 = fold.update(analyzeConnection(live));
    expect(at1000.stalls.length).toBeGreaterThan(0);
    const at3000 = fold.update(analyzeConnection(live), { stallMs: 3000 });
    expect(at3000).toEqual(wholeTiming(live, 3000));
    expect(at3000.stalls).toEqual([]);
  });

  it('a timing handed out earlier does not change as the stream grows', () => {
    const full = paced(tokenStream(40));
    const live: ConnectionCapture = { summary: { ...full.summary, state: 'open' }, events: full.events.slice(0, 10) };
    const fold = timingFold();
    const early = fold.update(analyzeConnection(live));
    const frozen = JSON.parse(JSON.stringify(early)) as unknown;
    for (const e of full.events.slice(10)) live.events.push(e);
    const later = fold.update(analyzeConnection(live));
    expect(later.stalls.length).toBeGreaterThan(early.stalls.length);
    expect(JSON.parse(JSON.stringify(early))).toEqual(frozen);
  });
});
