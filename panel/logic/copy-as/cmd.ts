/**
 * Copy as cURL for cmd.exe, the format DevTools calls "Copy as cURL (cmd)". Two parsers read the
 * text: cmd, then the C runtime that splits curl.exe's command line. So each value is first
 * quoted for the runtime ("…", a quote as \", backslashes doubled only before a quote), then
 * every character of that, quotes included, that cmd could act on is ^-escaped. cmd itself is
 * never inside quotes (each " is ^"), so nothing it treats specially is left unescaped:
 * - `& | < > ( ) ^ " !` and everything outside a short safe list get a caret;
 * - `%` is followed by a caret: percent expansion runs before carets are removed, and a name
 *   starting with `^` is one no environment defines, so `%PATH%` reaches curl as typed;
 * - a LF is `^`, LF, LF: the caret continues the line and escapes the second LF into the value;
 * - CR and NUL are dropped: cmd strips CR from a line and no argv carries a NUL;
 * - the fullwidth ＂ and ＼ are written as " and \ (and quoted as such): an ANSI curl.exe gets
 *   its command line through Windows' "best fit" conversion, which makes them " and \ before
 *   the C runtime reads it, so left as they are they could end the quoted argument and turn
 *   the rest of a value into options of the page's choosing (`-o file`).
 * Limits: with delayed expansion on (`cmd /V:ON`, off by default) `!VAR!` would still expand;
 * cmd refuses command lines over 8191 characters; code pages that best-fit other characters to
 * a backslash (¥ and ₩ in the Japanese and Korean ones) are not handled.
 */
import { joinCurl, type CopyRequest } from './request';

/** One argument as the MS C runtime reads it back from a command line. */
export function crtQuote(s: string): string {
  let out = '"';
  let backslashes = 0;
  for (const ch of s) {
    if (ch === '\\') {
      backslashes++;
      continue;
    }
    out += ch === '"' ? `${'\\'.repeat(backslashes * 2 + 1)}"` : `${'\\'.repeat(backslashes)}${ch}`;
    backslashes = 0;
  }
  return `${out}${'\\'.repeat(backslashes * 2)}"`;
}

const CMD_SAFE = /^[A-Za-z0-9 _\-:=+~'/.,?;*@]$/;

export function cmdQuote(s: string): string {
  let out = '';
  let afterPercent = false;
  for (const ch of crtQuote(s.replace(/[\0\r]/g, '').replace(/\uff02/g, '"').replace(/\uff3c/g, '\\'))) {
    if (ch === '\n') out += '^\n\n';
    else out += afterPercent || !CMD_SAFE.test(ch) ? `^${ch}` : ch;
    afterPercent = ch === '%';
  }
  return out;
}

export function toCurlCmd(req: CopyRequest): string {
  return joinCurl(req, cmdQuote, ' ^\n  ');
}
