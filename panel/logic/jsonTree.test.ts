import { describe, expect, it } from 'vitest';
import { defaultExpanded, flattenJson, parseJson, previewOf, ROOT } from './jsonTree';

const chunk = { id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] };

describe('JSON tree', () => {
  it('opens a small AI chunk down to its text by default', () => {
    const nodes = flattenJson(chunk, defaultExpanded(chunk));
    expect(nodes.map((n) => n.key)).toEqual([null, 'id', 'object', 'choices', '0', 'index', 'delta', 'content', 'finish_reason']);
    expect(nodes.find((n) => n.key === 'content')).toMatchObject({ kind: 'string', preview: '"Hi"', depth: 4 });
  });

  it('collapses and expands by path', () => {
    expect(flattenJson(chunk, new Set())).toHaveLength(1);
    const open = flattenJson(chunk, new Set([ROOT]));
    expect(open.map((n) => n.key)).toEqual([null, 'id', 'object', 'choices']);
    expect(open[3]).toMatchObject({ kind: 'array', childCount: 1, expanded: false, preview: 'Array(1)' });
    const deeper = flattenJson(chunk, new Set([ROOT, open[3]!.path]));
    expect(deeper.map((n) => n.key)).toContain('0');
  });

  it('keeps a big document readable and bounded', () => {
    const big = { items: Array.from({ length: 500 }, (_, i) => ({ i })) };
    expect(defaultExpanded(big).has(ROOT)).toBe(true);
    expect(flattenJson(big, defaultExpanded(big)).length).toBeLessThan(100);
    expect(flattenJson(big, new Set([ROOT, '$."items"']), 50)).toHaveLength(50);
  });

  it('previews objects on one line and parses only JSON', () => {
    expect(previewOf({ a: 1, b: { c: 2 }, d: [1] })).toBe('{a: 1, b: {…}, d: […]}');
    expect(parseJson(' {"a":1} ')).toEqual({ a: 1 });
    expect(parseJson('data: x')).toBeUndefined();
    expect(parseJson('{broken')).toBeUndefined();
    expect(parseJson(null)).toBeUndefined();
  });
});
