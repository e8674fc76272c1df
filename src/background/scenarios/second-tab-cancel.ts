/**
 * Live cancel from a second tab: while tab A streams, open tab B, press its stop control, and
 * watch whether B sent an explicit cancel and A's stream stopped with a cancellation.
 */
import { secondTabCancelVerdict, type Verdict } from '../../core/analysis';
import type { TestContext } from './context';
import { generationOver, waitForGeneration, waitFor } from './waits';

/** The progress step on which the check runner's driver presses stop in the second tab. */
export const STOP_BY_DRIVER = 'waiting for the driver to press stop in the second tab';

/** How long tab B's app may take to load the conversation and show an enabled stop control. */
const JOIN_MS = 8000;
/** How long tab A is watched after the stop. */
const WATCH_MS = 3000;

export async function runSecondTabCancel(ctx: TestContext): Promise<Verdict> {
  const { tabId, options } = ctx;
  const streams = await waitForGeneration(ctx, tabId, 1);
  if (!streams) return secondTabCancelVerdict({ tabA: await ctx.connections(tabId), tabB: [], stop: { found: true, enabled: false, label: '', pressedAt: null }, endedAt: ctx.now() });
  const url = options.secondTabUrl ?? (await ctx.tabUrl(tabId));
  if (!url) throw new Error('cannot read the URL of the inspected tab');
  ctx.progress(`opening a second tab on ${url}`);
  const tabB = await ctx.openTab(url);
  try {
    // Tab B's app joins the run at its own pace: wait for its stop control to be usable (or
    // for tab A's generation to end), not for a fixed time.
    const ids = streams.map((s) => s.conn.summary.id);
    await waitFor(ctx, 'waiting for the second tab to join', options.externalStop ? 1500 : JOIN_MS, async () => {
      if (!options.externalStop) {
        const s = await ctx.pressStop(tabB, options.stopSelector, false);
        if (s.found && s.enabled) return true;
      } else if ((await ctx.connections(tabB)).some((c) => c.isAiStream)) return true;
      return (await generationOver(ctx, tabId, ids)) ? true : null;
    });
    let stop;
    // When the press happened: just before our own press (the click runs right after, and the
    // script's round trip may take long on a loaded machine), or when the driver says it pressed.
    let pressTime: number;
    if (options.externalStop) {
      ctx.progress(STOP_BY_DRIVER);
      stop = await ctx.externalStop(15_000);
      pressTime = stop.at ?? ctx.now();
    } else {
      ctx.progress('pressing the stop control in the second tab');
      pressTime = ctx.now();
      stop = await ctx.pressStop(tabB, options.stopSelector);
    }
    const pressedAt = stop.found && stop.enabled ? pressTime : null;
    if (pressedAt !== null) {
      ctx.progress('watching whether the generation stops');
      await ctx.sleep(WATCH_MS);
    }
    return secondTabCancelVerdict({
      tabA: await ctx.connections(tabId),
      tabB: await ctx.connections(tabB),
      stop: stop.found ? { found: true, enabled: stop.enabled, label: stop.label, pressedAt } : { found: false },
      endedAt: ctx.now(),
      viewA: await ctx.view(tabId),
      viewB: await ctx.view(tabB),
    });
  } finally {
    await ctx.closeTab(tabB);
  }
}
