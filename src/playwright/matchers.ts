/**
 * `expect(verdict).toPass()` and `expect(verdict).toHaveVerdict('fail', /reason/)`: a failed
 * assertion says which test, its verdict, why, the evidence and the advice, as the CLI's
 * report card does, so a CI log alone tells what broke.
 */
import { formatTest } from '../cli/report';
import type { DurableVerdict } from './types.js';

const VERDICTS = ['pass', 'fail', 'inconclusive'] as const;

export function isVerdict(x: unknown): x is DurableVerdict {
  if (typeof x !== 'object' || x === null) return false;
  const v = x as Record<string, unknown>;
  return typeof v.test === 'string' && VERDICTS.includes(v.verdict as DurableVerdict['verdict']) && typeof v.reason === 'string' && Array.isArray(v.evidence);
}

/** The verdict as the report card shows it: mark, test, reason, evidence, advice. */
export function describeVerdict(v: DurableVerdict): string {
  return formatTest({ id: v.test, verdict: v.verdict, reason: v.reason, evidence: v.evidence, advice: v.advice }).join('\n');
}

export function notAVerdict(matcher: string, x: unknown): Error {
  const what = x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
  return new Error(`${matcher}: expected the verdict a durable test resolved (await durable.reconnectResume(…), multiSurface or secondTabCancel), got ${what}`);
}

/** The failure message of `toPass` (isNot: of `not.toPass`). */
export function toPassMessage(v: DurableVerdict, isNot: boolean): string {
  const head = isNot ? `expected ${v.test} not to PASS, but it passed` : `expected ${v.test} to PASS, but it is ${v.verdict.toUpperCase()}`;
  return `${head}\n\n${describeVerdict(v)}`;
}

export function reasonMatches(reason: string, expected: string | RegExp | undefined): boolean {
  if (expected === undefined) return true;
  return typeof expected === 'string' ? reason.includes(expected) : expected.test(reason);
}

export function toHaveVerdictMessage(v: DurableVerdict, verdict: DurableVerdict['verdict'], reason: string | RegExp | undefined, isNot: boolean): string {
  const want = `${verdict.toUpperCase()}${reason === undefined ? '' : ` with a reason matching ${String(reason)}`}`;
  return `expected ${v.test} ${isNot ? 'not ' : ''}to be ${want}\n\n${describeVerdict(v)}`;
}
