/**
 * The WebSocket constructor's protocols argument as the standard accepts it
 * (https://websockets.spec.whatwg.org/#dom-websocket-websocket): one subprotocol or a list of
 * them, each an HTTP token (RFC 9110 §5.6.2), none twice. A replayed socket is made only for
 * such a list; anything else goes to the native constructor, which throws the app its error.
 *
 * Runs in the page: captured built-ins only (core/builtins.ts).
 */
import { charCodeAt, isArray } from '../core/builtins';

/** tchar: "!#$%&'*+-.^_`|~", digits and letters. */
function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = charCodeAt(s, i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
      || c === 33 || (c >= 35 && c <= 39) || c === 42 || c === 43 || c === 45 || c === 46 || c === 94 || c === 95 || c === 96 || c === 124 || c === 126;
    if (!ok) return false;
  }
  return true;
}

/** Only plain strings and arrays of strings count: a page object would be converted (its code run) twice. */
export function isProtocolList(x: unknown): boolean {
  if (typeof x === 'string') return isToken(x);
  if (!isArray(x)) return false;
  for (let i = 0; i < x.length; i++) {
    const p: unknown = x[i];
    if (typeof p !== 'string' || !isToken(p)) return false;
    for (let j = 0; j < i; j++) if (x[j] === p) return false;
  }
  return true;
}
