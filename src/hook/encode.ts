/** Byte helpers for the hook (page-side, so they must not depend on page-replaceable globals). */
import { fromCharCode, lengthOf } from '../core/builtins';

/** Largest binary payload we copy into a record; larger frames keep their size only. */
export const MAX_BINARY_CAPTURE = 1024 * 1024;

export function bytesToBase64(bytes: Uint8Array, btoaFn: (s: string) => string): string {
  // Byte by byte: `String.fromCharCode.apply(null, bytes)` would read the page's typed-array
  // `length` getter (see core/builtins.ts). Binary frames are rare and at most 1 MiB.
  let binary = '';
  const n = lengthOf(bytes);
  for (let i = 0; i < n; i++) binary += fromCharCode(bytes[i]!);
  return btoaFn(binary);
}

export { utf8Length } from '../core/trace/bytes';
