/**
 * PowerShell is not on this machine: the generated commands are read by a parser of the small
 * subset of PowerShell they are written in, following its quoting rules:
 * - a single-quoted string ends at any of ' ‘ ’ ‚ ‛ (PowerShell treats all four as single
 *   quotes); two in a row are one literal; nothing else inside is special (no `$`, no backtick);
 * - `[char]0xHHHH` is one character; `( a + b )` concatenates;
 * - a backtick at the end of a line continues the command.
 * Anything else outside a string (a `$`, a double quote, a stray backtick, `;`, `&`…) is code
 * PowerShell would run, and fails the test.
 */
import { describe, expect, it } from 'vitest';
import { psQuote, toPowerShell } from './powershell';
import { hostileRequests, type Req } from './cases.fixture';

const SQ_CHARS = "'\u2018\u2019\u201a\u201b";
const isSQ = (c: string | undefined) => c !== undefined && c.length === 1 && SQ_CHARS.includes(c);

class Parser {
  i = 0;
  constructor(readonly s: string) {}
  fail(what: string): never {
    throw new Error(`${what} at ${this.i}: ${JSON.stringify(this.s.slice(this.i, this.i + 40))}`);
  }
  blanks(newlines = false): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === ' ') this.i++;
      else if (c === '`' && this.s[this.i + 1] === '\n') this.i += 2;
      else if (newlines && c === '\n') this.i++;
      else return;
    }
  }
  eat(lit: string): boolean {
    if (!this.s.startsWith(lit, this.i)) return false;
    this.i += lit.length;
    return true;
  }
  string(): string {
    if (!isSQ(this.s[this.i])) this.fail('expected a single-quoted string');
    this.i++;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated string');
      const c = this.s[this.i]!;
      if (isSQ(c)) {
        if (isSQ(this.s[this.i + 1])) {
          out += c;
          this.i += 2;
          continue;
        }
        this.i++;
        return out;
      }
      out += c;
      this.i++;
    }
  }
  term(): string {
    const m = /^\[char\]0x([0-9A-F]{4})/.exec(this.s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      return String.fromCharCode(parseInt(m[1]!, 16));
    }
    return this.string();
  }
  value(): string {
    if (this.eat('([System.Text.Encoding]::UTF8.GetBytes(')) {
      const v = this.value();
      if (!this.eat('))')) this.fail('expected ))');
      return v;
    }
    if (this.eat('(')) {
      let v = this.term();
      while (this.eat(' + ')) v += this.term();
      if (!this.eat(')')) this.fail('expected )');
      return v;
    }
    return this.string();
  }
  table(): Record<string, string> {
    const out: Record<string, string> = {};
    this.blanks(true);
    while (!this.eat('}')) {
      const k = this.value();
      if (!this.eat(' = ')) this.fail('expected =');
      out[k] = this.value();
      this.blanks(true);
    }
    return out;
  }
  /** `Invoke-WebRequest -Name value …` → the parameters. */
  command(): Record<string, string | true | Record<string, string>> {
    if (!this.eat('Invoke-WebRequest')) this.fail('expected Invoke-WebRequest');
    const params: Record<string, string | true | Record<string, string>> = {};
    for (;;) {
      this.blanks();
      if (this.i >= this.s.length) return params;
      const m = /^-([A-Za-z]+)/.exec(this.s.slice(this.i));
      if (!m) this.fail('expected a parameter');
      this.i += m[0].length;
      if (m[1] === 'UseBasicParsing') {
        params[m[1]] = true;
        continue;
      }
      if (!this.eat(' ')) this.fail('expected a blank');
      params[m[1]!] = this.eat('@{') ? this.table() : this.value();
    }
  }
}

function intended(req: Req): Record<string, unknown> {
  const p: Record<string, unknown> = { UseBasicParsing: true, Uri: req.url };
  const standard = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE'];
  if (req.method !== 'GET') p[standard.includes(req.method) ? 'Method' : 'CustomMethod'] = req.method;
  const headers: Record<string, string> = {};
  const names = new Map<string, string>();
  for (const [n, v] of req.headers) {
    const l = n.toLowerCase();
    if (l === 'content-type') p.ContentType = v;
    else if (l === 'user-agent') p.UserAgent = v;
    else if (names.has(l)) headers[names.get(l)!] += `, ${v}`;
    else (names.set(l, n), (headers[n] = v));
  }
  if (Object.keys(headers).length > 0) p.Headers = headers;
  if (req.body !== null && req.body !== '') p.Body = req.body;
  return p;
}

describe('copy as PowerShell', () => {
  it('pasted into PowerShell, is one Invoke-WebRequest whose every value is a literal string', () => {
    for (const { name, req } of hostileRequests()) {
      const text = toPowerShell(req);
      expect(() => new Parser(text).command(), name).not.toThrow();
      expect(new Parser(text).command(), name).toEqual(intended(req));
    }
  });

  it('doubles every kind of single quote, and writes control characters as [char] codes', () => {
    expect(psQuote("it's ‘a’ $HOME `n")).toBe("'it''s ‘‘a’’ $HOME `n'");
    expect(psQuote('a\r\nb')).toBe("('a' + [char]0x000D + [char]0x000A + 'b')");
    expect(psQuote('\n')).toBe('([char]0x000A)');
  });

  it('merges repeated header names (a PowerShell hash table refuses duplicate keys)', () => {
    const text = toPowerShell({ method: 'GET', url: 'https://h.test/', headers: [['X-A', '1'], ['x-a', '2']], body: null });
    expect(new Parser(text).command().Headers).toEqual({ 'X-A': '1, 2' });
  });
});
