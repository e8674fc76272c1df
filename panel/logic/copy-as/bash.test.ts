import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bashQuote, toCurlBash } from './bash';
import { hostileRequests, type Req } from './cases.fixture';

/** What curl must receive: every part as captured, except NUL, which no argv can carry. */
function intendedArgv(req: Req): string[] {
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

const dir = mkdtempSync(join(tmpdir(), 'copy-bash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the commands in real bash with curl replaced by a function that writes its argv (NUL
 * separated) to one file per call. Interactive mode reads the text line by line as a paste is,
 * with history expansion (`!`) on.
 */
function runInBash(commands: string[], interactive: boolean): { argvs: string[][]; stdout: string; stderr: string } {
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

describe('copy as cURL (bash)', () => {
  const cases = hostileRequests();

  for (const interactive of [false, true]) {
    it(`pasted into ${interactive ? 'an interactive' : 'a'} bash, hands curl exactly the captured parts and runs nothing else`, () => {
      const r = runInBash(
        cases.map((c) => toCurlBash(c.req)),
        interactive,
      );
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/not found|syntax error|unexpected|event not found|bad substitution/);
      expect(r.argvs).toHaveLength(cases.length);
      cases.forEach((c, i) => expect(r.argvs[i], c.name).toEqual(intendedArgv(c.req)));
    });
  }

  it('keeps plain values in plain single quotes, and shows control characters as escapes', () => {
    expect(bashQuote('a b $HOME "c"')).toBe(`'a b $HOME "c"'`);
    expect(bashQuote(`it's`)).toBe(`$'it\\'s'`);
    const q = bashQuote('a\nb\rc\u2028d!\u0000e');
    expect(q).toMatch(/^\$'[\x20-\x7e]*'$/);
    expect(q).not.toContain('!');
  });

  it('carries a value of 100 000 characters', () => {
    const body = `${'y'.repeat(100_000)}'\n`;
    const r = runInBash([toCurlBash({ method: 'POST', url: 'https://h.test/', headers: [], body })], false);
    expect(r.argvs[0]!.at(-1)).toBe(body);
  });
});
