import { describe, expect, it } from 'vitest';
import { intendedArgv, runInBash } from './bash-run.fixture';
import { bashQuote, toCurlBash } from './bash';
import { hostileRequests } from './cases.fixture';

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
