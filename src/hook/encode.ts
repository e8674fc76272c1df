/** Byte helpers for the hook (page-side, so they must not depend on page-replaceable globals). */

/** Largest binary payload we copy into a record; larger frames keep their size only. */
export const MAX_BINARY_CAPTURE = 1024 * 1024;

export function bytesToBase64(bytes: Uint8Array, btoaFn: (s: string) => string): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + step) as unknown as number[]);
  }
  return btoaFn(binary);
}

export { utf8Length } from '../core/trace/bytes';
