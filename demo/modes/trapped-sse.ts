/**
 * trapped-sse: the Single-Connection Trap. POST /api/chat streams OpenAI Chat
 * Completions chunks; generation lives and dies with that one response.
 */
import { genParams, newId, type Mode, type ModeContext } from '../lib/context.js';
import { readJson, safeEnd, safeWrite, startSse } from '../lib/http.js';
import { Router } from '../lib/router.js';
import { generateTokens, startTicker, type Ticker } from '../model.js';

export function trappedSse(ctx: ModeContext): Mode {
  const live = new Set<Ticker>();
  ctx.onClose(() => live.forEach((t) => t.stop()));

  const router = new Router().on('POST', '/api/chat', async (req, res) => {
    const p = genParams(await readJson(req), ctx.defaults);
    const tokens = generateTokens(p.prompt, p.seed, p.tokens);
    const id = 'chatcmpl-' + newId('c').slice(2);
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, string>, finish: string | null): string =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: 'demo-1',
        choices: [{ index: 0, delta, finish_reason: finish }],
      })}\n\n`;
    startSse(res);
    ctx.trackStream(res);
    safeWrite(res, chunk({ role: 'assistant', content: '' }, null));
    const ticker = startTicker(
      tokens.length,
      p.tps,
      (i) => safeWrite(res, chunk({ content: tokens[i]! }, null)),
      () => {
        live.delete(ticker);
        safeWrite(res, chunk({}, 'stop'));
        safeWrite(res, 'data: [DONE]\n\n');
        safeEnd(res);
      },
    );
    live.add(ticker);
    // The trap: the generation is tied to this response.
    res.on('close', () => {
      ticker.stop();
      live.delete(ticker);
    });
  });

  return { name: 'trapped-sse', handle: (req, res, path, url) => router.dispatch(req, res, path, url) };
}
