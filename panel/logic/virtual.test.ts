import { describe, expect, it } from 'vitest';
import { bottomScrollTop, isAtBottom, moveSelection, revealScrollTop, virtualWindow } from './virtual';

describe('virtual window', () => {
  it('renders only the rows in view plus overscan, at any depth of 100,000 rows', () => {
    for (const scrollTop of [0, 20 * 50_000, 20 * 99_990, 20 * 100_000]) {
      const { start, end } = virtualWindow({ count: 100_000, rowHeight: 20, scrollTop, viewportHeight: 600, overscan: 10 });
      expect(end - start).toBeLessThanOrEqual(31 + 20);
      expect(end).toBeLessThanOrEqual(100_000);
      expect(start).toBeGreaterThanOrEqual(0);
    }
    expect(virtualWindow({ count: 100_000, rowHeight: 20, scrollTop: 20 * 50_000, viewportHeight: 600, overscan: 10 })).toEqual({ start: 49_990, end: 50_041 });
    expect(virtualWindow({ count: 100_000, rowHeight: 20, scrollTop: 20 * 100_000, viewportHeight: 600, overscan: 10 }).end).toBe(100_000);
  });

  it('caps the rendered rows on a very tall viewport and handles empty lists', () => {
    const w = virtualWindow({ count: 100_000, rowHeight: 20, scrollTop: 0, viewportHeight: 10_000, overscan: 10, maxRows: 90 });
    expect(w.end - w.start).toBe(90);
    expect(virtualWindow({ count: 0, rowHeight: 20, scrollTop: 0, viewportHeight: 600, overscan: 10 })).toEqual({ start: 0, end: 0 });
  });

  it('scrolls as little as possible to reveal a row', () => {
    expect(revealScrollTop(5, 20, 0, 200)).toBe(0);
    expect(revealScrollTop(20, 20, 0, 200)).toBe(220);
    expect(revealScrollTop(2, 20, 100, 200)).toBe(40);
  });

  it('knows when the reader is at the bottom', () => {
    expect(isAtBottom(800, 200, 1000, 20)).toBe(true);
    expect(isAtBottom(790, 200, 1000, 20)).toBe(true);
    expect(isAtBottom(500, 200, 1000, 20)).toBe(false);
  });

  it('puts the last row at the bottom when following, and the top when all rows fit', () => {
    // 22 px header + 100 rows of 20 px in a 422 px viewport: the last 20 rows show.
    expect(bottomScrollTop(100, 20, 22, 422)).toBe(1600);
    const { end } = virtualWindow({ count: 100, rowHeight: 20, scrollTop: bottomScrollTop(100, 20, 22, 422), viewportHeight: 400, overscan: 0 });
    expect(end).toBe(100);
    expect(isAtBottom(bottomScrollTop(100, 20, 22, 422), 422, 22 + 100 * 20, 20)).toBe(true);
    expect(bottomScrollTop(5, 20, 22, 422)).toBe(0);
  });

  it('moves a selection with arrows, pages, Home and End, clamped', () => {
    expect(moveSelection('ArrowDown', null, 10, 5)).toBe(0);
    expect(moveSelection('ArrowDown', 9, 10, 5)).toBe(9);
    expect(moveSelection('ArrowUp', 0, 10, 5)).toBe(0);
    expect(moveSelection('PageDown', 2, 10, 5)).toBe(7);
    expect(moveSelection('PageUp', 2, 10, 5)).toBe(0);
    expect(moveSelection('End', 2, 10, 5)).toBe(9);
    expect(moveSelection('Home', 2, 10, 5)).toBe(0);
    expect(moveSelection('x', 2, 10, 5)).toBeNull();
    expect(moveSelection('ArrowDown', null, 0, 5)).toBeNull();
  });
});
