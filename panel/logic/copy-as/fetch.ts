/**
 * Copy as fetch, as DevTools offers: JavaScript for a console. Every value is a JSON string
 * literal (JSON.stringify escapes quotes, backslashes and control characters), with U+2028 and
 * U+2029 escaped too: they are legal inside a string literal only since ES2019, and some editors
 * and chat tools break lines at them.
 */
import { hasBody, wireMethod, type CopyRequest } from './request';

export function jsString(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function toFetch(req: CopyRequest): string {
  // Written key by key: a duplicate name keeps its last value, as a Headers object from an
  // object would; `__proto__` is a computed key, or the literal would set the prototype.
  const key = (k: string) => (k === '__proto__' ? `[${jsString(k)}]` : jsString(k));
  const headers = new Map<string, string>();
  for (const [n, v] of req.headers) headers.set(n, v);
  const init = [`  "headers": {${[...headers].map(([n, v]) => `\n    ${key(n)}: ${jsString(v)}`).join(',')}${headers.size > 0 ? '\n  ' : ''}}`];
  if (hasBody(req)) init.push(`  "body": ${jsString(req.body!)}`);
  init.push(`  "method": ${jsString(wireMethod(req.method))}`);
  return `fetch(${jsString(req.url)}, {\n${init.join(',\n')}\n});`;
}
