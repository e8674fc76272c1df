/**
 * The Playwright fixture's parts that need no browser: which Chromium it launches, when it
 * attaches its trace, what `durable.capture` gives for a recorded session of a real library,
 * and what a failed `toPass` says.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chooseBrowser, shouldAttach } from '../../../src/playwright/decisions';
import { captureOf } from '../../../src/playwright/capture';
import { isVerdict, reasonMatches, toHaveVerdictMessage, toPassMessage } from '../../../src/playwright/matchers';
import type { DurableVerdict } from '../../../src/playwright/types';
import { readTraceSync, sessionsFromTrace } from '../../../src/core/export';
import type { CheckReport } from '../../../src/cli/report';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures');

describe('which Chromium the fixture launches', () => {
  const base = { bundled: '/pw/chromium-1/chrome', system: '/usr/bin/chromium' };
  const only = (...present: string[]) => (p: string) => present.includes(p);
  it('an explicit binary, then CHROMIUM_PATH, then a chosen channel', () => {
    expect(chooseBrowser({ ...base, executablePath: '/opt/c', envPath: '/env/c', exists: only() })).toMatchObject({ chromium: '/opt/c' });
    expect(chooseBrowser({ ...base, envPath: '/env/c', channel: 'chrome', exists: only() })).toMatchObject({ chromium: '/env/c' });
    expect(chooseBrowser({ ...base, channel: 'msedge', exists: only() })).toMatchObject({ chromium: null, channel: 'msedge' });
  });
  it("Playwright's own Chromium (new headless: channel chromium) when installed, else the system's", () => {
    expect(chooseBrowser({ ...base, exists: only(base.bundled, base.system) })).toMatchObject({ chromium: null, channel: 'chromium' });
    expect(chooseBrowser({ ...base, exists: only(base.system) })).toMatchObject({ chromium: '/usr/bin/chromium' });
    expect(chooseBrowser({ ...base, bundled: null, exists: only(base.system) })).toMatchObject({ chromium: '/usr/bin/chromium' });
  });
  it('none: says what to install', () => {
    expect(() => chooseBrowser({ ...base, exists: only() })).toThrow(/npx playwright install chromium.*CHROMIUM_PATH/);
  });
});

describe('when the trace is attached', () => {
  it('follows Playwright: retain-on-failure keeps it when the test did not end as expected', () => {
    expect(shouldAttach('retain-on-failure', { status: 'failed', expectedStatus: 'passed' })).toBe(true);
    expect(shouldAttach('retain-on-failure', { status: 'timedOut', expectedStatus: 'passed' })).toBe(true);
    expect(shouldAttach('retain-on-failure', { status: 'passed', expectedStatus: 'passed' })).toBe(false);
    // test.fail() that fails as expected is not a failure.
    expect(shouldAttach('retain-on-failure', { status: 'failed', expectedStatus: 'failed' })).toBe(false);
    expect(shouldAttach('on', { status: 'passed', expectedStatus: 'passed' })).toBe(true);
    expect(shouldAttach('off', { status: 'failed', expectedStatus: 'passed' })).toBe(false);
  });
});

describe('durable.capture on a recorded session (AI SDK + resumable-stream)', () => {
  const r = readTraceSync(readFileSync(resolve(FIXTURES, 'traces/zoo/ai-sdk-resumable.dstrace.json'), 'utf8'));
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const [session] = sessionsFromTrace(r.trace);
  const capture = captureOf(session!.info.id, session!.snapshot);

  it('lists the connections with the dropped stream and its resume', () => {
    const ai = capture.connections.filter((c) => c.aiStream);
    expect(ai.length).toBeGreaterThanOrEqual(2);
    const dropped = ai.find((c) => c.faults.some((f) => f.kind === 'drop'));
    expect(dropped?.endInjected).toBe(true);
    expect(ai.some((c) => c !== dropped && c.method === 'GET')).toBe(true);
    for (const c of capture.connections) expect(c.transport).toMatch(/^(fetch|XHR|WebSocket|EventSource)/);
  });

  it('has the reassembled messages and consistent timing', () => {
    expect(capture.messages.length).toBeGreaterThan(0);
    expect(capture.messages.some((m) => m.finished && m.text.split(' ').length > 10)).toBe(true);
    expect(capture.timing.startedAt).toBe(Math.min(...capture.connections.map((c) => c.startedAt)));
    expect(capture.timing.durationMs).toBeGreaterThan(0);
    expect(capture.timing.firstEventMs).toBeGreaterThanOrEqual(0);
  });
});

describe('toPass and toHaveVerdict messages', () => {
  const report = JSON.parse(readFileSync(resolve(FIXTURES, 'reports/trapped-sse.check.json'), 'utf8')) as CheckReport;
  const t = report.tests[0]!;
  const verdict: DurableVerdict = { test: t.id, verdict: t.verdict, reason: t.reason, evidence: t.evidence, advice: t.advice };

  it('a failed toPass says the test, the verdict, why, the evidence and the advice', () => {
    const message = toPassMessage(verdict, false);
    expect(message.split('\n')[0]).toBe('expected reconnect-resume to PASS, but it is FAIL');
    expect(message).toContain(t.reason);
    expect(message).toContain(`· ${t.evidence[0]!.label}`);
    expect(message).toContain(`→ ${t.advice}`);
    expect(toPassMessage({ ...verdict, verdict: 'pass' }, true).split('\n')[0]).toBe('expected reconnect-resume not to PASS, but it passed');
  });

  it('toHaveVerdict names the verdict and the reason pattern', () => {
    expect(reasonMatches(t.reason, /did not reconnect/)).toBe(true);
    expect(reasonMatches(t.reason, 'did not reconnect')).toBe(true);
    expect(reasonMatches(t.reason, /resumed/)).toBe(false);
    expect(toHaveVerdictMessage(verdict, 'pass', /resumed/, false).split('\n')[0]).toBe('expected reconnect-resume to be PASS with a reason matching /resumed/');
  });

  it('only verdicts are verdicts', () => {
    expect(isVerdict(verdict)).toBe(true);
    for (const x of [null, undefined, 'pass', { verdict: 'pass' }, { ...verdict, verdict: 'passed' }, [verdict]]) expect(isVerdict(x)).toBe(false);
  });
});
