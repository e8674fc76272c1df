import { describe, expect, it } from 'vitest';
import { generateTokens, mulberry32, startTicker } from '../../../demo/model.js';

describe('demo model', () => {
  it('is deterministic for seed + prompt', () => {
    expect(generateTokens('hello', 7, 40)).toEqual(generateTokens('hello', 7, 40));
    expect(generateTokens('hello', 7, 40)).not.toEqual(generateTokens('hello', 8, 40));
    expect(generateTokens('hello', 7, 40)).not.toEqual(generateTokens('other', 7, 40));
    expect(mulberry32(1)()).toBe(mulberry32(1)());
  });

  it('produces word tokens with leading spaces and punctuation', () => {
    const t = generateTokens('p', 1, 200);
    expect(t).toHaveLength(200);
    expect(t[0]).toMatch(/^[A-Z][a-z]+[.,!]?$/);
    for (const tok of t.slice(1)) expect(tok).toMatch(/^ [A-Za-z]+[.,!]?$/);
    expect(t.join('')).toMatch(/[.,]/);
    expect(t.at(-1)).toMatch(/\.$/);
    expect(generateTokens('p', 1, 0)).toEqual([]);
  });

  it('ticker emits count ticks then ends, and can stop', async () => {
    const seen: number[] = [];
    await new Promise<void>((resolve) => startTicker(5, 1000, (i) => seen.push(i), resolve));
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    const seen2: number[] = [];
    const t = startTicker(1000, 50, (i) => seen2.push(i), () => seen2.push(-1));
    await new Promise((r) => setTimeout(r, 60));
    t.stop();
    const n = seen2.length;
    await new Promise((r) => setTimeout(r, 80));
    expect(seen2.length).toBe(n);
    expect(seen2).not.toContain(-1);
  });
});
