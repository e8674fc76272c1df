/** The check runner's outputs: a readable report card, the JSON report, and JUnit XML. */
import type { Flag, Verdict } from '../core/analysis/types';
import type { TrapSummary } from '../core/analysis/summary';
import type { InternalErrorReport } from '../protocol/internal-errors';
import type { AnswerTiming } from '../core/analysis/answer-timing';

export interface CheckReport {
  url: string;
  startedAt: string;
  durationMs: number;
  tests: Array<{
    id: Verdict['test'];
    verdict: Verdict['verdict'];
    reason: string;
    advice: string | null;
    evidence: Verdict['evidence'];
    durationMs: number;
    /** The answer stream's timing in the capture the test ended on; null when no AI stream was captured (absent in reports of earlier versions). */
    timing?: AnswerTiming | null;
  }>;
  flags: Array<{ id: Flag['id']; severity: Flag['severity']; message: string; evidence: Flag['evidence'] }>;
  trapped: boolean | null;
  summary: string;
  /** Our own code's failures during the run (the page's hook, the background, the flag checks). */
  internalErrors: InternalErrorReport[];
}

export function buildReport(url: string, startedAt: number, runs: Array<{ verdict: Verdict; durationMs: number; timing?: AnswerTiming | null }>, flags: Flag[], summary: TrapSummary, internalErrors: InternalErrorReport[] = []): CheckReport {
  return {
    url,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Date.now() - startedAt,
    tests: runs.map(({ verdict: v, durationMs, timing }) => ({ id: v.test, verdict: v.verdict, reason: v.reason, advice: v.advice, evidence: v.evidence, durationMs, timing: timing ?? null })),
    flags: flags.map((f) => ({ id: f.id, severity: f.severity, message: f.message, evidence: f.evidence })),
    trapped: summary.trapped,
    summary: summary.text,
    internalErrors,
  };
}

export function exitCodeOf(report: CheckReport): 0 | 1 {
  return report.tests.every((t) => t.verdict === 'pass') ? 0 : 1;
}

const MARK = { pass: '✓ PASS', fail: '✗ FAIL', inconclusive: '? INCONCLUSIVE' } as const;

/** One test of the report card: its mark, reason, the first evidence and the advice. */
export function formatTest(t: Pick<Verdict, 'verdict' | 'reason' | 'evidence' | 'advice'> & { id: string; timing?: AnswerTiming | null }): string[] {
  const lines = [`  ${MARK[t.verdict].padEnd(15)} ${t.id}`, `      ${t.reason}`];
  for (const e of t.evidence.slice(0, 6)) lines.push(`      · ${e.label}${e.text ? `: “${e.text.replace(/\s+/g, ' ').slice(0, 100)}”` : ''}`);
  if (t.advice) lines.push(`      → ${t.advice}`);
  if (t.timing) lines.push(`      ⏱ ${timingLine(t.timing)}`);
  return lines;
}

const msText = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`);

/** One line of the answer's timing for the report card. */
export function timingLine(t: AnswerTiming): string {
  const rate = t.tokensPerSecond === null ? '—' : `${t.tokens.source === 'usage' ? '' : '~'}${t.tokensPerSecond.toFixed(1)} tokens/s${t.tokens.source === 'usage' ? '' : ' (estimated)'}`;
  const parts = [`first token ${msText(t.firstTokenMs)} (first byte ${msText(t.firstByteMs)})`, `total ${msText(t.totalMs)}`, rate, `gap p50/p95 ${msText(t.gaps.p50Ms)}/${msText(t.gaps.p95Ms)}`, `${t.stalls.length} stall${t.stalls.length === 1 ? '' : 's'} ≥ ${t.stallMs} ms`];
  const waited = t.resumeWaits.map((w) => w.waitedMs).filter((w): w is number => w !== null);
  if (waited.length > 0) parts.push(`waited ${waited.map((w) => `${Math.round(w)} ms`).join(', ')} across reconnects`);
  return parts.join(' · ');
}

export function formatReport(r: CheckReport): string {
  const lines = [`Durable Sessions check — ${r.url}`, ''];
  for (const t of r.tests) lines.push(...formatTest(t), '');
  if (r.flags.length) {
    lines.push('  Flags (seen without injecting anything):');
    for (const f of r.flags) lines.push(`    [${f.severity}] ${f.id}: ${f.message}`);
    lines.push('');
  }
  if (r.internalErrors.length) {
    lines.push("  The inspector's own code failed (the page was not affected; please report this):");
    for (const e of r.internalErrors) lines.push(`    ${e.where} ×${e.count}: ${e.message}`);
    lines.push('');
  }
  lines.push(`  ${r.summary}`);
  return lines.join('\n');
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junitXml(r: CheckReport): string {
  const failures = r.tests.filter((t) => t.verdict === 'fail').length;
  const errors = r.tests.filter((t) => t.verdict === 'inconclusive').length;
  const cases = r.tests.map((t) => {
    const body = [t.reason, ...t.evidence.map((e) => `- ${e.label}${e.text ? `: ${e.text}` : ''}`), t.advice ? `Fix: ${t.advice}` : ''].filter(Boolean).join('\n');
    const inner = t.verdict === 'pass' ? '' : t.verdict === 'fail' ? `\n      <failure type="fail" message="${xml(t.reason)}">${xml(body)}</failure>\n    ` : `\n      <error type="inconclusive" message="${xml(t.reason)}">${xml(body)}</error>\n    `;
    return `    <testcase classname="durable-sessions" name="${xml(t.id)}" time="${(t.durationMs / 1000).toFixed(3)}">${inner}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="durable-sessions" tests="${r.tests.length}" failures="${failures}" errors="${errors}" time="${(r.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${xml(r.url)}" tests="${r.tests.length}" failures="${failures}" errors="${errors}" timestamp="${r.startedAt}" time="${(r.durationMs / 1000).toFixed(3)}">`,
    ...cases,
    `    <system-out>${xml(r.summary)}</system-out>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
