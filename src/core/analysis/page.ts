/**
 * What the user saw, as evidence: the page block that shows a wire answer, its text at a
 * moment (at the drop, after the reconnect, after Stop), whether it grew, and whether it shows
 * part of the answer twice. Verdicts compare these with what the wire carried.
 */
import { blockHistories, textAt, type BlockHistory } from '../view/page-texts';
import type { ViewSample } from '../view/sample';
import { indexWords, orderedMatches, words } from '../view/words';

/** The block whose text best shows `answer` (at least half its words, in order), or null. */
export function answerBlock(view: readonly ViewSample[], answer: string): BlockHistory | null {
  if (words(answer).length < 3) return null;
  let best: { h: BlockHistory; score: number } | null = null;
  for (const h of blockHistories(view)) {
    const longest = h.samples.reduce((a, s) => (s.text.length > a.length ? s.text : a), '');
    const score = coverage(longest, answer);
    if (score >= 0.5 && (!best || score > best.score)) best = { h, score };
  }
  return best?.h ?? null;
}

/** Share of the answer's words the text shows, in order. */
export function coverage(text: string, answer: string): number {
  const w = words(answer);
  if (w.length === 0) return 0;
  const pw = words(text);
  return orderedMatches(w, pw, indexWords(pw)) / w.length;
}

/**
 * A run of the answer the page shows more often than the answer has it (a duplicate the user
 * reads), or null. Counting runs, not words, tolerates words the answer itself repeats.
 */
export function duplicatedOnPage(page: string, answer: string): string | null {
  return repeatedRun(page, answer) ?? repeatedShingle(page, answer);
}

const PROBE = 20;

/**
 * By characters: a replay appended straight after the partial text fuses two words at the seam
 * ("…is anA durable…"), which hides it from word runs; runs of the answer's characters do not care.
 */
function repeatedRun(page: string, answer: string): string | null {
  const squash = (s: string) => s.replace(/\s+/g, ' ').toLowerCase();
  const p = squash(page);
  const a = squash(answer);
  const count = (hay: string, needle: string) => {
    let n = 0;
    for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) n++;
    return n;
  };
  for (let i = 0; i + PROBE <= a.length; i += PROBE / 2) {
    const probe = a.slice(i, i + PROBE);
    if (count(p, probe) > count(a, probe)) return probe.trim();
  }
  return null;
}

const SHINGLE = 4;

/** By words: a 4-word run of the answer shown more often than the answer has it. */
function repeatedShingle(page: string, answer: string): string | null {
  const count = (w: string[]) => {
    const m = new Map<string, number>();
    for (let i = 0; i + SHINGLE <= w.length; i++) {
      const k = w.slice(i, i + SHINGLE).join(' ');
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  };
  const inAnswer = count(words(answer));
  const onPage = count(words(page));
  for (const [k, n] of onPage) if (n > (inAnswer.get(k) ?? 0) && inAnswer.has(k)) return k;
  return null;
}

/** The block's text at the moment, and its last text. */
export function pageAt(h: BlockHistory | null, time: number): string {
  return h ? textAt(h, time) : '';
}

export function pageFinal(h: BlockHistory | null): string {
  return h?.samples.at(-1)?.text ?? '';
}

/** Words the block gained after `time` (0 when it did not grow). */
export function grewAfter(h: BlockHistory | null, time: number): number {
  if (!h) return 0;
  const at = words(textAt(h, time)).length;
  return Math.max(0, ...h.samples.filter((s) => s.time > time).map((s) => words(s.text).length - at));
}

/** Distinct texts of the block that show part of `answer`, sampled before `until`. */
export function growingTexts(h: BlockHistory | null, answer: string, until: number): ViewSample[] {
  if (!h) return [];
  const seen = new Set<string>();
  return h.samples.filter((s) => {
    if (s.time > until || seen.has(s.text) || coverage(answer, s.text) < 0.6 || words(s.text).length < 2) return false;
    seen.add(s.text);
    return true;
  });
}

export const clip = (s: string, n = 200): string => (s.length > n ? `…${s.slice(-n)}` : s);
