/**
 * trapped-ws: one WebSocket per generation; closing it stops the generation.
 * client → {"type":"chat",prompt,tps?,tokens?,seed?}
 * server → {"type":"delta","text"} per token, then {"type":"done"}
 */
import { genParams, type Mode, type ModeContext } from '../lib/context.js';
import { HttpError } from '../lib/http.js';
import { parseFrame, wsSend } from '../lib/ws.js';
import { generateTokens, startTicker, type Ticker } from '../model.js';

export function trappedWs(ctx: ModeContext): Mode {
  const live = new Set<Ticker>();
  ctx.onClose(() => live.forEach((t) => t.stop()));

  return {
    name: 'trapped-ws',
    upgrade(req, socket, head, path) {
      if (path !== '/ws') return false;
      ctx.wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => {});
        let ticker: Ticker | undefined;
        ws.on('message', (data) => {
          try {
            const msg = parseFrame(data);
            if (msg['type'] !== 'chat') throw new HttpError(400, `unknown message type ${JSON.stringify(msg['type'])}`);
            if (ticker && !ticker.stopped) throw new HttpError(409, 'a generation is already running on this socket');
            const p = genParams(msg, ctx.defaults);
            const tokens = generateTokens(p.prompt, p.seed, p.tokens);
            const t = startTicker(
              tokens.length,
              p.tps,
              (i) => wsSend(ws, { type: 'delta', text: tokens[i] }),
              () => {
                live.delete(t);
                wsSend(ws, { type: 'done' });
              },
            );
            ticker = t;
            live.add(t);
          } catch (err) {
            wsSend(ws, { type: 'error', message: (err as Error).message });
          }
        });
        ws.on('close', () => {
          if (ticker) {
            ticker.stop();
            live.delete(ticker);
          }
        });
      });
      return true;
    },
  };
}
