/**
 * What the page showed: samples of the page's visible text, taken by the ISOLATED-world relay
 * (a MutationObserver the page cannot see) while the tab records. One sample is the whole text
 * of one block that changed (a paragraph, a message bubble), so the analysis can tell which
 * connection the answer on screen came from and what the user saw at any moment.
 */
export interface ViewSample {
  time: number;
  /** The document the block lives in (the relay's docId). */
  docId: string;
  /** Stable number of the block within its document. */
  block: number;
  text: string;
}

/** A sample as the relay takes it; the background adds the document it came from. */
export type ViewObservation = Omit<ViewSample, 'docId'>;

/** Bounds on what one document may contribute (the text is page-controlled). */
export const VIEW_LIMITS = {
  /** Characters kept of one block's text (its end, where a streamed answer grows). */
  blockChars: 32 * 1024,
  samplesPerMessage: 200,
  /** Characters of view text a tab keeps; the oldest samples go first. */
  tabChars: 4 * 1024 * 1024,
} as const;

/** Rebuilds samples from a message: known fields only, bounded. */
export function sanitizeViewSamples(x: unknown, docId: string): ViewSample[] {
  if (!Array.isArray(x)) return [];
  const out: ViewSample[] = [];
  for (const s of x.slice(0, VIEW_LIMITS.samplesPerMessage)) {
    if (typeof s !== 'object' || s === null) continue;
    const { time, block, text } = s as Record<string, unknown>;
    if (typeof time !== 'number' || !Number.isFinite(time) || !Number.isSafeInteger(block) || typeof text !== 'string') continue;
    out.push({ time, docId, block: block as number, text: text.length > VIEW_LIMITS.blockChars ? text.slice(-VIEW_LIMITS.blockChars) : text });
  }
  return out;
}

/** Appends samples to a tab's view, dropping the oldest beyond the tab's budget. */
export function appendView(view: ViewSample[], samples: ViewSample[], budget: number = VIEW_LIMITS.tabChars): void {
  view.push(...samples);
  let total = 0;
  for (const s of view) total += s.text.length;
  let drop = 0;
  while (total > budget && drop < view.length - 1) total -= view[drop++]!.text.length;
  if (drop > 0) view.splice(0, drop);
}
