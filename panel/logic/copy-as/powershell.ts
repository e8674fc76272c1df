/**
 * Copy as PowerShell (Invoke-WebRequest), as DevTools offers. Every value is a single-quoted
 * string: inside one PowerShell expands nothing (no `$`, no backtick escapes), and the only
 * special characters are the quotes themselves — ' and the typographic ‘ ’ ‚ ‛, all of which
 * PowerShell reads as single quotes, each doubled. Control characters (CR, LF, ESC, C1, NEL) and
 * the line separators U+2028/U+2029 are not pasted raw: the value becomes a concatenation with
 * `[char]0xHHHH`, so it arrives exact and the console never sees a line break inside a value.
 */
import { wireMethod, type CopyRequest } from './request';

const PS_QUOTE = /['\u2018\u2019\u201a\u201b]/g;
const PS_RAW_UNSAFE = /[\0-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]/;

export function psQuote(s: string): string {
  const terms: string[] = [];
  let run = '';
  const flush = () => {
    if (run !== '') terms.push(`'${run.replace(PS_QUOTE, '$&$&')}'`);
    run = '';
  };
  // By UTF-16 unit: a lone surrogate is written as its code, a pair passes through as text.
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const pair = /[\ud800-\udbff]/.test(ch) && /[\udc00-\udfff]/.test(s[i + 1] ?? '');
    if (pair) {
      run += ch + s[++i];
    } else if (PS_RAW_UNSAFE.test(ch)) {
      flush();
      terms.push(`[char]0x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
    } else run += ch;
  }
  flush();
  if (terms.length === 0) return "''";
  return terms.length === 1 && !terms[0]!.startsWith('[') ? terms[0]! : `(${terms.join(' + ')})`;
}

/** Methods Windows PowerShell's -Method accepts; any other needs -CustomMethod (PowerShell 6+). */
const PS_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE']);

export function toPowerShell(req: CopyRequest): string {
  const lines = [`Invoke-WebRequest -UseBasicParsing -Uri ${psQuote(req.url)}`];
  const method = wireMethod(req.method);
  if (method !== 'GET') lines.push(`-${PS_METHODS.has(method) ? 'Method' : 'CustomMethod'} ${psQuote(method)}`);
  // Content-Type and User-Agent must go through their own parameters in Windows PowerShell;
  // a hash table refuses duplicate (case-insensitive) keys, so repeated headers are joined.
  const headers = new Map<string, [string, string]>();
  for (const [name, value] of req.headers) {
    const l = name.toLowerCase();
    if (l === 'content-type') lines.push(`-ContentType ${psQuote(value)}`);
    else if (l === 'user-agent') lines.push(`-UserAgent ${psQuote(value)}`);
    else {
      const had = headers.get(l);
      headers.set(l, had ? [had[0], `${had[1]}, ${value}`] : [name, value]);
    }
  }
  if (headers.size > 0) lines.push(`-Headers @{\n${[...headers.values()].map(([n, v]) => `    ${psQuote(n)} = ${psQuote(v)}`).join('\n')}\n  }`);
  if (req.body !== null && req.body !== '') {
    // Windows PowerShell sends a string body as ISO-8859-1: anything else goes as UTF-8 bytes.
    const q = psQuote(req.body);
    lines.push(`-Body ${/[^\x00-\x7f]/.test(req.body) ? `([System.Text.Encoding]::UTF8.GetBytes(${q}))` : q}`);
  }
  return lines.join(' `\n  ');
}
