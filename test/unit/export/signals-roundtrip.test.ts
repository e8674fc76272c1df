import { describe, expect, it } from 'vitest';
import { exportHar, harChunks } from '../../../src/core/export/har-export';
import { exportTrace, importTrace } from '../../../src/core/export/trace-export';
import { sessionsFromTrace, type TraceInput } from '../../../src/core/export/trace-model';

/**
 * The background adds `capture-lost` when relay batches went missing, and the hook sends
 * `capture-paused`; a trace of such a session used to be refused on import because the
 * validator listed fewer signals than the model has.
 */
function sessionWith(signal: 'capture-lost' | 'capture-paused'): TraceInput {
  return {
    sessions: [
      {
        info: { id: 's1', tabId: 3, browserRun: 'run-1', url: 'https://app.example.test/', startedAt: 1_712_000_000_000, updatedAt: 1_712_000_005_000, correlationIds: [] },
        snapshot: { connections: [], signals: [{ time: 1_712_000_001_000, signal, detail: '2 capture batches were lost while the extension restarted', docId: 'doc-1' }], faults: [], testRuns: [] },
      },
    ],
    environment: { browser: 'Chrome 126', extensionVersion: '0.1.0', pageUrl: 'https://app.example.test/' },
    exportedAt: '2024-04-01T12:00:00.000Z',
  };
}

describe('page signals the extension itself records survive export and import', () => {
  for (const signal of ['capture-lost', 'capture-paused'] as const) {
    it(`a session with a ${signal} signal exports as a trace and imports again`, async () => {
      const input = sessionWith(signal);
      const r = await importTrace([...exportTrace(input, { redact: false }).chunks()]);
      if (!r.ok) throw new Error(r.error.message);
      expect(sessionsFromTrace(r.trace)[0]!.snapshot.signals).toEqual(input.sessions[0]!.snapshot.signals);
    });

    it(`a session with a ${signal} signal exports as HAR and imports again`, async () => {
      const input = sessionWith(signal);
      const r = await importTrace([...harChunks(exportHar(input, { redact: false }).har)]);
      if (!r.ok) throw new Error(r.error.message);
      expect(sessionsFromTrace(r.trace)[0]!.snapshot.signals).toEqual(input.sessions[0]!.snapshot.signals);
    });
  }
});
