/**
 * Copy as cURL for bash (and zsh, which reads the same quoting): the format DevTools calls
 * "Copy as cURL (bash)". A value with nothing special is single-quoted, inside which neither
 * shell expands anything. A value with a quote, `!` (history expansion in an interactive
 * shell), a control character or a line separator uses ANSI-C quoting ($'…'), with such
 * characters written as \xHH escapes of their UTF-8 bytes (locale-independent, unlike \u), so the
 * pasted text holds no raw newline, CR or escape sequence a terminal would act on.
 */
import { joinCurl, type CopyRequest } from './request';

const NEEDS_ANSI_C = /[\0-\x1f\x7f-\x9f'!\u2028\u2029\ud800-\udfff]/;
const ESCAPED = /[\0-\x1f\x7f-\x9f!\u2028\u2029\ud800-\udfff]/;
const utf8 = new TextEncoder();

export function bashQuote(s: string): string {
  // No argv can carry a NUL (bash ends a $'…' string at \x00): it is dropped, not let cut the word short.
  const v = s.replace(/\0/g, '');
  if (!NEEDS_ANSI_C.test(v)) return `'${v}'`;
  let out = '';
  for (const ch of v) {
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    // A lone surrogate has no UTF-8 form; the encoder writes U+FFFD, as fetch would have sent.
    else if (ESCAPED.test(ch)) out += [...utf8.encode(ch)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
    else out += ch;
  }
  return `$'${out}'`;
}

export function toCurlBash(req: CopyRequest): string {
  return joinCurl(req, bashQuote, ' \\\n  ');
}
