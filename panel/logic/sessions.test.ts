import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../src/core/trace/session';
import { sessionCounts, sessionTests, sessionWhen, sortSessions } from './sessions';

const info = (id: string, updatedAt: number, x: Partial<SessionInfo> = {}): SessionInfo => ({
  id, tabId: 1, browserRun: 'r', url: `http://h/${id}`, startedAt: updatedAt - 5, updatedAt, connections: 1, events: 2, bytes: 2048, correlationIds: [], signals: [], faults: [], testRuns: [], ...x,
});

describe('the session picker list', () => {
  it('lists newest first', () => {
    expect(sortSessions([info('a', 10), info('b', 30), info('c', 20)]).map((s) => s.id)).toEqual(['b', 'c', 'a']);
  });

  it('says what each holds and when', () => {
    expect(sessionCounts(info('a', 1))).toBe('1 connection · 2 events · 2.0 kB');
    const noon = new Date(2026, 10, 5, 12, 0, 0).getTime();
    expect(sessionWhen(noon, noon + 1000, 'en-GB')).toBe('today 12:00:00');
    expect(sessionWhen(noon, noon + 2 * 86_400_000, 'en-GB')).toBe('05/11/2026 12:00:00');
    const fail = { id: 't', test: 'reconnect-resume' as const, startedAt: 0, endedAt: 1, verdict: { test: 'reconnect-resume' as const, verdict: 'fail' as const, reason: '', evidence: [], advice: null } };
    expect(sessionTests(info('a', 1, { testRuns: [fail] }))).toBe('1 test run, 1 failed');
  });
});
