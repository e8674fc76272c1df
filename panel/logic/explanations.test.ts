import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAG_EXPLANATIONS, TEST_EXPLANATIONS } from './explanations';

describe('the explanations the panel shows', () => {
  it('are the Findings section of the README, anchor by anchor', () => {
    const md = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    for (const [id, e] of [...Object.entries(FLAG_EXPLANATIONS), ...Object.entries(TEST_EXPLANATIONS)]) {
      expect(md).toContain(`<a id="${id}"></a>`);
      expect(md).toContain(e.text);
    }
  });
});
