/**
 * The page's texts as the analysis compares them: per block, the longest and the latest text
 * it showed (an answer may be cleared and redrawn), and a block's text at a given moment.
 */
import { pageText, type PageText } from './answer-field';
import type { ViewSample } from './sample';

const blockKey = (s: ViewSample) => `${s.docId}#${s.block}`;

export function pageTextsOf(view: readonly ViewSample[]): PageText[] {
  const longest = new Map<string, string>();
  const latest = new Map<string, string>();
  for (const s of view) {
    const k = blockKey(s);
    if ((longest.get(k)?.length ?? -1) < s.text.length) longest.set(k, s.text);
    latest.set(k, s.text);
  }
  const texts = new Set([...longest.values(), ...latest.values()].filter((t) => t.trim() !== ''));
  return [...texts].map(pageText);
}

export interface BlockHistory {
  key: string;
  samples: ViewSample[];
}

/** Each block's samples in time order. */
export function blockHistories(view: readonly ViewSample[]): BlockHistory[] {
  const by = new Map<string, ViewSample[]>();
  for (const s of view) {
    const k = blockKey(s);
    const list = by.get(k);
    if (list) list.push(s);
    else by.set(k, [s]);
  }
  return [...by.entries()].map(([key, samples]) => ({ key, samples: samples.sort((a, b) => a.time - b.time) }));
}

/** The block's text as the user saw it at `time` (the last sample at or before it). */
export function textAt(h: BlockHistory, time: number): string {
  let out = '';
  for (const s of h.samples) {
    if (s.time > time) break;
    out = s.text;
  }
  return out;
}
