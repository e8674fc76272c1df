/**
 * cmd.exe is not on this machine: the generated commands are read by a model of how an
 * interactive cmd reads pasted text, then how the MS C runtime splits curl.exe's command line:
 * - each LF ends a line (a paste submits it) unless the line ends in `^`: then the next line is
 *   appended and its first character taken literally — an empty line contributes a literal LF;
 * - percent expansion runs on each line first, before carets are seen; the model is hostile and
 *   treats every `%name%` as a defined variable (an interactive cmd leaves undefined ones), in
 *   both readings of where the scan resumes after a name it did not expand;
 * - then, outside double quotes, `^x` is a literal x, `"` toggles quoting, and an unescaped
 *   `& | < > ( )` is a command separator, redirection or block: what an injection needs;
 * - delayed expansion (`!VAR!`) is off, as in cmd's default;
 * - the runtime splits on blanks outside quotes; 2n backslashes before `"` give n and toggle
 *   quoting, 2n+1 give n and a literal `"`; other backslashes are literal.
 */
import { describe, expect, it } from 'vitest';
import { cmdQuote, crtQuote, toCurlCmd } from './cmd';
import { hostileRequests, type Req } from './cases.fixture';

type Resume = 'after-percent' | 'after-name';

function expandPercent(line: string, resume: Resume): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch !== '%') {
      out += ch;
      i++;
      continue;
    }
    const close = line.indexOf('%', i + 1);
    const name = close < 0 ? '' : line.slice(i + 1, close);
    // Hostile environment: any name a user could have defined is defined.
    if (close > i + 1 && !name.startsWith('^')) {
      out += `<ENV:${name}>`;
      i = close + 1;
    } else if (close > i + 1 && resume === 'after-name') {
      out += line.slice(i, close + 1);
      i = close + 1;
    } else {
      out += '%';
      i++;
    }
  }
  return out;
}

/** The commands cmd would run, each as the command line it hands to the program. */
function cmdRead(text: string, resume: Resume): { commands: string[]; specials: string[] } {
  const lines = text.split('\n');
  const commands: string[] = [];
  const specials: string[] = [];
  let li = 0;
  while (li < lines.length) {
    let line = expandPercent(lines[li++]!, resume);
    let cmd = '';
    let quoted = false;
    let i = 0;
    for (;;) {
      if (i >= line.length) break;
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"') quoted = false;
        cmd += ch;
        i++;
      } else if (ch === '^') {
        if (i + 1 < line.length) {
          cmd += line[i + 1];
          i += 2;
        } else if (li < lines.length) {
          // Continuation: the next line's first character is literal; an empty line is a literal LF.
          const next = expandPercent(lines[li++]!, resume);
          if (next === '') {
            cmd += '\n';
            line = li < lines.length ? expandPercent(lines[li++]!, resume) : '';
            i = 0;
          } else {
            cmd += next[0];
            line = next;
            i = 1;
          }
        } else i++;
      } else {
        if ('&|<>()'.includes(ch)) specials.push(ch);
        if (ch === '"') quoted = true;
        cmd += ch;
        i++;
      }
    }
    if (cmd.trim() !== '') commands.push(cmd);
  }
  return { commands, specials };
}

function crtSplit(line: string): string[] {
  const argv: string[] = [];
  let cur = '';
  let inArg = false;
  let quoted = false;
  for (let i = 0; i < line.length; ) {
    const ch = line[i]!;
    if (ch === '\\') {
      let n = 0;
      while (line[i] === '\\') (n++, i++);
      if (line[i] === '"') {
        cur += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) {
          cur += '"';
          i++;
        }
      } else cur += '\\'.repeat(n);
      inArg = true;
    } else if (ch === '"') {
      quoted = !quoted;
      inArg = true;
      i++;
    } else if ((ch === ' ' || ch === '\t') && !quoted) {
      if (inArg) argv.push(cur);
      cur = '';
      inArg = false;
      i++;
    } else {
      cur += ch;
      inArg = true;
      i++;
    }
  }
  if (inArg) argv.push(cur);
  return argv;
}

/**
 * What curl.exe must receive: the captured parts, except NUL and CR, which cmd cannot carry, and
 * the fullwidth quote and backslash, which arrive as their ASCII forms (see bestFit).
 */
function intendedArgv(req: Req): string[] {
  const clean = (s: string) => bestFit(s.replace(/[\0\r]/g, ''));
  const hasBody = req.body !== null && req.body !== '';
  const argv = ['curl', ...(req.url.startsWith('-') ? ['--url'] : []), clean(req.url)];
  if (!(req.method === 'GET' && !hasBody) && !(req.method === 'POST' && hasBody)) argv.push('-X', clean(req.method));
  for (const [n, v] of req.headers) argv.push('-H', clean(`${n}: ${v}`));
  if (hasBody) argv.push('--data-raw', clean(req.body!));
  return argv;
}

/**
 * A curl.exe built as an ANSI program gets its command line converted from UTF-16 by Windows,
 * whose "best fit" turns the fullwidth ＂ and ＼ into " and \ — before the C runtime splits it.
 */
const bestFit = (s: string) => s.replace(/\uff02/g, '"').replace(/\uff3c/g, '\\');

describe('copy as cURL (cmd)', () => {
  it('hands an ANSI curl.exe the same arguments: a fullwidth quote or backslash cannot end a quoted argument', () => {
    for (const v of ['a\uff3c', '\uff02 -o x \uff02', 'b\uff3c\uff02c']) {
      const req = { method: 'GET', url: 'https://h.test/x', headers: [['x', v]] as [string, string][], body: null };
      const read = cmdRead(toCurlCmd(req), 'after-percent');
      expect(crtSplit(bestFit(read.commands[0]!))).toEqual(intendedArgv(req));
    }
  });

  for (const resume of ['after-percent', 'after-name'] as const) {
    it(`pasted into cmd, runs one command, expands no variable and hands curl exactly the captured parts (percent scan resuming ${resume})`, () => {
      for (const { name, req } of hostileRequests()) {
        const text = toCurlCmd(req);
        const read = cmdRead(text, resume);
        expect(read.specials, name).toEqual([]);
        expect(read.commands, name).toHaveLength(1);
        expect(crtSplit(read.commands[0]!), name).toEqual(intendedArgv(req));
      }
    });
  }

  it('writes the DevTools layout: ^"…^" arguments, ^ line continuations', () => {
    const text = toCurlCmd({ method: 'POST', url: 'https://h.test/a?b=1', headers: [['content-type', 'application/json']], body: '{"x":"50%"}' });
    expect(text.split('\n')[0]).toBe('curl ^"https://h.test/a?b=1^" ^');
    expect(text).toContain('-H ^"content-type: application/json^"');
    expect(cmdQuote('a b')).toBe('^"a b^"');
  });

  it('quotes for the C runtime: backslashes double only before a quote', () => {
    for (const s of ['a\\b', 'a\\"b', 'end\\', 'q"', '\\\\"\\', '']) expect(crtSplit(crtQuote(s))).toEqual([s]);
  });
});
