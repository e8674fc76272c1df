/**
 * One zoo family as an e2e suite: for each variant the oracle measures what really happens on
 * a drop, in a second tab and on Stop in a second tab; then `durable-sessions check`, given
 * only --prompt, must reach the same verdicts. Across the family each test must have both a
 * pass and a fail, so the CLI is proven on both sides of every verdict with the same library.
 * Each run's truths and verdicts are written to artifacts/zoo/<family>.json for reviewers, and
 * the CLI's trace of each variant to artifacts/zoo/traces/<family>-<variant>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestId } from '../../src/core/analysis/types';
import { checkWithCli } from './check';
import { traceSummary } from './trace-summary';
import { measureTruth, type Truth } from './oracle';
import type { ZooVariant } from './types';

const TESTS: TestId[] = ['reconnect-resume', 'multi-surface', 'second-tab-cancel'];
const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts/zoo');
const TRACES = resolve(ARTIFACTS, 'traces');

interface Row {
  variant: string;
  test: TestId;
  truth: Truth;
  cli: { verdict: string; reason: string } | null;
}

export function zooFamily(family: string, title: string, variants: readonly ZooVariant[], prompt: string): void {
  const rows: Row[] = [];
  describe.sequential(`zoo: ${title}`, () => {
    afterAll(() => {
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(resolve(ARTIFACTS, `${family}.json`), `${JSON.stringify(rows, null, 2)}\n`);
    });

    for (const variant of variants) {
      it(`${variant.id}: the CLI's verdicts match the measured truth`, async () => {
        const app = await variant.start();
        try {
          const truths = new Map<TestId, Truth>();
          for (const test of TESTS) truths.set(test, await measureTruth(app, test, prompt));
          // The CLI's own capture of the run, kept beside the verdicts: when a verdict differs from
          // the oracle in CI, what each tab captured is the first thing to read.
          mkdirSync(TRACES, { recursive: true });
          const trace = resolve(TRACES, `${family}-${variant.id}.json`);
          const cli = await checkWithCli(app.origin + app.path, prompt, ['--trace', trace]);
          expect(cli.report, `the CLI wrote no report:\n${cli.output}`).not.toBeNull();
          for (const test of TESTS) {
            const truth = truths.get(test)!;
            const got = cli.report?.tests.find((t) => t.id === test);
            rows.push({ variant: variant.id, test, truth, cli: got ? { verdict: got.verdict, reason: got.reason } : null });
            const said = `${variant.id} / ${test}: the oracle measured ${truth.verdict} (${truth.why}); the CLI said ${got?.verdict ?? 'nothing'} (${got?.reason ?? 'no result for this test'})`;
            // How the CLI sent (which control, which traffic it took for the send): a wrong pick
            // shows as a test waiting for a generation nobody asked for.
            const sending = cli.output.split('\n').filter((l) => l.startsWith(`${test}: `) && /\bsent\b/.test(l));
            const why = `${said}\nhow the CLI sent: ${sending.join(' | ') || 'no line says'}\nwhat the CLI captured:\n${traceSummary(trace)}`;
            expect.soft(got?.verdict, got?.verdict === truth.verdict ? said : why).toBe(truth.verdict);
          }
        } finally {
          await app.close();
        }
      }, 360_000);
    }

    it('the family covers a pass and a fail for each test', () => {
      for (const test of TESTS) {
        const mine = rows.filter((r) => r.test === test);
        const verdicts = new Set(mine.map((r) => r.truth.verdict));
        expect(verdicts.has('pass') && verdicts.has('fail'), `${test} across the ${title} variants — ${mine.map((r) => `${r.variant}: ${r.truth.verdict}`).join(', ')}`).toBe(true);
      }
    });
  });
}
