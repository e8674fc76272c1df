/**
 * multi-agent-funnel: every agent's output is funnelled through ONE
 * text/event-stream (data-only lines); closing it stops everything.
 */
import { genParams, type Mode, type ModeContext } from '../lib/context.js';
import { agentScript } from '../lib/agents.js';
import { readJson, safeEnd, safeWrite, startSse } from '../lib/http.js';
import { Router } from '../lib/router.js';
import { startTicker, type Ticker } from '../model.js';

export function multiAgentFunnel(ctx: ModeContext): Mode {
  const live = new Set<Ticker>();
  ctx.onClose(() => live.forEach((t) => t.stop()));

  const router = new Router().on('POST', '/api/chat', async (req, res) => {
    const p = genParams(await readJson(req), ctx.defaults);
    const ticks = agentScript(p);
    startSse(res);
    ctx.trackStream(res);
    const ticker = startTicker(
      ticks.length,
      p.tps,
      (i) => {
        for (const ev of ticks[i]!) safeWrite(res, `data: ${JSON.stringify(ev)}\n\n`);
      },
      () => {
        live.delete(ticker);
        safeWrite(res, `data: ${JSON.stringify({ type: 'finish' })}\n\n`);
        safeEnd(res);
      },
    );
    live.add(ticker);
    res.on('close', () => {
      ticker.stop();
      live.delete(ticker);
    });
  });

  return { name: 'multi-agent-funnel', handle: (req, res, path, url) => router.dispatch(req, res, path, url) };
}
