/** Runs pasted commands in real bash with curl replaced by a recorder of its argv. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { Req } from './cases.fixture';

const dir = mkdtempSync(join(tmpdir(), 'copy-bash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the commands in real bash with curl replaced by a function that writes its argv (NUL
 * separated) to one file per call. Interactive mode reads the text line by line as a paste is,
 * with history expansion (`!`) on.
 */
export function runInBash(commands: string[], interactive: boolean): { argvs: string[][]; stdout: string; stderr: string } {
  const out = mkdtempSync(join(dir, 'run-'));
  const prelude = `n=0; curl() { n=$((n+1)); printf '%s\\0' "$@" > "${out}/$(printf %04d $n)"; }`;
  const script = `${prelude}\n${commands.join('\n')}\n`;
  const r = interactive
    ? spawnSync('bash', ['--norc', '--noprofile', '-i'], { input: script, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir, X: 'ECHO', PS1: '' } })
    : // A script file, not \`bash -c\`: one argv string is limited to 128 KiB.
      (writeFileSync(join(out, 'script.sh'), script), spawnSync('bash', [join(out, 'script.sh')], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir, X: 'ECHO' } }));
  expect(r.error).toBeUndefined();
  const argvs = readdirSync(out)
    .filter((f) => f !== 'script.sh')
    .sort()
    .map((f) => readFileSync(join(out, f), 'utf8').split('\0').slice(0, -1));
  return { argvs, stdout: r.stdout, stderr: r.stderr };
}


/** What curl must receive: every part as captured, except NUL, which no argv can carry. */
export function intendedArgv(req: Req): string[] {
  // A lone surrogate has no UTF-8 form: what reaches curl is U+FFFD, as fetch would send.
  const clean = (s: string) => Buffer.from(s.replace(/\0/g, ''), 'utf8').toString('utf8');
  const hasBody = req.body !== null && req.body !== '';
  const argv = [req.url.startsWith('-') ? '--url' : null, clean(req.url)].filter((x): x is string => x !== null);
  const m = req.method;
  if (!(m === 'GET' && !hasBody) && !(m === 'POST' && hasBody)) argv.push('-X', clean(m));
  for (const [n, v] of req.headers) argv.push('-H', clean(`${n}: ${v}`));
  if (hasBody) argv.push('--data-raw', clean(req.body!));
  return argv;
}

