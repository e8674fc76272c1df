/**
 * Multi-surface visibility: while tab A streams, open the same conversation in tab B and watch
 * whether B receives the in-flight answer live.
 */
import { multiSurfaceVerdict, type Verdict } from '../../core/analysis';
import type { TestContext } from './context';
import { generationOver, waitForGeneration, waitFor } from './waits';

const GRACE_MS = 1500;

export async function runMultiSurface(ctx: TestContext): Promise<Verdict> {
  const { tabId, options } = ctx;
  const streams = await waitForGeneration(ctx, tabId, 1);
  if (!streams) return multiSurfaceVerdict({ tabA: await ctx.connections(tabId), tabB: [], openedAt: ctx.now(), endedAt: ctx.now() });
  const url = options.secondTabUrl ?? (await ctx.tabUrl(tabId));
  if (!url) throw new Error('cannot read the URL of the inspected tab');
  ctx.progress(`opening a second tab on ${url}`);
  const openedAt = ctx.now();
  const tabB = await ctx.openTab(url);
  try {
    const ids = streams.map((s) => s.conn.summary.id);
    await waitFor(ctx, 'watching the second tab while the answer streams', options.timeoutMs, async () => ((await generationOver(ctx, tabId, ids)) ? true : null));
    await ctx.sleep(GRACE_MS);
    return multiSurfaceVerdict({ tabA: await ctx.connections(tabId), tabB: await ctx.connections(tabB), openedAt, endedAt: ctx.now(), viewB: await ctx.view(tabB) });
  } finally {
    await ctx.closeTab(tabB);
  }
}
