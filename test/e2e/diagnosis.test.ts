/**
 * The three validation tests against every mode of the demo app, in real Chromium, started the
 * way the panel starts them (the panel protocol, through an extension page). Trapped modes fail
 * all three for the right reasons, durable modes pass all three, and every run restores what
 * it changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlSession, waitForCapture, type ControlSession } from '../harness/control-session';
import type { TestId, Verdict } from '../../src/core/analysis/types';
import { analyzeConnection, passiveFlags } from '../../src/core/analysis';

let s: ControlSession;

beforeAll(async () => {
  s = await startControlSession({ tokensPerSecond: 30, tokens: 60 });
});
afterAll(async () => {
  await s?.close();
});

const OPTIONS = { timeoutMs: 4000, dropAfterEvents: 5, waitForGenerationMs: 15_000 };

async function run(path: string, test: TestId): Promise<Verdict> {
  await s.page.goto(`${s.demo.url}${path}`);
  await s.page.getByLabel('Prompt').fill(`check ${test}`);
  await s.page.getByRole('button', { name: 'Send' }).click();
  const pagesBefore = s.browser.context.pages().length;
  const record = await s.control.runTest(test, OPTIONS);
  // Whatever the verdict, the run closed the second tab it opened.
  expect(s.browser.context.pages().length).toBe(pagesBefore);
  return record.verdict;
}

describe('trapped modes fail all three tests with the right reasons', () => {
  for (const mode of ['trapped-sse', 'trapped-ws']) {
    it(`${mode}: reconnect-resume fails — no reconnect`, async () => {
      const v = await run(`/${mode}/`, 'reconnect-resume');
      expect(v.verdict, v.reason).toBe('fail');
      expect(v.reason).toMatch(/did not reconnect within 4 s/);
    });
    it(`${mode}: multi-surface fails — the second tab gets nothing`, async () => {
      const v = await run(`/${mode}/`, 'multi-surface');
      expect(v.verdict, v.reason).toBe('fail');
      expect(v.reason).toMatch(/received no stream of the in-flight answer/);
    });
    it(`${mode}: second-tab-cancel fails — Stop is disabled in tab B`, async () => {
      const v = await run(`/${mode}/`, 'second-tab-cancel');
      expect(v.verdict, v.reason).toBe('fail');
      expect(v.reason).toMatch(/“Stop” control, but it is disabled there/);
    });
  }
});

describe('durable modes pass all three tests', () => {
  for (const mode of ['durable-sse', 'durable-ws']) {
    for (const test of ['reconnect-resume', 'multi-surface', 'second-tab-cancel'] as const) {
      it(`${mode}: ${test} passes`, async () => {
        const v = await run(`/${mode}/`, test);
        expect(v.verdict, `${v.reason}\n${JSON.stringify(v.evidence, null, 1)}`).toBe('pass');
        if (test === 'second-tab-cancel') expect(v.evidence.some((e) => e.label.startsWith('tab B sent an explicit cancel'))).toBe(true);
        if (test === 'reconnect-resume') expect(v.evidence.some((e) => /^reconnected with (event-id|offset) \d+/.test(e.label))).toBe(true);
      });
    }
  }
});

describe('EventSource passes reconnect-resume only when the server sends ids', () => {
  it('with ids: the browser resumes with Last-Event-ID and the answer completes', async () => {
    const v = await run('/eventsource/', 'reconnect-resume');
    expect(v.verdict, v.reason).toBe('pass');
  });
  it('without ids: the reconnect replays the answer from the start', async () => {
    const v = await run('/eventsource/?ids=0', 'reconnect-resume');
    expect(v.verdict, v.reason).toBe('fail');
    expect(v.reason).toMatch(/started over from the beginning/);
  });
});

describe('multi-agent: the funnelled orchestrator is flagged, the direct one is not', () => {
  async function flagsOf(path: string) {
    await s.page.goto(`${s.demo.url}${path}`);
    await s.page.getByLabel('Prompt').fill('plan it');
    await s.page.getByRole('button', { name: 'Send' }).click();
    await s.page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 30_000 });
    // The capture trails the page by a batch: wait until every stream of this page has ended in it.
    const snap = await waitForCapture(s.control, `the ${path} streams ended`, (sn) => {
      const mine = sn.connections.filter((c) => c.summary.url.includes(path));
      return mine.length > 0 && mine.every((c) => c.summary.state === 'ended') ? sn : null;
    });
    return passiveFlags(snap.connections.map(analyzeConnection), Date.now()).map((f) => f.id);
  }
  it('funnel', async () => {
    expect(await flagsOf('/multi-agent-funnel/')).toContain('orchestrator-funnel');
  });
  it('direct', async () => {
    expect(await flagsOf('/multi-agent-direct/')).not.toContain('orchestrator-funnel');
  });
});

describe('the tests restore what they change', () => {
  it('no fault stays armed after reconnect-resume: the next generation completes', async () => {
    await run('/durable-sse/', 'reconnect-resume');
    await s.page.goto(`${s.demo.url}/trapped-sse/`);
    await s.page.getByLabel('Prompt').fill('after the test');
    await s.page.getByRole('button', { name: 'Send' }).click();
    await s.page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 30_000 });
  });

  it('is inconclusive, and opens nothing, when no generation streams', async () => {
    await s.page.goto(`${s.demo.url}/durable-sse/`);
    const record = await s.control.runTest('second-tab-cancel', { ...OPTIONS, waitForGenerationMs: 1500 });
    expect(record.verdict.verdict).toBe('inconclusive');
    expect(record.verdict.reason).toMatch(/No generation was streaming/);
  });
});
