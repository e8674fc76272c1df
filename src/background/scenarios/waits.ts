/** Polling helpers for tests: wait for something to show up in a tab's capture. */
import type { AnalyzedConnection } from '../../core/analysis';
import type { TestContext } from './context';

export const POLL_MS = 100;

export async function waitFor<T>(ctx: TestContext, what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T | null> {
  const start = ctx.now();
  ctx.progress(what);
  for (;;) {
    if (ctx.aborted()) return null;
    const v = await probe();
    if (v !== null) return v;
    if (ctx.now() - start > timeoutMs) return null;
    await ctx.sleep(POLL_MS);
  }
}

/** How long the page must show no new text before its last sample is taken as what it shows. */
const SETTLED_MS = 400;

/**
 * Waits (up to 2 s) until the tab's page has stopped changing, so a verdict compares the wire
 * with the page's final text rather than with a sample that is still on its way.
 */
export async function pageSettled(ctx: TestContext, tabId: number): Promise<void> {
  await waitFor(ctx, 'waiting for the page to settle', 2000, async () => {
    const last = (await ctx.view(tabId)).at(-1);
    return !last || ctx.now() - last.time >= SETTLED_MS ? true : null;
  });
}

/** Text-delta events an AI stream delivered so far. */
export function deltaCount(c: AnalyzedConnection): number {
  return c.recognition.events.filter((e) => e.type === 'text-delta').length;
}

/** Whether the generation on these streams is over: each ended, or finished or cancelled its message. */
export async function generationOver(ctx: TestContext, tabId: number, ids: readonly string[]): Promise<boolean> {
  const streams = (await ctx.connections(tabId)).filter((c) => ids.includes(c.conn.summary.id));
  return streams.every((c) => c.conn.summary.state === 'ended' || c.output.messages.some((m) => m.finished || m.cancelled));
}

/** The AI streams that are open and have delivered at least `minEvents` deltas. */
function liveGeneration(conns: AnalyzedConnection[], minEvents: number): AnalyzedConnection[] {
  return conns.filter((c) => c.isAiStream && c.conn.summary.state !== 'ended' && deltaCount(c) >= minEvents && !c.output.messages.every((m) => m.finished || m.cancelled));
}

/** How long the tab must have had nothing in flight before the wait for a generation gives up. */
const IDLE_MS = 3000;

/**
 * Waits for a generation to stream (see `liveGeneration`), and gives up early — instead of
 * after the whole wait — when requests went out but nothing is in flight any more: every
 * connection has ended, the last at least IDLE_MS ago, and none carried text the page shows.
 */
export async function waitForGeneration(ctx: TestContext, tabId: number, minEvents: number): Promise<AnalyzedConnection[] | null> {
  const start = ctx.now();
  const found = await waitFor(ctx, 'waiting for a generation to stream', ctx.options.waitForGenerationMs, async () => {
    const all = await ctx.connections(tabId);
    const live = liveGeneration(all, minEvents);
    if (live.length > 0) return live;
    const conns = all.filter((c) => c.conn.summary.startedAt >= start - 60_000);
    const lastEnd = Math.max(...conns.map((c) => c.conn.summary.endedAt ?? Infinity));
    const idle = conns.length > 0 && !conns.some((c) => c.isAiStream) && Number.isFinite(lastEnd) && ctx.now() - lastEnd >= IDLE_MS;
    return idle ? [] : null;
  });
  return found && found.length > 0 ? found : null;
}
