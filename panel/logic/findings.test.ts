import { describe, expect, it } from 'vitest';
import type { TestRunRecord } from '../../src/core/trace/session';
import type { Flag } from '../../src/core/analysis';
import { DEFAULT_TEST_FORM, evidenceTarget, latestRuns, runOptionsOf, sortFlags, trapWord } from './findings';

const run = (id: string, test: TestRunRecord['test'], endedAt: number, verdict: 'pass' | 'fail' = 'pass'): TestRunRecord => ({ id, test, startedAt: endedAt - 10, endedAt, verdict: { test, verdict, reason: 'r', evidence: [], advice: null } });

describe('tests & findings helpers', () => {
  it('turns the options form into run options, leaving blanks to the defaults', () => {
    expect(runOptionsOf(DEFAULT_TEST_FORM)).toEqual({ ok: true, options: { timeoutMs: 15000, dropAfterEvents: 5 } });
    expect(runOptionsOf({ timeoutSeconds: '', dropAfterEvents: '', secondTabUrl: ' http://x/c?=1 ', stopSelector: '#stop' })).toEqual({ ok: true, options: { secondTabUrl: 'http://x/c?=1', stopSelector: '#stop' } });
    expect(runOptionsOf({ ...DEFAULT_TEST_FORM, secondTabUrl: 'javascript:alert(1)' }).ok).toBe(false);
    expect(runOptionsOf({ ...DEFAULT_TEST_FORM, dropAfterEvents: '2.5' }).ok).toBe(false);
  });

  it('keeps the latest run of each test, in test order', () => {
    const runs = [run('a', 'second-tab-cancel', 5), run('b', 'reconnect-resume', 1, 'fail'), run('c', 'reconnect-resume', 9)];
    expect(latestRuns(runs).map((r) => r.id)).toEqual(['c', 'a']);
  });

  it('orders flags by severity and words the badge', () => {
    const f = (id: Flag['id'], severity: Flag['severity']): Flag => ({ id, severity, capability: 'resilient-delivery', message: '', evidence: [], learnMore: '' });
    expect(sortFlags([f('sse-without-ids', 'medium'), f('request-bound-stream', 'high')]).map((x) => x.id)).toEqual(['request-bound-stream', 'sse-without-ids']);
    expect(trapWord({ trapped: true, missing: [], text: '' })).toBe('yes');
    expect(trapWord({ trapped: null, missing: [], text: '' })).toBe('unknown');
  });

  it('points evidence at a connection and event that exist', () => {
    const capture = new Map([['d:1', { summary: {} as never, events: [{}, {}, {}] as never[] }]]);
    expect(evidenceTarget({ label: 'x', connectionId: 'd:1', eventSeqs: [2] }, capture)).toEqual({ connectionId: 'd:1', seq: 2 });
    expect(evidenceTarget({ label: 'x', connectionId: 'd:1', eventSeqs: [7] }, capture)).toEqual({ connectionId: 'd:1', seq: null });
    expect(evidenceTarget({ label: 'x', connectionId: 'other-tab:1' }, capture)).toBeNull();
    expect(evidenceTarget({ label: 'x' }, capture)).toBeNull();
  });
});
