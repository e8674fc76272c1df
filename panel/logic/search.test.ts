import { describe, expect, it } from 'vitest';
import { findMatches, highlightParts, stepMatch } from './search';

describe('event search', () => {
  const texts = ['data: Hello', 'data: world', 'data: [DONE]', 'hello again'];
  it('finds rows case-insensitively', () => {
    expect(findMatches(texts.length, (i) => texts[i]!, 'hello')).toEqual([0, 3]);
    expect(findMatches(texts.length, (i) => texts[i]!, '')).toEqual([]);
  });

  it('steps next/previous with wrap-around', () => {
    expect(stepMatch(3, -1, 1)).toBe(0);
    expect(stepMatch(3, -1, -1)).toBe(2);
    expect(stepMatch(3, 2, 1)).toBe(0);
    expect(stepMatch(3, 0, -1)).toBe(2);
    expect(stepMatch(0, 0, 1)).toBe(-1);
  });

  it('splits text into highlighted parts', () => {
    expect(highlightParts('Done and done', 'done')).toEqual([
      { text: 'Done', hit: true },
      { text: ' and ', hit: false },
      { text: 'done', hit: true },
    ]);
    expect(highlightParts('abc', '')).toEqual([{ text: 'abc', hit: false }]);
  });
});
