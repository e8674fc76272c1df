/**
 * durable-sse: runs generate server-side into an in-memory log; clients
 * subscribe (and resume with Last-Event-ID) over fetch + text/event-stream.
 */
import { genParams, newId, type Mode, type ModeContext } from '../lib/context.js';
import { HttpError, lastEventId, readJson, sendJson, startSse } from '../lib/http.js';
import { Router, checkCid } from '../lib/router.js';
import { RunLog, pipeLogToSse } from '../lib/run-log.js';
import { generateTokens, startTicker, type Ticker } from '../model.js';

type MsgState = 'streaming' | 'done' | 'cancelled';
interface Message {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  runId: string;
  state: MsgState;
}
interface Conversation {
  messages: Message[];
  activeRunId: string | null;
}
interface Run {
  id: string;
  cid: string;
  message: Message;
  log: RunLog;
  ticker: Ticker;
}

export function durableSse(ctx: ModeContext): Mode {
  const conversations = new Map<string, Conversation>();
  const runs = new Map<string, Run>();
  ctx.onClose(() => {
    for (const r of runs.values()) r.ticker.stop();
  });

  const finish = (run: Run, state: MsgState): void => {
    run.message.state = state;
    const conv = conversations.get(run.cid);
    if (conv && conv.activeRunId === run.id) conv.activeRunId = null;
  };

  const router = new Router()
    .on('GET', '/api/conversations/:cid', (_req, res, { cid }) => {
      checkCid(cid!);
      const conv = conversations.get(cid!) ?? { messages: [], activeRunId: null };
      sendJson(res, 200, { conversationId: cid, messages: conv.messages, activeRunId: conv.activeRunId });
    })
    .on('POST', '/api/conversations/:cid/runs', async (req, res, { cid }) => {
      checkCid(cid!);
      const p = genParams(await readJson(req), ctx.defaults);
      let conv = conversations.get(cid!);
      if (!conv) conversations.set(cid!, (conv = { messages: [], activeRunId: null }));
      if (conv.activeRunId) throw new HttpError(409, `run ${conv.activeRunId} is still active in this conversation`);
      const runId = newId('run');
      const messageId = newId('msg');
      conv.messages.push({ id: newId('msg'), role: 'user', text: p.prompt, runId, state: 'done' });
      const message: Message = { id: messageId, role: 'assistant', text: '', runId, state: 'streaming' };
      conv.messages.push(message);
      conv.activeRunId = runId;
      const tokens = generateTokens(p.prompt, p.seed, p.tokens);
      const log = new RunLog();
      const run: Run = { id: runId, cid: cid!, message, log, ticker: undefined as unknown as Ticker };
      run.ticker = startTicker(
        tokens.length,
        p.tps,
        (i) => {
          message.text += tokens[i];
          log.append('delta', { runId, messageId, delta: tokens[i] });
        },
        () => {
          finish(run, 'done');
          log.append('done', { runId, messageId, reason: 'stop' });
          log.end();
        },
      );
      runs.set(runId, run);
      sendJson(res, 200, { runId, messageId, conversationId: cid });
    })
    .on('GET', '/api/runs/:runId/stream', (req, res, { runId }) => {
      const run = runs.get(runId!);
      if (!run) throw new HttpError(404, `unknown run ${runId}`);
      startSse(res);
      ctx.trackStream(res);
      pipeLogToSse(run.log, res, { after: lastEventId(req) ?? 0, withIds: true });
    })
    .on('POST', '/api/runs/:runId/cancel', (_req, res, { runId }) => {
      const run = runs.get(runId!);
      if (!run) throw new HttpError(404, `unknown run ${runId}`);
      if (run.message.state === 'streaming') {
        run.ticker.stop();
        finish(run, 'cancelled');
        run.log.append('cancelled', { runId: run.id, messageId: run.message.id, by: 'user' });
        run.log.end();
      }
      sendJson(res, 200, { runId: run.id, state: run.message.state });
    });

  return { name: 'durable-sse', handle: (req, res, path, url) => router.dispatch(req, res, path, url) };
}
