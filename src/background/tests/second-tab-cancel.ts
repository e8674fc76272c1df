/**
 * Live cancel from a second tab: while tab A streams, open tab B, press its stop control, and
 * watch whether B sent an explicit cancel and A's stream stopped with a cancellation.
 */
import { secondTabCancelVerdict, type Verdict } from '../../core/analysis';
import type { TestContext } from './context';
import { liveGeneration, waitFor } from './waits';

/** The progress step on which the check runner's driver presses stop in the second tab. */
export const STOP_BY_DRIVER = 'waiting for the driver to press stop in the second tab';

/** Time for tab B's app to load the conversation and join the in-flight run. */
const JOIN_MS = 1500;
/** How long tab A is watched after the stop. */
const WATCH_MS = 3000;

export async function runSecondTabCancel(ctx: TestContext): Promise<Verdict> {
  const { tabId, options } = ctx;
  const streams = await waitFor(ctx, 'waiting for a generation to stream', options.waitForGenerationMs, () => liveGeneration(ctx, tabId, 1));
  if (!streams) return secondTabCancelVerdict({ tabA: await ctx.connections(tabId), tabB: [], stop: { found: true, enabled: false, label: '', pressedAt: null }, endedAt: ctx.now() });
  const url = options.secondTabUrl ?? (await ctx.tabUrl(tabId));
  if (!url) throw new Error('cannot read the URL of the inspected tab');
  ctx.progress(`opening a second tab on ${url}`);
  const tabB = await ctx.openTab(url);
  try {
    await ctx.sleep(JOIN_MS);
    let stop;
    if (options.externalStop) {
      ctx.progress(STOP_BY_DRIVER);
      stop = await ctx.externalStop(15_000);
    } else {
      ctx.progress('pressing the stop control in the second tab');
      stop = await ctx.pressStop(tabB, options.stopSelector);
    }
    const pressedAt = stop.found && stop.enabled ? ctx.now() : null;
    if (pressedAt !== null) {
      ctx.progress('watching whether the generation stops');
      await ctx.sleep(WATCH_MS);
    }
    return secondTabCancelVerdict({
      tabA: await ctx.connections(tabId),
      tabB: await ctx.connections(tabB),
      stop: stop.found ? { found: true, enabled: stop.enabled, label: stop.label, pressedAt } : { found: false },
      endedAt: ctx.now(),
    });
  } finally {
    await ctx.closeTab(tabB);
  }
}
