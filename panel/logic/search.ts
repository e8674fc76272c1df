/** Search within the event table: case-insensitive substring, next/previous with wrap-around. */

export function findMatches(count: number, textAt: (i: number) => string, query: string): number[] {
  const q = query.toLowerCase();
  if (q === '') return [];
  const hits: number[] = [];
  for (let i = 0; i < count; i++) if (textAt(i).toLowerCase().includes(q)) hits.push(i);
  return hits;
}

/** Position in `matches` after stepping from `current` by `dir`, wrapping at both ends. */
export function stepMatch(matchCount: number, current: number, dir: 1 | -1): number {
  if (matchCount === 0) return -1;
  if (current < 0) return dir === 1 ? 0 : matchCount - 1;
  return (current + dir + matchCount) % matchCount;
}

export interface TextPart {
  text: string;
  hit: boolean;
}

export function highlightParts(text: string, query: string): TextPart[] {
  if (query === '') return [{ text, hit: false }];
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  const parts: TextPart[] = [];
  let at = 0;
  for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, i + q.length)) {
    if (i > at) parts.push({ text: text.slice(at, i), hit: false });
    parts.push({ text: text.slice(i, i + q.length), hit: true });
    at = i + q.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), hit: false });
  return parts;
}
