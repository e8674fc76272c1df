/**
 * The GitHub Action's job summary, from reports recorded by real `durable-sessions check`
 * runs against the demo (test/fixtures/reports/), and from a report whose page-quoted text is
 * hostile: it must stay plain text in one table cell.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { escapeMarkdown, jobSummary } from '../../../scripts/job-summary';
import type { CheckReport } from '../../../src/cli/report';

const ROOT = resolve(import.meta.dirname, '../../..');
const recorded = (name: string): CheckReport => JSON.parse(readFileSync(join(ROOT, 'test/fixtures/reports', `${name}.check.json`), 'utf8')) as CheckReport;

/** The table's body rows, split on the pipes Markdown reads as cell borders (not `\|`). */
function tableRows(md: string): string[][] {
  const lines = md.split('\n');
  const start = lines.indexOf('| --- | --- | --- |');
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

describe('job summary of a recorded report', () => {
  it('trapped-sse: three failing rows with their reasons, and the trap line', () => {
    const report = recorded('trapped-sse');
    const md = jobSummary(report, { artifact: 'durable-sessions' });
    expect(md.split('\n')[0]).toBe('## Durable Sessions check');
    expect(md).toContain('| Test | Verdict | Reason |');
    const rows = tableRows(md);
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['reconnect-resume', '❌ FAIL'],
      ['multi-surface', '❌ FAIL'],
      ['second-tab-cancel', '❌ FAIL'],
    ]);
    expect(rows[0]![2]).toBe(report.tests[0]!.reason);
    expect(md).toContain('**Single-Connection Trap: yes — missing Resilient Delivery, Continuity Across Surfaces, Live Control**');
    expect(md).toContain('- high · request-bound-stream: ');
    expect(md).toContain('artifact durable-sessions.');
  });

  it('durable-sse: three passing rows and "no"', () => {
    const md = jobSummary(recorded('durable-sse'));
    expect(tableRows(md).map((r) => r[1])).toEqual(['✅ PASS', '✅ PASS', '✅ PASS']);
    expect(md).toContain('**Single-Connection Trap: no — all three tests passed**');
    expect(md).not.toContain('Flags');
  });

  it('the script appends to $GITHUB_STEP_SUMMARY', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsi-summary-'));
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, 'before\n');
    execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts/job-summary.ts'), join(ROOT, 'test/fixtures/reports/trapped-sse.check.json')], { env: { ...process.env, GITHUB_STEP_SUMMARY: summary } });
    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('before\n## Durable Sessions check')).toBe(true);
    expect(written).toContain('Single-Connection Trap: yes');
  });
});

describe('page text in a report cannot inject Markdown or HTML', () => {
  const hostile = [
    'done | fail | <img src=x onerror=alert(1)>',
    '[click here](https://evil.example/x) ![i](https://evil.example/i.png)',
    '\n# Heading\n\n| a | b | c |',
    '`code` **bold** _em_ ~~gone~~ $x^2$ \\| @octocat www.evil.example <script>x</script> &amp;',
  ].join(' ');
  const report: CheckReport = {
    ...recorded('trapped-sse'),
    url: 'http://127.0.0.1:1/](https://evil.example)',
    tests: [{ id: 'reconnect-resume', verdict: 'fail', reason: hostile, advice: null, evidence: [], durationMs: 1 }],
    flags: [{ id: 'sse-without-ids', severity: 'medium', message: hostile, evidence: [] }],
  };
  const md = jobSummary(report);

  it('stays one row of three cells', () => {
    const rows = tableRows(md);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveLength(3);
  });

  it('has no HTML, links, images, headings, code, emphasis, math, autolinks or mentions', () => {
    expect(md).not.toMatch(/<[a-z/]/i);
    expect(md).not.toMatch(/(?<!\\)\]\(/);
    expect(md).not.toMatch(/(?<!\\)!(?<!\\)\[/);
    expect(md.split('\n').filter((l) => l.startsWith('#'))).toEqual(['## Durable Sessions check']);
    expect(md).not.toMatch(/(?<!\\)`/);
    expect(md).not.toMatch(/(?<!\\)\*(?<!\\)\*bold/);
    expect(md).not.toMatch(/(?<!\\)\$x/);
    expect(md).not.toContain('https://');
    expect(md).not.toContain('@octocat');
    expect(md).not.toMatch(/www\.evil/);
    // The page's own entity is shown as typed, not decoded.
    expect(md).toContain('&amp;amp;');
  });

  it('reads as the same words once the escapes are removed', () => {
    const plain = escapeMarkdown(hostile)
      .replace(/\\(.)/g, '$1')
      .replace(/\u200b/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    expect(plain).toBe(hostile.replace(/\s+/g, ' ').trim());
  });

  it('bounds a long reason', () => {
    expect(escapeMarkdown('word '.repeat(500)).length).toBeLessThanOrEqual(400);
  });
});
