/**
 * Runs `durable-sessions check <url> --prompt P` exactly as a user would (the bin script, in
 * a child process, defaults for everything else) and reads its JSON report.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CheckReport } from '../../src/cli/report';
import type { TestId, VerdictKind } from '../../src/core/analysis/types';

const BIN = resolve(import.meta.dirname, '../../bin/durable-sessions.mjs');

export interface CliResult {
  code: number | null;
  report: CheckReport | null;
  verdicts: Partial<Record<TestId, VerdictKind>>;
  /** Everything the command printed: shown when a comparison fails. */
  output: string;
}

export function checkWithCli(url: string, prompt: string, extra: string[] = []): Promise<CliResult> {
  const dir = mkdtempSync(join(tmpdir(), 'zoo-check-'));
  const json = join(dir, 'report.json');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'check', url, '--prompt', prompt, '--json', json, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const report = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as CheckReport) : null;
      const verdicts: CliResult['verdicts'] = {};
      for (const t of report?.tests ?? []) verdicts[t.id] = t.verdict;
      done({ code, report, verdicts, output });
    });
  });
}
