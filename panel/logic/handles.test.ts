import { describe, expect, it } from 'vitest';
import { summarizeHandles } from './handles';

describe('summarizeHandles', () => {
  it('keeps one entry per kind in order of first appearance, with the last value and the count', () => {
    expect(
      summarizeHandles([
        { kind: 'offset', value: '0_69' },
        { kind: 'cursor', value: '3385660' },
        { kind: 'offset', value: '0_109' },
        { kind: 'offset', value: '0_149' },
      ]),
    ).toEqual([
      { kind: 'offset', last: '0_149', count: 3 },
      { kind: 'cursor', last: '3385660', count: 1 },
    ]);
    expect(summarizeHandles([])).toEqual([]);
  });
});
