import { describe, expect, it } from 'vitest';
import { checkSequence } from '../../../src/core/reassembly';

describe('checkSequence', () => {
  it('finds gaps in numeric sequences', () => {
    const r = checkSequence([1, 2, 3, 6, 7]);
    expect(r.numeric).toBe(true);
    expect(r.gaps).toEqual([{ index: 3, after: '3', next: '6', missing: ['4', '5'], missingCount: 2 }]);
    expect(r.repeats).toEqual([]);
  });

  it('finds repeats and out-of-order values', () => {
    const r = checkSequence(['1', '2', '2', '4', '3']);
    expect(r.repeats).toEqual([{ index: 2, value: '2', firstIndex: 1 }]);
    expect(r.gaps[0]!.missing).toEqual(['3']);
    expect(r.backwards).toEqual([{ index: 4, value: '3', previous: '4' }]);
  });

  it('understands prefixed ids and handles', () => {
    const r = checkSequence([{ kind: 'event-id', value: 'evt-9' }, { kind: 'event-id', value: 'evt-12' }]);
    expect(r.gaps[0]).toMatchObject({ missing: ['evt-10', 'evt-11'] });
  });

  it('caps long missing lists but counts them all', () => {
    const r = checkSequence([0, 1000], { maxListed: 3 });
    expect(r.gaps[0]).toMatchObject({ missing: ['1', '2', '3'], missingCount: 999 });
  });

  it('for non-contiguous offsets reports only repeats and backwards steps', () => {
    const r = checkSequence([10, 250, 250, 100], { contiguous: false });
    expect(r.gaps).toEqual([]);
    expect(r.repeats).toHaveLength(1);
    expect(r.backwards).toHaveLength(1);
  });

  it('treats opaque ids as non-numeric and only reports repeats', () => {
    const r = checkSequence(['a1b', 'zz', 'a1b']);
    expect(r).toMatchObject({ numeric: false, gaps: [], repeats: [{ index: 2, value: 'a1b', firstIndex: 0 }] });
  });
});
