/**
 * The GitHub Actions job summary of a `durable-sessions check` JSON report: a table (test,
 * verdict, reason), the Single-Connection Trap line, the passive flags and our own failures.
 *
 *   tsx scripts/job-summary.ts report.json [--artifact NAME]
 *
 * appends to $GITHUB_STEP_SUMMARY when it is set, else prints. Reasons and flag messages quote
 * the page (its text, its URLs), which is untrusted: every piece of report text is escaped so
 * it renders as the same plain text and cannot add table cells, links, images, HTML, headings,
 * math or mentions to the summary.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { CheckReport } from '../src/cli/report';

/** Longest text of one cell: a summary is read at a glance; the artifacts have the rest. */
const CELL_LIMIT = 400;
const ZWSP = '\u200b';

/** Report text as inline Markdown that renders as that text and nothing else. */
export function escapeMarkdown(text: string, limit = CELL_LIMIT): string {
  let s = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (s.length > limit) s = `${s.slice(0, limit - 1)}…`;
  return (
    s
      // HTML: no tags, no entities of the page's own.
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // Markdown punctuation: emphasis, code, links and images, table cells, headings, math,
      // strikethrough, footnotes.
      .replace(/[\\`*_{}[\]()#+|!~$^]/g, '\\$&')
      // A list or quote marker cannot start a cell, but a numbered "1." can start the line.
      .replace(/^(\d+)\./, '$1\\.')
      // Autolinks (scheme://, www.) and mentions (@name): a zero-width space breaks the pattern.
      .replace(/:\/\//g, `:${ZWSP}//`)
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`)
      .replace(/@/g, `@${ZWSP}`)
  );
}

const MARK: Record<CheckReport['tests'][number]['verdict'], string> = { pass: '✅ PASS', fail: '❌ FAIL', inconclusive: '⚠️ INCONCLUSIVE' };

export function jobSummary(report: CheckReport, opts: { artifact?: string } = {}): string {
  const lines = ['## Durable Sessions check', '', escapeMarkdown(report.url, 1000), ''];
  lines.push('| Test | Verdict | Reason |', '| --- | --- | --- |');
  for (const t of report.tests) lines.push(`| ${escapeMarkdown(t.id)} | ${MARK[t.verdict] ?? escapeMarkdown(String(t.verdict))} | ${escapeMarkdown(t.reason)} |`);
  if (report.tests.length === 0) lines.push('| (no test ran) | | |');
  lines.push('', `**${escapeMarkdown(report.summary, 1000)}**`);
  if (report.flags.length) {
    lines.push('', 'Flags (seen without injecting anything):', '');
    for (const f of report.flags) lines.push(`- ${escapeMarkdown(f.severity)} · ${escapeMarkdown(f.id)}: ${escapeMarkdown(f.message)}`);
  }
  if (report.internalErrors.length) {
    lines.push('', "The inspector's own code failed during the run (please report this):", '');
    for (const e of report.internalErrors) lines.push(`- ${escapeMarkdown(e.where)} ×${e.count}: ${escapeMarkdown(e.message)}`);
  }
  const seconds = (report.durationMs / 1000).toFixed(1);
  lines.push('', `${report.tests.length} test${report.tests.length === 1 ? '' : 's'} in ${seconds} s.${opts.artifact ? ` Evidence, JUnit and trace: artifact ${escapeMarkdown(opts.artifact, 200)}.` : ''}`, '');
  return lines.join('\n');
}

function main(argv: string[]): number {
  const [file, ...rest] = argv;
  if (!file) {
    process.stderr.write('usage: tsx scripts/job-summary.ts report.json [--artifact NAME]\n');
    return 2;
  }
  const at = rest.indexOf('--artifact');
  const artifact = at >= 0 ? rest[at + 1] : undefined;
  let report: CheckReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as CheckReport;
  } catch (error) {
    // No report: the check stopped before writing one (a setup error, said in its own log).
    const text = `## Durable Sessions check\n\nNo report at ${escapeMarkdown(file)}: ${escapeMarkdown(error instanceof Error ? error.message : String(error))}. See the step's log.\n`;
    write(text);
    return 1;
  }
  write(jobSummary(report, artifact ? { artifact } : {}));
  return 0;
}

function write(text: string): void {
  const target = process.env.GITHUB_STEP_SUMMARY;
  if (target) appendFileSync(target, `${text}\n`);
  else process.stdout.write(text);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
