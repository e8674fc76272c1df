/**
 * The page's view (`ViewSample`s) as traces carry it. Verdicts computed from an imported trace
 * must see the same evidence as live ones, so the bounds are the live capture's own
 * (`VIEW_LIMITS`), and the export applies them too: whatever we write, we read back.
 */
import { VIEW_LIMITS, type ViewSample } from '../view/sample';

/**
 * Samples one session may carry. A tab keeps at most `tabChars` characters of view text, so
 * at most that many non-empty samples: the live bound, counted in samples.
 */
export const MAX_VIEW_SAMPLES: number = VIEW_LIMITS.tabChars;

/** A block's text within the per-sample bound, keeping its end as the relay does (a streamed answer grows there). */
export function clipViewText(text: string): string {
  return text.length > VIEW_LIMITS.blockChars ? text.slice(-VIEW_LIMITS.blockChars) : text;
}

/**
 * A copy of a tab's view within the import bounds. The newest samples are kept, as the tab
 * drops its oldest; live views are already within them, so this only guards other sources.
 */
export function boundedView(view: readonly ViewSample[]): ViewSample[] {
  return view.slice(-MAX_VIEW_SAMPLES).map((s) => ({ time: s.time, docId: s.docId, block: s.block, text: clipViewText(s.text) }));
}
