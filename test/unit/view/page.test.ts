import { describe, expect, it } from 'vitest';
import { duplicatedOnPage } from '../../../src/core/analysis/page';

const ANSWER = 'A durable stream is an append-only log with a URL, and the agent agent loop writes to it.';

describe('what the page shows twice', () => {
  it('finds a replay appended straight after the partial text, even where the seam fuses two words', () => {
    expect(duplicatedOnPage(`A durable stream is an${ANSWER}`, ANSWER)).not.toBeNull();
  });

  it('does not count what the answer itself repeats (“agent agent”), nor the answer shown once', () => {
    expect(duplicatedOnPage(`You: hi\nAssistant: ${ANSWER}`, ANSWER)).toBeNull();
  });
});
