/**
 * Runs one validation test against a tab, one at a time per tab, reporting progress and the
 * verdict. Whatever happens (a failure, the user cancelling, an exception), the run restores
 * what it changed: faults are disarmed and the second tab closed by each test's `finally`.
 */
import type { TestId, Verdict } from '../../core/analysis';
import type { TestContext } from './context';
import { runReconnectResume } from './reconnect-resume';
import { runMultiSurface } from './multi-surface';
import { runSecondTabCancel } from './second-tab-cancel';

const TESTS: Record<TestId, (ctx: TestContext) => Promise<Verdict>> = {
  'reconnect-resume': runReconnectResume,
  'multi-surface': runMultiSurface,
  'second-tab-cancel': runSecondTabCancel,
};

export async function runTest(ctx: TestContext): Promise<Verdict> {
  try {
    const verdict = await TESTS[ctx.test](ctx);
    if (ctx.aborted()) return { test: ctx.test, verdict: 'inconclusive', reason: 'The test was cancelled before it could decide.', evidence: [], advice: null };
    return verdict;
  } catch (e) {
    return { test: ctx.test, verdict: 'inconclusive', reason: `The test could not run: ${e instanceof Error ? e.message : String(e)}`, evidence: [], advice: null };
  }
}
