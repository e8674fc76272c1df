/**
 * Comparing what a stream carried with what the page shows, by words: rendering changes
 * whitespace, punctuation and markup (a Markdown renderer drops `**`, a bubble adds a name),
 * but the words of a streamed answer appear on the page in the order they arrived.
 */
export function words(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** How far ahead on the page the next word of the candidate may be (inserted labels, markup). */
const WINDOW = 12;

/**
 * How many of `cand`'s words appear on the page in order, greedily, starting where the first
 * of them does. Cheap enough to run for every candidate field against every changed block.
 */
export function orderedMatches(cand: readonly string[], page: readonly string[], pageIndex?: Map<string, number[]>): number {
  if (cand.length === 0 || page.length === 0) return 0;
  const index = pageIndex ?? indexWords(page);
  let best = 0;
  // Try a few starting points: the first candidate word may also occur earlier on the page.
  const starts = (index.get(cand[0]!) ?? []).slice(0, 8);
  if (starts.length === 0) starts.push(-1);
  for (const start of starts) {
    let j = start < 0 ? 0 : start + 1;
    let matched = start < 0 ? 0 : 1;
    for (let i = start < 0 ? 0 : 1; i < cand.length; i++) {
      const w = cand[i]!;
      let k = -1;
      for (let p = j; p < Math.min(page.length, j + WINDOW); p++) if (page[p] === w) { k = p; break; }
      if (k >= 0) {
        matched++;
        j = k + 1;
      }
    }
    if (matched > best) best = matched;
  }
  return best;
}

export function indexWords(page: readonly string[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  page.forEach((w, i) => {
    const list = index.get(w);
    if (list) list.push(i);
    else index.set(w, [i]);
  });
  return index;
}
