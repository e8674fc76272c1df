import { describe, expect, it } from 'vitest';
import { exportTrace, importTrace } from '../../../src/core/export/trace-export';
import { sessionsFromTrace } from '../../../src/core/export/trace-model';
import { readTrace, readTraceSync } from '../../../src/core/export/trace-reader';
import { traceChunks, traceLines, traceReadableStream } from '../../../src/core/export/trace-writer';
import { bigInput, Gen, genInput } from './gen';
import { schemaValidator } from './schema';

const validTrace = schemaValidator('trace-v1.schema.json');

/** Cuts a text into random pieces (including empty ones and cuts inside escapes and characters). */
function cutRandomly(text: string, g: Gen): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const n = g.pick([0, 1, 2, 3, 7, 64, 1000]);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

describe('trace export → import round trip', () => {
  // 200 exports, each reading its streams for their timing: seconds on a loaded machine.
  it('gives back the same sessions, connections, events, summaries, faults, test runs and views (200 generated traces)', async () => {
    let views = 0;
    let without = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const input = genInput(seed);
      const ex = exportTrace(input, { redact: false });
      const text = [...ex.chunks({ pieceSize: 1 + (seed % 5) * 100 })].join('');
      expect(JSON.parse(text)).toEqual(ex.trace); // one plain JSON document
      const g = new Gen(seed);
      const pieces = seed % 2 === 0 ? cutRandomly(text, g) : [new TextEncoder().encode(text)];
      const r = await importTrace(pieces);
      if (!r.ok) throw new Error(`seed ${seed}: ${r.error.message}`);
      expect(r.trace).toEqual(ex.trace);
      expect(r.warnings).toEqual([]);
      const back = sessionsFromTrace(r.trace);
      expect(back.map((s) => s.snapshot)).toEqual(input.sessions.map((s) => s.snapshot));
      back.forEach((s, k) => {
        // toEqual passes a missing key for `undefined`: say exactly which snapshots have a view.
        expect('view' in s.snapshot).toBe(input.sessions[k]!.snapshot.view !== undefined);
        if (s.snapshot.view?.length) views++;
        else if (s.snapshot.view === undefined) without++;
      });
      back.forEach((s, k) => {
        const info = input.sessions[k]!.info;
        expect(s.info).toMatchObject({ id: info.id, tabId: info.tabId, url: info.url, correlationIds: info.correlationIds });
        expect(s.info.events).toBe(input.sessions[k]!.snapshot.connections.reduce((a, c) => a + c.events.length, 0));
      });
      expect(r.trace.testRuns.filter((t) => t.verdict === null)).toEqual(input.testRuns);
      expect(r.trace.flags).toEqual(input.flags);
    }
    expect(views).toBeGreaterThan(50);
    expect(without).toBeGreaterThan(20);
  }, 30_000);

  it('writes files that satisfy schemas/trace-v1.schema.json', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const ex = exportTrace(genInput(seed), { includeParsed: seed % 2 === 0 });
      expect(validTrace(JSON.parse([...ex.chunks()].join('')))).toEqual([]);
    }
  });

  it('writes one event per line', () => {
    const ex = exportTrace(bigInput(5), { redact: false });
    const lines = [...traceLines(ex.trace)].join('').split('\n');
    expect(lines.filter((l) => l.startsWith('{"seq":'))).toHaveLength(5);
    expect(lines[0]).toMatch(/^\{"format":"durable-sessions-trace","version":1,/);
  });

  it('keeps parsed fields optional and derived', async () => {
    const ex = exportTrace(genInput(3), { includeParsed: true, redact: false });
    const r = await importTrace([...ex.chunks()]);
    expect(r.ok && r.trace).toEqual(ex.trace);
    const withParsed = ex.trace.sessions.flatMap((s) => s.connections.flatMap((c) => c.events)).filter((e) => e.parsed);
    expect(withParsed.length).toBeGreaterThan(0);
  });

  it('round-trips 100,000 events in pieces, reading from a ReadableStream', async () => {
    const input = bigInput(100_000);
    const ex = exportTrace(input, { redact: false });
    let max = 0;
    let total = 0;
    for (const p of ex.chunks()) {
      max = Math.max(max, p.length);
      total += p.length;
    }
    // Pieces stay small however big the trace: the writer never builds the whole file.
    expect(max).toBeLessThan(70 * 1024);
    expect(total).toBeGreaterThan(5_000_000);
    const enc = new TextEncoderStream();
    const r = await readTrace(traceReadableStream(ex.trace).pipeThrough(enc));
    if (!r.ok) throw new Error(r.error.message);
    const c = r.trace.sessions[0]!.connections[0]!;
    expect(c.events).toHaveLength(100_000);
    expect(c.events[99_999]).toEqual(input.sessions[0]!.snapshot.connections[0]!.events[99_999]);
    const back = sessionsFromTrace(r.trace)[0]!.snapshot.connections[0]!;
    const original = input.sessions[0]!.snapshot.connections[0]!;
    expect(back.summary).toEqual(original.summary);
    // Deep equality of 100k objects is slow in expect; their JSON is the same check, faster.
    expect(JSON.stringify(back.events)).toBe(JSON.stringify(original.events));
  }, 60_000);

  it('reads a re-indented copy of a trace the same (the layout is not required)', () => {
    const ex = exportTrace(genInput(11), { redact: false });
    const pretty = JSON.stringify(JSON.parse([...traceChunks(ex.trace)].join('')), null, 2);
    const r = readTraceSync(pretty);
    expect(r.ok && r.trace).toEqual(ex.trace);
  });

  it('names the file after the export time', () => {
    expect(exportTrace(genInput(1)).fileName).toBe('durable-sessions-2024-04-01T12-00-00-000.dstrace.json');
  });
});
