/**
 * eventsource: POST /api/runs starts a server-side run; the native
 * EventSource reads /api/runs/:runId/events (retry + id lines, Last-Event-ID
 * resume). `?ids=0` on the events URL omits id lines (reconnect = full replay).
 */
import { genParams, newId, type Mode, type ModeContext } from '../lib/context.js';
import { HttpError, lastEventId, readJson, sendJson, startSse } from '../lib/http.js';
import { Router } from '../lib/router.js';
import { RunLog, pipeLogToSse } from '../lib/run-log.js';
import { generateTokens, startTicker, type Ticker } from '../model.js';

interface Run {
  log: RunLog;
  ticker: Ticker;
  state: 'streaming' | 'done' | 'cancelled';
}

export function eventSourceMode(ctx: ModeContext): Mode {
  const runs = new Map<string, Run>();
  ctx.onClose(() => runs.forEach((r) => r.ticker.stop()));

  const router = new Router()
    .on('POST', '/api/runs', async (req, res) => {
      const p = genParams(await readJson(req), ctx.defaults);
      const tokens = generateTokens(p.prompt, p.seed, p.tokens);
      const runId = newId('run');
      const log = new RunLog();
      const run: Run = { log, state: 'streaming', ticker: undefined as unknown as Ticker };
      run.ticker = startTicker(
        tokens.length,
        p.tps,
        (i) => log.append('delta', { delta: tokens[i] }),
        () => {
          run.state = 'done';
          log.append('done', { reason: 'stop' });
          log.end();
        },
      );
      runs.set(runId, run);
      sendJson(res, 200, { runId });
    })
    .on('GET', '/api/runs/:runId/events', (req, res, { runId }, url) => {
      const run = runs.get(runId!);
      if (!run) throw new HttpError(404, `unknown run ${runId}`);
      const withIds = url.searchParams.get('ids') !== '0';
      startSse(res);
      ctx.trackStream(res);
      pipeLogToSse(run.log, res, {
        after: withIds ? (lastEventId(req) ?? 0) : 0,
        withIds,
        preamble: 'retry: 1000\n\n',
      });
    })
    .on('POST', '/api/runs/:runId/cancel', (_req, res, { runId }) => {
      const run = runs.get(runId!);
      if (!run) throw new HttpError(404, `unknown run ${runId}`);
      if (run.state === 'streaming') {
        run.ticker.stop();
        run.state = 'cancelled';
        run.log.append('cancelled', { by: 'user' });
        run.log.end();
      }
      sendJson(res, 200, { runId, state: run.state });
    });

  return { name: 'eventsource', handle: (req, res, path, url) => router.dispatch(req, res, path, url) };
}
