/**
 * At most one UI update per animation frame, whatever the event rate. The first update after a
 * quiet frame runs at once (a lone event shows without waiting for a frame); the ones that
 * follow within the same frame are folded into one that runs at the next animation frame — or
 * after `fallbackMs` when no frame comes (a panel page in a background tab gets no animation
 * frames but must still catch up).
 *
 * At 1,000 events/s the panel received ~100 records messages a second and re-rendered (and
 * laid out, for the event table's follow-the-tail scroll) for each one; the profile of the real
 * DevTools panel had its main thread busy for most of every second, which is what delayed the
 * page → panel latency (the pipeline itself delivers in ~10 ms).
 */
export type FrameBatch = (update: () => void) => void;

interface FrameHost {
  requestAnimationFrame(cb: () => void): unknown;
  setTimeout(cb: () => void, ms: number): unknown;
  performance: { now(): number };
}

export function createFrameBatch(host: FrameHost, frameMs = 16, fallbackMs = 50): FrameBatch {
  let pending: (() => void) | null = null;
  let last = -Infinity;
  const flush = () => {
    const update = pending;
    if (!update) return;
    pending = null;
    last = host.performance.now();
    update();
  };
  return (update) => {
    if (pending) {
      pending = update;
      return;
    }
    if (host.performance.now() - last >= frameMs) {
      last = host.performance.now();
      update();
      return;
    }
    pending = update;
    host.requestAnimationFrame(flush);
    host.setTimeout(flush, fallbackMs);
  };
}
