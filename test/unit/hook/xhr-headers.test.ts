/**
 * A served XHR's response head as the app reads it (src/hook/xhr-replay.ts), in the format a
 * native XHR gives (measured in Chromium 156 and Firefox ESR 153 against a real server: the
 * e2e xhr-replay suites compare the whole text): `getAllResponseHeaders()` lower-cases the
 * names, sorts them, joins repeated ones with ", " and ends every line with CRLF.
 */
import { describe, expect, it } from 'vitest';
import { headerBlock, parseHeaderBlock } from '../../../src/hook/xhr-replay';

describe('a served XHR’s header block', () => {
  it('sorts by name, joins repeats in their order, ends each line with CRLF', () => {
    expect(headerBlock([['x-run', 'one'], ['content-type', 'text/event-stream'], ['vary', 'a'], ['cache-control', 'no-cache'], ['vary', 'b']]))
      .toBe('cache-control: no-cache\r\ncontent-type: text/event-stream\r\nvary: a, b\r\nx-run: one\r\n');
  });

  it('orders as the uppercased names do: `_` after the letters (both browsers put `xb` first)', () => {
    expect(headerBlock([['x_a', '1'], ['xb', '2']])).toBe('xb: 2\r\nx_a: 1\r\n');
  });

  it('is empty for no headers, as before the head arrives', () => {
    expect(headerBlock([])).toBe('');
  });

  it('reads a native block back as lower-cased pairs, values trimmed, a colon in a value kept', () => {
    expect(parseHeaderBlock('Content-Type: text/plain\r\nx-time: 12:30:01\r\n\r\n')).toEqual([['content-type', 'text/plain'], ['x-time', '12:30:01']]);
  });
});
