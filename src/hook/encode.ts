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

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
