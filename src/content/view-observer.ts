/**
 * Watches what the page shows, from the ISOLATED world: a MutationObserver the page cannot
 * see, on while the tab records and off otherwise. Each changed block (the nearest non-inline
 * ancestor of the changed text) is read with `textContent` (no layout, nothing the page can
 * observe) at most every FLUSH_MS, and its text is sent when it differs from the last sample.
 * The analysis matches these texts with the captured payloads to find the answer's stream.
 */
import { VIEW_LIMITS, type ViewObservation } from '../core/view/sample';

const FLUSH_MS = 150;
const INLINE = new Set(['SPAN', 'B', 'I', 'EM', 'STRONG', 'A', 'CODE', 'MARK', 'SMALL', 'SUB', 'SUP', 'U', 'S', 'FONT', 'LABEL', 'ABBR', 'Q', 'KBD', 'VAR', 'TIME', 'DEL', 'INS']);
const SKIP = new Set(['SCRIPT', 'STYLE', 'HEAD', 'NOSCRIPT', 'TEMPLATE', 'HTML']);

export function createViewObserver(post: (samples: ViewObservation[]) => void): { start(): void; stop(): void } {
  let observer: MutationObserver | null = null;
  const ids = new WeakMap<Element, number>();
  const last = new WeakMap<Element, string>();
  const dirty = new Set<Element>();
  let nextId = 1;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const blockOf = (node: Node): Element | null => {
    let el: Element | null = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
    while (el && INLINE.has(el.tagName) && el.parentElement) el = el.parentElement;
    return el && !SKIP.has(el.tagName) ? el : null;
  };

  const flush = () => {
    timer = null;
    const time = performance.timeOrigin + performance.now();
    const samples: ViewObservation[] = [];
    for (const el of dirty) {
      if (!el.isConnected) continue;
      const full = el.textContent ?? '';
      if (last.get(el) === full) continue;
      last.set(el, full);
      let block = ids.get(el);
      if (block === undefined) ids.set(el, (block = nextId++));
      samples.push({ time, block, text: full.length > VIEW_LIMITS.blockChars ? full.slice(-VIEW_LIMITS.blockChars) : full });
      if (samples.length >= VIEW_LIMITS.samplesPerMessage) break;
    }
    dirty.clear();
    if (samples.length > 0) post(samples);
  };

  const onMutations = (list: MutationRecord[]) => {
    for (const m of list) {
      const el = blockOf(m.target);
      if (el) dirty.add(el);
    }
    if (dirty.size > 0 && timer === null) timer = setTimeout(flush, FLUSH_MS);
  };

  return {
    start() {
      if (observer) return;
      observer = new MutationObserver(onMutations);
      observer.observe(document, { subtree: true, childList: true, characterData: true });
    },
    stop() {
      observer?.disconnect();
      observer = null;
      dirty.clear();
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
