/**
 * Traces the CLI recorded against zoo apps (test/zoo/record-trace.ts): real libraries' wire
 * and what their pages showed. From the trace alone, the same functions must find the answer's
 * field, link the reconnect by identity and reach the verdict the live run reached.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeWithView, findResumes, reconnectResumeVerdict } from '../../../src/core/analysis';
import { readTraceSync, sessionsFromTrace } from '../../../src/core/export';

const DIR = resolve(import.meta.dirname, '../../fixtures/traces/zoo');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.dstrace.json')).sort();

function load(file: string) {
  const r = readTraceSync(readFileSync(resolve(DIR, file), 'utf8'));
  if (!r.ok) throw new Error(`${file}: ${r.error}`);
  const [{ snapshot }] = sessionsFromTrace(r.trace) as [ReturnType<typeof sessionsFromTrace>[number]];
  const conns = analyzeWithView(snapshot.connections, snapshot.view ?? []);
  const drops = snapshot.faults.filter((f) => f.kind === 'drop' && f.id.startsWith('test-drop-') && f.connectionId);
  const live = snapshot.testRuns.find((t) => t.test === 'reconnect-resume')!;
  return { snapshot, conns, drops, live };
}

/** What each recording must show, beyond the verdict. */
const EXPECT: Record<string, { field?: RegExp; linkedBy?: boolean }> = {
  'mcp-event-store.dstrace.json': { field: /params\.message of “notifications\/progress” messages/ },
  // Socket.IO's recognizer reads the token events itself; this recording proves the timing rule.
  'socketio-rooms.dstrace.json': {},
  'ai-sdk-resumable.dstrace.json': { linkedBy: true },
};

describe('verdicts from recorded traces of real libraries', () => {
  it('has the recordings', () => {
    expect(FILES).toEqual(expect.arrayContaining(Object.keys(EXPECT)));
  });

  for (const file of FILES) {
    it(`${file}: the trace gives the live run's verdict`, () => {
      const { snapshot, conns, drops, live } = load(file);
      expect(snapshot.view?.length ?? 0).toBeGreaterThan(0);
      expect(drops.length).toBeGreaterThan(0);
      const v = reconnectResumeVerdict({ conns, droppedAt: Math.min(...drops.map((d) => d.time)), droppedConnectionIds: drops.map((d) => d.connectionId!), timeoutMs: 15_000, view: snapshot.view ?? [] });
      expect(v.verdict, `${v.reason}\nlive: ${live.verdict.reason}`).toBe(live.verdict.verdict);
      const want = EXPECT[file];
      if (want?.field) expect(conns.map((c) => c.recognition.name).join('\n')).toMatch(want.field);
      if (want?.linkedBy) {
        const r = findResumes(conns).find((x) => drops.some((d) => d.connectionId === x.before.connectionId));
        expect(r?.linkedBy.length, 'the reconnect is linked by a shared id').toBeGreaterThan(0);
        const before = conns.find((c) => c.conn.summary.id === r!.before.connectionId)!.conn.summary;
        const after = conns.find((c) => c.conn.summary.id === r!.after.connectionId)!.conn.summary;
        expect(`${after.method} ${new URL(after.url).pathname}`).not.toBe(`${before.method} ${new URL(before.url).pathname}`);
      }
    });
  }
});
