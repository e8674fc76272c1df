/**
 * multi-agent-direct: a server-side run with one durable event log per agent;
 * the client opens one resumable SSE stream per agent.
 */
import { genParams, newId, type Mode, type ModeContext } from '../lib/context.js';
import { AGENTS, agentScript, type AgentName } from '../lib/agents.js';
import { HttpError, lastEventId, readJson, sendJson, startSse } from '../lib/http.js';
import { Router } from '../lib/router.js';
import { RunLog, pipeLogToSse } from '../lib/run-log.js';
import { startTicker, type Ticker } from '../model.js';

interface Run {
  id: string;
  logs: Map<AgentName, RunLog>;
  ticker: Ticker;
  state: 'streaming' | 'done' | 'cancelled';
}

export function multiAgentDirect(ctx: ModeContext): Mode {
  const runs = new Map<string, Run>();
  ctx.onClose(() => runs.forEach((r) => r.ticker.stop()));

  const router = new Router()
    .on('POST', '/api/runs', async (req, res) => {
      const p = genParams(await readJson(req), ctx.defaults);
      const ticks = agentScript(p);
      const runId = newId('run');
      const logs = new Map<AgentName, RunLog>(AGENTS.map((a) => [a, new RunLog()]));
      const run: Run = { id: runId, logs, state: 'streaming', ticker: undefined as unknown as Ticker };
      run.ticker = startTicker(
        ticks.length,
        p.tps,
        (i) => {
          for (const ev of ticks[i]!) {
            const log = logs.get(ev.agent)!;
            if (ev.type === 'text-delta') log.append('delta', { runId, agent: ev.agent, delta: ev.delta });
            else if (ev.type === 'agent-end') {
              log.append('done', { runId, agent: ev.agent, reason: 'stop' });
              log.end();
            }
          }
        },
        () => {
          run.state = 'done';
        },
      );
      runs.set(runId, run);
      sendJson(res, 200, {
        runId,
        agents: AGENTS.map((name) => ({ name, stream: `/multi-agent-direct/api/runs/${runId}/agents/${name}/stream` })),
      });
    })
    .on('GET', '/api/runs/:runId/agents/:name/stream', (req, res, { runId, name }) => {
      const run = runs.get(runId!);
      if (!run) throw new HttpError(404, `unknown run ${runId}`);
      const log = run.logs.get(name as AgentName);
      if (!log) throw new HttpError(404, `unknown agent ${name}`);
      startSse(res);
      ctx.trackStream(res);
      pipeLogToSse(log, res, { after: lastEventId(req) ?? 0, withIds: true });
    })
    .on('POST', '/api/runs/:runId/cancel', (_req, res, { runId }) => {
      const run = runs.get(runId!);
      if (!run) throw new HttpError(404, `unknown run ${runId}`);
      if (run.state === 'streaming') {
        run.ticker.stop();
        run.state = 'cancelled';
        for (const [agent, log] of run.logs) {
          if (log.ended) continue;
          log.append('cancelled', { runId, agent, by: 'user' });
          log.end();
        }
      }
      sendJson(res, 200, { runId, state: run.state });
    });

  return { name: 'multi-agent-direct', handle: (req, res, path, url) => router.dispatch(req, res, path, url) };
}
